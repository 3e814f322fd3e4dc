"""Hostile input, text: catalogue text is data, at validation and at every output.

The corpus in `tests/fixtures/hostile/text/tools/` holds one attack per file (escape
sequences, OSC 8 links, BiDi overrides, zero-width characters, line breaks that print fake
rows, script and data URLs, escapes in keys, enum values and capability ids). Validation must
reject each with its exact position; outputs must neutralise the same text when it reaches
them some other way (a second line of defence).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.loader import load_catalog, load_vocabulary, read_tool
from catalog.model import Catalog, Source
from catalog.problems import Problem
from catalog.text import csv_cell, md_url, neutralise, unsafe_char
from catalog.vocabulary import read_vocabulary
from recommender.cli import app
from recommender.engine import recommend
from recommender.exits import BAD_INPUT, PROBLEMS
from recommender.render import FORMATS
from tests.conftest import FIXTURE_CATALOG, profile
from tests.sharing_helpers import write_catalogue

runner = CliRunner()
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
TEXT = HOSTILE / "text"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\u200b", "\u2028")

# file -> every problem validation reports, exactly (file name, line, key, message).
EXPECTED = {
    "bidi-in-name": ["bidi-in-name.toml:3: error: name: contains U+202E (RIGHT-TO-LEFT OVERRIDE) at character 6; catalogue text must be plain"],
    "c1-csi-in-caveat": ["c1-csi-in-caveat.toml:24: error: options[1].caveats[1].text: contains U+009B (CONTROL) at character 13; catalogue text must be plain"],
    "data-url": ["data-url.toml:6: error: homepage: expected an http(s) URL, found string 'data:text/html,<script>alert(1)</script>'"],
    "escape-in-capability": ["escape-in-capability.toml:7: error: capabilities: unknown capability `\\x1b]0;x\\x07web-analytics` (did you mean `web-analytics`?)"],
    "escape-in-enum": ["escape-in-enum.toml:18: error: options[1].origin: `\\x1b[31mcommercial` is not one of `open-source`, `cross-agency`, `commercial` (did you mean `commercial`?)"],
    "escape-in-key": ["escape-in-key.toml:15: error: options[1].\\x1b[2Jx: unknown key `\\x1b[2Jx`"],
    "escape-in-summary": ["escape-in-summary.toml:5: error: summary: contains U+001B (ESCAPE) at character 8; catalogue text must be plain"],
    "escape-in-url": ["escape-in-url.toml:6: error: homepage: contains U+001B (ESCAPE) at character 26; catalogue text must be plain"],
    "javascript-url": ["javascript-url.toml:6: error: homepage: expected an http(s) URL, found string 'javascript:alert(1)'"],
    "line-separator-in-caveat": ["line-separator-in-caveat.toml:24: error: options[1].caveats[1].text: contains U+2028 (LINE SEPARATOR) at character 6; catalogue text must be plain"],
    "newline-in-name": ["newline-in-name.toml:3: error: name: contains a line break at character 10; this must be one line"],
    "newline-in-option-name": ["newline-in-option-name.toml:17: error: options[1].name: contains a line break at character 12; this must be one line"],
    "newline-in-provider": ["newline-in-provider.toml:20: error: options[1].provider: contains U+000D (CARRIAGE RETURN) at character 9; catalogue text must be plain"],
    "osc8-link-in-title": ["osc8-link-in-title.toml:13: error: sources[1].title: contains U+001B (ESCAPE) at character 1; catalogue text must be plain"],
    "script-in-url": [
        "script-in-url.toml:12: error: sources[1].url: expected an http(s) URL, found string 'https://evil.example.org/x)<script>al...'",
        "script-in-url.toml:25: error: options[1].caveats[1].source: no source with id `home` in [[sources]]",
    ],
    "zero-width-in-alias": ["zero-width-in-alias.toml:4: error: aliases: contains U+200B (ZERO WIDTH SPACE) at character 3; catalogue text must be plain"],
}


def shown(problems: list[Problem]) -> list[str]:
    return [str(p).split("/tools/", 1)[1] for p in problems]


def test_the_corpus_is_exactly_the_expected_cases():
    assert sorted(p.stem for p in (TEXT / "tools").glob("*.toml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_text_is_rejected_with_its_position(name):
    vocabulary, _ = load_vocabulary([])
    tool, problems = read_tool(TEXT / "tools" / f"{name}.toml", vocabulary)
    assert tool is None
    assert shown(problems) == EXPECTED[name]
    for line in map(str, problems):
        assert not any(c in line for c in RAW)


def test_validate_reports_every_hostile_file_at_once_and_prints_nothing_raw():
    out = runner.invoke(app, ["catalog", "validate", str(TEXT)])
    assert out.exit_code == PROBLEMS
    assert not any(c in out.output for c in RAW)
    assert f"0 tools, 0 options checked: {sum(map(len, EXPECTED.values()))} error(s), 0 warning(s)" in out.stdout
    data = json.loads(runner.invoke(app, ["catalog", "validate", str(TEXT), "-f", "json"]).stdout)
    assert data["errors"] == sum(map(len, EXPECTED.values()))
    assert any("\x1b" in p["key"] for p in data["problems"])  # JSON keeps the value, JSON-escaped


def test_a_hostile_file_name_is_shown_inert(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {})
    (catalogue / "tools" / "evil\x1b]0;x\x07.toml").write_text("schema_version = 1\n")
    out = runner.invoke(app, ["catalog", "validate", str(catalogue)])
    assert out.exit_code == PROBLEMS and "\x1b" not in out.output and "evil\\x1b]0;x\\x07" in out.stdout


def test_single_line_and_prose_rules():
    assert unsafe_char("two\nlines", single_line=True) == "contains a line break at character 4; this must be one line"
    assert unsafe_char("two\nlines") is None  # prose (summaries, caveats) may have paragraphs
    assert unsafe_char("tab\there", single_line=True) == "contains a tab at character 4; this must be one line"
    assert unsafe_char("clean, plain – text ✓ 日本") is None
    for char in ("\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u061c", "\u200b", "\u200d", "\u200e", "\u202a", "\u202e", "\u2066", "\u2069", "\u2060", "\ufeff", "\u2028"):
        assert unsafe_char(f"a{char}b") is not None, repr(char)
        assert char not in neutralise(f"a{char}b")


# -- capabilities.toml --------------------------------------------------------------------------
def test_hostile_vocabulary_entries_are_rejected_with_their_position():
    vocabulary, problems = read_vocabulary(HOSTILE / "vocabulary" / "capabilities.toml")
    assert [c.id for c in vocabulary] == ["good-term"]
    assert [str(p).split("vocabulary/", 1)[1] for p in problems] == [
        "capabilities.toml:10: error: capability[2].id: `Bad Id` is not a slug (lowercase letters, digits, dashes)",
        "capabilities.toml:15: error: capability[3].label: contains U+001B (ESCAPE) at character 1; catalogue text must be plain",
        "capabilities.toml:21: error: capability[4].label: contains a line break at character 4; this must be one line",
        "capabilities.toml:27: error: capability[5].aliases: contains U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1; catalogue text must be plain",
        "capabilities.toml:33: error: capability[6].goals: expected an array of strings",
        "capabilities.toml:39: error: capability[7].aliases: expected a string",
    ]


# -- outputs: the second line of defence ---------------------------------------------------------
EVIL_NAME = "Alpha\x1b]0;PWNED\x07\n  1 Fake Winner  100  low \u202eevil\u200b"
EVIL_URL = "https://x.example.org/a)<script>alert(1)</script>\x1b[2J"


@pytest.fixture()
def poisoned(fixture_catalog) -> Catalog:
    """The fixture catalogue with hostile text that bypassed validation (say, an old cache)."""
    tools = dict(fixture_catalog.tools)
    tool = tools["alpha-analytics"]
    bad_source = Source("evil", EVIL_URL, "Title\x1b[31m\nFAKE")
    options = tuple(
        replace(o, name=EVIL_NAME, provider="Evil\nLtd\x1b[2J", facts={k: replace(f, sources=(bad_source,)) for k, f in o.facts.items()})
        for o in tool.options
    )
    tools["alpha-analytics"] = replace(tool, name=EVIL_NAME, summary="S\x1b[2J\u202e", homepage=EVIL_URL, options=options, sources=(bad_source,))
    return Catalog(tools, fixture_catalog.vocabulary, fixture_catalog.sources)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_output_format_neutralises_hostile_text(poisoned, fmt):
    rec = recommend(poisoned, profile(("capabilities", ("web-analytics",))))
    text = FORMATS[fmt](rec)
    if fmt == "json":
        data = json.loads(text)  # JSON carries the value, escaped
        assert "\x1b" not in text
        assert any(o["name"] == EVIL_NAME for o in data["options"])
        return
    assert not any(c in text for c in RAW), fmt
    assert "\x1b" not in text and "<script>" not in text
    for line in text.splitlines():
        assert "Fake Winner" not in line or "Alpha" in line  # never a row of its own
    if fmt != "table":
        assert "javascript:" not in text and "(https://x.example.org/a%29%3Cscript%3E" in text


def test_catalog_show_and_search_neutralise_hostile_text(poisoned, monkeypatch):
    from recommender import catalogs, cli
    from catalog.federation import FederationResult

    monkeypatch.setattr(catalogs, "load_for_cli", lambda dirs=None, notify=None: FederationResult(poisoned, []))
    for args in (["catalog", "show", "alpha-analytics"], ["catalog", "search", "alpha"], ["compare", "alpha-analytics/cloud", "alpha-analytics/self-hosted"]):
        out = runner.invoke(app, args)
        assert out.exit_code == 0, out.output
        assert not any(c in out.output for c in RAW), args


def test_csv_export_neutralises_formulas(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {})
    text = (FIXTURE_CATALOG / "tools" / "alpha-analytics.toml").read_text()
    text = text.replace('name = "Alpha Analytics"', 'name = "=HYPERLINK(\\"https://evil.example.org\\",\\"x\\")"')
    text = text.replace('used_by = ["Agency One", "Agency Two"]', 'used_by = ["@SUM(A1)", "+1", "-2"]')
    (catalogue / "tools" / "alpha-analytics.toml").write_text(text)
    out = runner.invoke(app, ["catalog", "export", "--catalog", str(catalogue), "-f", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.stdout)))
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
    assert rows[1][1] == "'=HYPERLINK(\"https://evil.example.org\",\"x\")"
    assert csv_cell("-2") == "'-2" and csv_cell("\tx") == "'\tx" and csv_cell("plain") == "plain"


def test_markdown_urls_cannot_leave_their_link():
    assert md_url("https://x.org/a b)<script>") == "https://x.org/a%20b%29%3Cscript%3E"
    assert md_url("javascript:alert(1)") == "" and md_url("data:text/html,x") == ""
    assert md_url("https://x.org/p?q=1&r=2#f") == "https://x.org/p?q=1&r=2#f"


def test_a_cp1252_terminal_gets_escapes_not_a_crash(tmp_path):
    import os
    import subprocess
    import sys

    catalogue = write_catalogue(tmp_path / "cat", {})
    text = (FIXTURE_CATALOG / "tools" / "alpha-analytics.toml").read_text().replace('name = "Alpha Analytics"', 'name = "Ålpha ✓ 日本"')
    (catalogue / "tools" / "alpha-analytics.toml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "SBB_NO_CONFIG": "1"}
    for args in (["catalog", "show", "alpha-analytics"], ["recommend", "-c", "web-analytics"]):
        done = subprocess.run([sys.executable, "-m", "recommender", *args, "--catalog", str(catalogue)], env=env, capture_output=True, cwd=Path(__file__).parent.parent)
        assert done.returncode == 0, done.stderr
        assert "Ålpha \\u2713 \\u65e5\\u672c".encode("cp1252") in done.stdout


def test_a_profile_from_elsewhere_is_data_too():
    from recommender.profile import parse_profile

    vocabulary, _ = load_vocabulary([])
    text = (
        'schema_version = 1\ntitle = "Report\\u001b]0;PWNED\\u0007"\ndescription = "Two\\nparagraphs are fine."\n'
        '[hard]\ncapabilities = ["web-analytics"]\n[build]\nunique_requirements = ["\\u202eevil"]\n'
    )
    profile, problems = parse_profile(text, vocabulary, "p.toml")
    assert [str(p) for p in problems] == [
        "p.toml:2: error: title: contains U+001B (ESCAPE) at character 7; catalogue text must be plain",
        "p.toml:7: error: build.unique_requirements[1]: contains U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1; catalogue text must be plain",
    ]
