"""`sbb catalog sample`: a seeded, reproducible draw of stated facts with their cited pages."""

from __future__ import annotations

import json
from dataclasses import replace

from typer.testing import CliRunner

from catalog.audit import DECIDING_KEYS, draw, pool, to_markdown
from recommender.cli import app
from tests.conftest import FIXTURE_CATALOG

CAT = ["--catalog", str(FIXTURE_CATALOG)]
runner = CliRunner()


def test_the_same_seed_draws_the_same_facts_and_another_seed_others(fixture_catalog):
    first, size = draw(fixture_catalog, 10, seed=5)
    again, _ = draw(fixture_catalog, 10, seed=5)
    other, _ = draw(fixture_catalog, 10, seed=6)
    assert size == len(pool(fixture_catalog)) and len(first) == 10
    assert [(d.where, d.key) for d in first] == [(d.where, d.key) for d in again]
    assert [(d.where, d.key) for d in first] != [(d.where, d.key) for d in other]
    # Listed in catalogue order (tool, option as in its file, fact), so a table reads tool by tool.
    order = [(d.where, d.key) for d in pool(fixture_catalog)]
    positions = [order.index((d.where, d.key)) for d in first]
    assert positions == sorted(positions)


def test_every_drawn_fact_is_stated_as_the_catalogue_states_it(fixture_catalog):
    drawn, _ = draw(fixture_catalog, 1000, seed=1)
    assert len(drawn) == len(pool(fixture_catalog))  # fewer facts than asked: all of them
    for d in drawn:
        fact = next(o for o in fixture_catalog.tools[d.tool].options if o.id == d.option).facts[d.key]
        assert d.value == fact.value and d.sources == fact.sources


def test_deciding_draws_only_deciding_facts(fixture_catalog):
    drawn, size = draw(fixture_catalog, 1000, seed=1, deciding_only=True)
    assert drawn and size < len(pool(fixture_catalog))
    assert {d.key for d in drawn} <= DECIDING_KEYS


def test_the_table_marks_a_fact_that_cites_no_page(fixture_catalog):
    drawn, size = draw(fixture_catalog, 1000, seed=1)
    sourced = next(d for d in drawn if d.sources)
    unsourced = replace(sourced, sources=())
    table = to_markdown([sourced, unsourced], size, 1, False)
    assert table.startswith(f"Audit sample: 2 of {size} stated facts, seed 1.")
    assert table.count("**no source cited**") == 1
    assert sourced.sources[0].url in table and table.count(f"`{sourced.key}`") == 2


def test_the_command_prints_the_table_and_json(fixture_catalog):
    text = runner.invoke(app, ["catalog", "sample", "--seed", "3", "-n", "4", *CAT])
    assert text.exit_code == 0 and text.stdout.count("\n| ") == 5  # header and four rows
    data = json.loads(runner.invoke(app, ["catalog", "sample", "--seed", "3", "-n", "4", *CAT, "-f", "json"]).stdout)
    assert data["seed"] == 3 and len(data["facts"]) == 4 and all(f["verdict"] is None for f in data["facts"])
    drawn, _ = draw(fixture_catalog, 4, seed=3)
    assert [(f["tool"], f["option"], f["fact"]) for f in data["facts"]] == [(d.tool, d.option, d.key) for d in drawn]


def test_the_command_refuses_bad_input():
    assert runner.invoke(app, ["catalog", "sample", *CAT]).exit_code == 2  # the seed is required
    bad = runner.invoke(app, ["catalog", "sample", "--seed", "1", *CAT, "-f", "xml"])
    assert bad.exit_code == 2 and "expected markdown or json" in bad.stderr
    assert runner.invoke(app, ["catalog", "sample", "--seed", "1", "-n", "0", *CAT]).exit_code == 2
