"""`sbb catalog validate` and `lint` in the shapes CI systems annotate: GitHub Actions and SARIF."""

from __future__ import annotations

import json
import re
import shutil

from typer.testing import CliRunner

from catalog import ci
from catalog.problems import Problem
from recommender.cli import app
from recommender.exits import BAD_INPUT, OK, PROBLEMS
from tests.conftest import FIXTURE_CATALOG

runner = CliRunner()
COMMAND = re.compile(r"^::(error|warning) (file=[^,:]*(?:,line=\d+)?,title=[^,:]*)::(.*)$")


def broken_catalogue(tmp_path):
    """A copy of the fixture catalogue with an unknown key on line 3 of one tool."""
    target = tmp_path / "cat"
    shutil.copytree(FIXTURE_CATALOG, target)
    tool = target / "tools" / "alpha-analytics.toml"
    lines = tool.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "bogus_key = 1\n")
    tool.write_text("".join(lines), encoding="utf-8")
    return target


def test_escaping_follows_githubs_rules():
    assert ci.escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert ci.escape_property("a: b, c%\r\n") == "a%3A b%2C c%25%0D%0A"


def test_github_command_per_problem_with_escaped_properties_and_message():
    problems = [
        Problem("dir, with: comma/t.toml", 7, "options[1].name", "two\nlines, 100%"),
        Problem("t.toml", 0, "", "stale: last reviewed 2020-01-01", "warning"),
    ]
    out = ci.github(problems, "lint").splitlines()
    assert out[0] == (
        "::error file=dir%2C with%3A comma/t.toml,line=7,"
        "title=sbb catalog lint%3A lint at options[1].name::options[1].name: two%0Alines, 100%25"
    )
    assert out[1] == "::warning file=t.toml,title=sbb catalog lint%3A stale::stale: last reviewed 2020-01-01"
    # A control character in a message is shown inert, never passed to the runner's log.
    assert "\x1b" not in ci.github([Problem("t.toml", 1, "", "bad \x1b[2J")], "validate")


def test_validate_github_format(tmp_path, monkeypatch):
    target = broken_catalogue(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["catalog", "validate", "cat", "--format", "github"])
    assert result.exit_code == PROBLEMS, result.output
    lines = result.stdout.splitlines()
    assert lines, result.output
    match = COMMAND.match(lines[0])
    assert match, lines[0]
    assert match.group(1) == "error"
    assert match.group(2) == "file=cat/tools/alpha-analytics.toml,line=3,title=sbb catalog validate%3A schema-error at bogus_key"
    assert "unknown key `bogus_key`" in match.group(3)
    # An absolute path inside the working directory is given relative to it, as GitHub places files.
    absolute = runner.invoke(app, ["catalog", "validate", str(target), "-f", "github"])
    assert absolute.stdout.splitlines()[0] == lines[0]


def test_validate_clean_catalogue_prints_no_annotation():
    result = runner.invoke(app, ["catalog", "validate", str(FIXTURE_CATALOG), "-f", "github"])
    assert result.exit_code == OK
    assert "::error" not in result.stdout


def test_validate_sarif(tmp_path, monkeypatch):
    broken_catalogue(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["catalog", "validate", "cat", "-f", "sarif"])
    assert result.exit_code == PROBLEMS
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "sharebuybuild"
    assert re.match(r"\d+\.\d+", driver["version"])
    rules = [r["id"] for r in driver["rules"]]
    assert rules == ["schema-error"]
    (found,) = run["results"]
    assert found["ruleId"] == "schema-error"
    assert rules[found["ruleIndex"]] == found["ruleId"]
    assert found["level"] == "error"
    assert "unknown key `bogus_key`" in found["message"]["text"]
    location = found["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "cat/tools/alpha-analytics.toml"
    assert location["region"] == {"startLine": 3}


def test_sarif_uris_are_encoded_and_unknown_lines_have_no_region(tmp_path):
    log = ci.sarif([Problem("my dir/t.toml", 0, "", "no such file"), Problem(str(tmp_path.parent / "x y.toml"), 2, "", "m")], "validate", "9.9")
    first, second = log["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "my%20dir/t.toml"}}
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("/x%20y.toml")
    assert log["runs"][0]["tool"]["driver"]["version"] == "9.9"


def test_lint_github_and_sarif_report_warnings_with_rules():
    github = runner.invoke(app, ["catalog", "lint", "--catalog", str(FIXTURE_CATALOG), "-f", "github"])
    assert github.exit_code == OK
    annotations = [line for line in github.stdout.splitlines() if line.startswith("::")]
    assert annotations and all(COMMAND.match(a) and a.startswith("::warning ") for a in annotations)
    assert any("title=sbb catalog lint%3A stale" in a for a in annotations)
    sarif = runner.invoke(app, ["catalog", "lint", "--catalog", str(FIXTURE_CATALOG), "-f", "sarif", "--strict"])
    assert sarif.exit_code == PROBLEMS
    run = json.loads(sarif.stdout)["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "stale" in rules and len(rules) == len(set(rules))
    assert len(run["results"]) == len(annotations)
    assert all(r["level"] == "warning" and rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    assert all(r["shortDescription"]["text"] for r in run["tool"]["driver"]["rules"])


def test_unknown_format_is_refused():
    for command in (["catalog", "validate", str(FIXTURE_CATALOG)], ["catalog", "lint", "--catalog", str(FIXTURE_CATALOG)]):
        result = runner.invoke(app, [*command, "-f", "xml"])
        assert result.exit_code == BAD_INPUT
        assert "github or sarif" in result.output
