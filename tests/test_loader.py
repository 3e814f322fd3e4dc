"""The loader on good and hostile input: every problem at once, with file, line and key."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.loader import load_catalog, read_tool_text
from catalog.vocabulary import read_vocabulary
from tests.conftest import BUNDLED_CATALOG, FIXTURE_CATALOG

VOCAB, _ = read_vocabulary()
GOOD = (FIXTURE_CATALOG / "tools" / "alpha-analytics.toml").read_text()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_fixture_catalogue_loads_with_every_fact(fixture_catalog):
    alpha = fixture_catalog.tools["alpha-analytics"]
    cloud = alpha.options[1]
    assert cloud.step == "buy" and alpha.options[0].step == "share"
    assert cloud.value("data.residency") == ("DE",)
    assert cloud.fact("data.residency").sources[0].url == "https://alpha.example.org/hosting"
    # Without section sources the fact falls back to every source of the tool.
    assert {s.id for s in cloud.fact("integration.api").sources} == {"licence", "hosting"}
    assert cloud.fact("assurance.accessibility") is None  # not stated: unknown


def test_malformed_toml_reports_the_line(tmp_path):
    write(tmp_path, "broken", 'schema_version = 1\nname = "unterminated\n')
    result = load_catalog([tmp_path])
    assert not result.ok
    (problem,) = result.errors
    assert problem.file.endswith("broken.toml") and problem.line == 2
    assert "invalid TOML" in problem.message


def test_every_problem_is_reported_at_once_with_lines_and_keys(tmp_path):
    text = GOOD.replace('summary = "Open-source', 'summary = 3\nsumary = "Open-source').replace(
        'origin = "commercial"', 'origin = "comercial"'
    ).replace('full_export = true\nresidency', 'full_export = "yes"\nresidency').replace(
        'capabilities = ["web-analytics"]', 'capabilities = ["Web analytics", "teleportation"]'
    )
    write(tmp_path, "alpha-analytics", text)
    result = load_catalog([tmp_path])
    found = messages(result)
    assert len(result.errors) == 5, found
    joined = "\n".join(found)
    assert "summary: expected a non-empty string, found integer 3" in joined
    assert "unknown key `sumary` (did you mean `summary`?)" in joined
    assert "`comercial` is not one of" in joined and "did you mean `commercial`" in joined
    assert "options[2].data.full_export: expected true or false" in joined
    assert "unknown capability `teleportation`" in joined
    # A capability typed by its label is accepted with a nudge to write the id.
    assert any(p.severity == "warning" and "web-analytics" in p.message for p in result.problems)
    lines = {p.key: p.line for p in result.errors}
    assert lines["summary"] == text.splitlines().index("summary = 3") + 1
    assert lines["options[2].data.full_export"] == text.splitlines().index('full_export = "yes"') + 1


def test_duplicate_ids_across_directories_name_both_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    write(first, "alpha-analytics", GOOD)
    write(second, "alpha-analytics", GOOD)
    result = load_catalog([first, second])
    (problem,) = result.errors
    assert str(second) in problem.file and str(first) in problem.message


def test_duplicate_option_and_source_ids(tmp_path):
    text = GOOD.replace('id = "cloud"', 'id = "self-hosted"').replace('id = "hosting"', 'id = "licence"')
    write(tmp_path, "alpha-analytics", text)
    joined = "\n".join(messages(load_catalog([tmp_path])))
    assert "duplicate option id `self-hosted`" in joined
    assert "duplicate source id `licence`" in joined


def test_citing_a_missing_source_is_an_error(tmp_path):
    text = GOOD.replace('sources = ["hosting"]', 'sources = ["hostin"]')
    write(tmp_path, "alpha-analytics", text)
    joined = "\n".join(messages(load_catalog([tmp_path])))
    assert "no source with id `hostin`" in joined and "did you mean `hosting`" in joined


def test_file_name_must_be_a_slug_and_match_id(tmp_path):
    write(tmp_path, "Alpha_Analytics", GOOD)
    write(tmp_path, "other", 'id = "alpha"\n' + GOOD)
    joined = "\n".join(messages(load_catalog([tmp_path])))
    assert "is not a slug" in joined
    assert "id `alpha` must equal the file name `other`" in joined


def test_control_characters_and_non_utf8_are_refused(tmp_path):
    write(tmp_path, "alpha-analytics", GOOD.replace('name = "Alpha Analytics"', 'name = "Alpha\\u001b[31mRed"'))
    (tmp_path / "latin.toml").write_bytes(b'name = "caf\xe9"\n')
    joined = "\n".join(messages(load_catalog([tmp_path])))
    assert "name: contains U+001B (ESCAPE) at character 6; catalogue text must be plain" in joined
    assert "latin.toml: error: not UTF-8" in joined


def test_soft_problems_are_warnings_not_errors(tmp_path):
    text = GOOD.replace('licence = "MIT"\nopen_standards', 'licence = "mit"\nopen_standards')
    a, b = text.index("[[sources]]"), text.index("[[options]]")
    text = text[:a] + text[b:]
    text = text.replace('sources = ["licence"]', "").replace('sources = ["hosting"]', "")
    write(tmp_path, "alpha-analytics", text)
    result = load_catalog([tmp_path])
    assert result.ok, messages(result)
    warnings = "\n".join(str(p) for p in result.warnings)
    assert "no [[sources]]" in warnings and "`mit` is written `MIT`" in warnings
    assert result.catalog.tools["alpha-analytics"].options[0].value("lock_in.licence") == "MIT"


def test_missing_directory_and_empty_directory(tmp_path):
    result = load_catalog([tmp_path / "nope", tmp_path])
    assert "not a catalogue directory" in "\n".join(messages(result))
    assert any(p.severity == "warning" and "no tool files" in p.message for p in result.problems)


def test_wrong_types_everywhere_never_raise(tmp_path):
    write(tmp_path, "weird", 'options = 3\nsources = "x"\ncapabilities = {a = 1}\nlast_reviewed = 2026-01-01T10:00:00\n')
    result = load_catalog([tmp_path])
    joined = "\n".join(messages(result))
    assert "missing required key `name`" in joined
    assert "options: expected one or more [[options]] tables" in joined
    assert "date like 2026-11-21 (no time)" in joined


toml_scalars = st.one_of(st.booleans(), st.integers(), st.text(max_size=8), st.dates())
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_problems_not_exceptions(data):
    tool, problems = read_tool_text(Path("fuzz.toml"), data.decode("utf-8", "replace"), VOCAB)
    assert tool is not None or problems


keys = st.sampled_from(["name", "summary", "homepage", "capabilities", "options", "sources", "last_reviewed", "aliases", "x"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, toml_values, max_size=8), st.lists(st.dictionaries(st.sampled_from(["id", "name", "origin", "deployment", "data", "lock_in", "caveats", "zz"]), toml_values, max_size=6), max_size=3))
def test_hostile_structures_give_problems_not_exceptions(top, options):
    import tomli_w

    data = dict(top)
    data["options"] = options
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return
    tool, problems = read_tool_text(Path("fuzz.toml"), text, VOCAB)
    assert tool is not None or any(p.severity == "error" for p in problems)


def test_shuffled_directory_order_does_not_change_the_catalogue(tmp_path, fixture_catalog):
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURE_CATALOG, copy)
    reread = load_catalog([copy]).catalog
    assert list(reread.tools) == list(fixture_catalog.tools)


def test_the_bundled_catalogue_validates_without_an_error_or_warning():
    from typer.testing import CliRunner

    from recommender.cli import app

    result = CliRunner().invoke(app, ["catalog", "validate", str(BUNDLED_CATALOG)])
    assert result.exit_code == 0 and result.stdout.rstrip().endswith("0 error(s), 0 warning(s)"), result.output
