"""`sbb recommend` and `sbb catalog …` through Typer's CliRunner: formats, exit codes, bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.exits import BAD_INPUT, ONLY_BUILD, OK, PROBLEMS
from tests.conftest import EXAMPLES, FIXTURE_CATALOG

runner = CliRunner()
CAT = ["--catalog", str(FIXTURE_CATALOG)]


def run(*args):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "record"])
def test_recommend_every_format(fmt):
    result = run("recommend", *CAT, "-c", "web analytics", "--hard", "full_export=true", "--soft", "open_source:3", "--format", fmt)
    assert result.exit_code == OK, result.output
    out = result.stdout
    assert "Alpha" in out
    if fmt == "json":
        data = json.loads(out)
        assert data["schema_version"] == 2
        assert data["answer"]["headline"].startswith(("Adopt", "Verify"))
        first = data["options"][0]
        assert {"id", "name", "step", "score", "verdicts", "risks"} <= set(first)
        assert set(first["risks"]) == {"resourcing", "data_control", "platform_control", "system_integration"}
        assert {"requirement", "result", "fact"} <= set(first["verdicts"][0])
        assert all({"id", "blocked_by"} <= set(n) for n in data["near_misses"])
        assert all({"requirement", "removes"} <= set(r) for r in data["relaxation"])
    if fmt == "table":
        assert max(len(line) for line in out.splitlines()) <= 80
    if fmt == "record":
        assert "## Decision Outcome" in out and "Who does what" in out


def test_only_build_exit_code_and_build_in_json():
    result = run("recommend", *CAT, "-c", "web-analytics", "--hard", "residency=AU", "--hard", "self_hosted=false", "--strict", "-f", "json")
    assert result.exit_code == ONLY_BUILD, result.output
    data = json.loads(result.stdout)
    assert [o["step"] for o in data["options"]] == ["build"]
    assert data["options"][0]["risks"]["resourcing"]["level"] == "high"
    assert data["summary"]["only_build"] is True


def test_profile_file_and_flags_combine(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('[hard]\ncapabilities = ["web-analytics"]\n[context]\ncountry = "DE"\n')
    result = run("recommend", *CAT, "-p", str(profile), "--hard", "self_hosted=true", "-f", "json")
    data = json.loads(result.stdout)
    assert [o["id"] for o in data["options"]] == ["alpha-analytics/self-hosted"]
    assert data["profile"]["context"]["country"] == "DE"


@pytest.mark.parametrize(
    "args,words",
    [
        (["-c", "teleportation"], "unknown capability `teleportation`"),
        (["-c", "web-analytics", "--hard", "residncy=AU"], "did you mean `residency`"),
        (["-c", "web-analytics", "--hard", "max_ops_effort=tiny"], "expected one of low, medium, high"),
        (["-c", "web-analytics", "--soft", "open_source:99"], "weight must be a whole number"),
        (["-c", "web-analytics", "--stance", "boss"], "not one of leader, supporter, observer"),
        (["-c", "web-analytics", "-f", "yaml"], "unknown format"),
        ([], "no requirements"),
    ],
)
def test_bad_flags_exit_2_with_a_message_and_no_traceback(args, words):
    result = run("recommend", *CAT, *args)
    assert result.exit_code == BAD_INPUT
    assert words in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_bad_profile_reports_every_problem_with_lines(tmp_path):
    profile = tmp_path / "bad.toml"
    profile.write_text('[hard]\ncapabilities = ["web-analytics"]\nresidncy = ["AU"]\n[soft]\nopen_source = 0\n[context]\nstance = "boss"\n')
    result = run("recommend", *CAT, "-p", str(profile))
    assert result.exit_code == BAD_INPUT
    err = result.stderr
    assert f"{profile}:3: error: hard.residncy: unknown requirement" in err
    assert f"{profile}:5: error: soft.open_source: weight must be" in err
    assert f"{profile}:7: error: context.stance" in err
    assert "3 error(s) in the profile" in err


def test_unreadable_profile_and_broken_catalogue(tmp_path):
    result = run("recommend", *CAT, "-p", str(tmp_path / "missing.toml"))
    assert result.exit_code == BAD_INPUT and "cannot read profile" in result.stderr
    (tmp_path / "broken.toml").write_text("name = [\n")
    result = run("recommend", "--catalog", str(tmp_path), "-c", "web-analytics")
    assert result.exit_code == BAD_INPUT and "broken.toml:" in result.stderr and "invalid TOML" in result.stderr


def test_output_never_overwrites(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("the board's notes")
    result = run("recommend", *CAT, "-c", "web-analytics", "-f", "markdown", "-o", str(target))
    assert result.exit_code == BAD_INPUT and "already exists" in result.stderr
    assert target.read_text() == "the board's notes"
    fresh = tmp_path / "new.md"
    assert run("recommend", *CAT, "-c", "web-analytics", "-f", "markdown", "-o", str(fresh)).exit_code == OK
    assert fresh.read_text().startswith("# ")


def test_markup_in_catalogue_text_is_shown_literally(tmp_path):
    source = (FIXTURE_CATALOG / "tools" / "zeta-unknown.toml").read_text()
    hostile = "[Z](https://e.x) *b* [red]x[/red]"
    (tmp_path / "zeta-unknown.toml").write_text(source.replace('name = "Zeta Stats"\nsummary', f'name = "{hostile}"\nsummary'))
    md = run("recommend", "--catalog", str(tmp_path), "-c", "web-analytics", "-f", "markdown").stdout
    assert "\\[Z\\](https://e.x) \\*b\\* \\[red\\]x\\[/red\\]" in md
    table = run("recommend", "--catalog", str(tmp_path), "-c", "web-analytics").stdout
    assert hostile in table


def test_examples_run_in_every_format():
    for profile in sorted(EXAMPLES.glob("*.toml")):
        for fmt in ("table", "json", "markdown", "record"):
            result = run("recommend", "-p", str(profile), "-f", fmt)
            assert result.exit_code in (OK, ONLY_BUILD), (profile, fmt, result.output)


# -- catalogue commands --------------------------------------------------------------------
def test_validate_ok_and_json(tmp_path):
    assert run("catalog", "validate", str(FIXTURE_CATALOG)).exit_code == OK
    (tmp_path / "bad.toml").write_text('schema_version = 1\nname = 3\n')
    result = run("catalog", "validate", str(tmp_path), "-f", "json")
    assert result.exit_code == PROBLEMS
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["errors"] >= 2
    assert {"file", "line", "key", "severity", "message"} <= set(data["problems"][0])
    assert run("catalog", "validate", str(tmp_path / "nope")).exit_code == BAD_INPUT


def test_lint_finds_stale_entries_and_duplicates(tmp_path):
    result = run("catalog", "lint", *CAT)
    assert result.exit_code == OK
    assert "beta-insights.toml: warning: last_reviewed: stale" in result.stdout
    assert "zeta-unknown.toml: warning: options[1]: option `cloud` leaves unknown" in result.stdout
    import shutil

    shutil.copytree(FIXTURE_CATALOG, tmp_path / "c")
    text = (tmp_path / "c" / "tools" / "alpha-analytics.toml").read_text().replace('name = "Alpha Analytics"', 'name = "Alpha Analytic"')
    (tmp_path / "c" / "tools" / "alpha-copy.toml").write_text(text)
    result = run("catalog", "lint", "--catalog", str(tmp_path / "c"), "--strict")
    assert result.exit_code == PROBLEMS
    assert "likely duplicate of `alpha-analytics`" in result.stdout


def test_search_is_typo_tolerant():
    result = run("catalog", "search", "alpa analytcs", *CAT)
    assert result.stdout.splitlines()[0].split()[1] == "alpha-analytics"
    result = run("catalog", "search", "helpdesk", *CAT, "-f", "json")
    assert json.loads(result.stdout)["results"][0]["id"] == "delta-desk"


def test_show_and_suggestions():
    result = run("catalog", "show", "beta-insights", *CAT)
    assert result.exit_code == OK
    assert "data.retention_months" in result.stdout and "https://beta.example.com/ai" in result.stdout
    assert "caveat (platform_control)" in result.stdout
    missing = run("catalog", "show", "alpah-analytics", *CAT)
    assert missing.exit_code == BAD_INPUT and "alpha-analytics" in missing.stderr


def test_stats_counts(tmp_path):
    data = json.loads(run("catalog", "stats", *CAT, "-f", "json").stdout)
    assert data["tools"] == 6 and data["options"] == 9
    assert data["by_step"] == {"share": 5, "buy": 4}
    assert data["by_area"]["web-analytics"] == {"tools": 3, "share": 1, "buy": 3}
    assert data["facts"]["unknown_by_fact"]["integration.provisioning"] == 9


def test_new_scaffolds_a_valid_entry_and_never_overwrites(tmp_path):
    args = ["catalog", "new", "--id", "my-tool", "--name", "My Tool", "--summary", "Does things.", "--homepage", "https://my.example.org",
            "-c", "surveys", "--origin", "open-source", "--deployment", "self-hosted", "--source", "https://my.example.org/about", "--into", str(tmp_path)]
    assert run(*args).exit_code == OK
    assert run("catalog", "validate", str(tmp_path)).exit_code == OK
    before = (tmp_path / "my-tool.toml").read_text()
    again = run(*args)
    assert again.exit_code == BAD_INPUT and "already exists" in again.stderr
    assert (tmp_path / "my-tool.toml").read_text() == before
    bad = run(*[a if a != "surveys" else "teleportation" for a in args[:-2]], "--into", str(tmp_path / "x"))
    assert bad.exit_code == BAD_INPUT and "unknown capability" in bad.stderr


def test_compare_side_by_side_and_json():
    result = run("compare", "alpha-analytics/cloud", "beta-insights", *CAT, "-c", "web-analytics", "--hard", "residency=EU", "--soft", "open_source:2")
    assert result.exit_code == OK, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("alpha-analytics/cloud") and "beta-insights/cloud" in lines[1]
    # Beta's AI summaries store data in the US: a risk named beside the verdict, not a failure,
    # since the agency does not say it uses that feature.
    assert any(line.startswith("✓ stored in DE") and "✓ stored in EU; except AI" in line for line in lines)
    assert max(len(line) for line in lines) <= 80
    data = json.loads(run("compare", "alpha-analytics/cloud", "beta-insights", *CAT, "-f", "json").stdout)
    assert [o["id"] for o in data["options"]] == ["alpha-analytics/cloud", "beta-insights/cloud"]


def test_compare_names_the_options_when_ambiguous_or_unknown():
    result = run("compare", "alpha-analytics", "beta-insights", *CAT)
    assert result.exit_code == BAD_INPUT and "alpha-analytics/self-hosted, alpha-analytics/cloud" in result.stderr
    result = run("compare", "alpha-analytics/cloud", "alpha-analytics/moon", *CAT)
    assert result.exit_code == BAD_INPUT and "no option `moon`" in result.stderr


def test_written_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    target = tmp_path / "r.md"
    assert run("recommend", *CAT, "-c", "web-analytics", "-f", "markdown", "-o", str(target)).exit_code == OK
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_the_readme_worked_example_is_what_the_tool_prints():
    readme = (EXAMPLES.parent / "README.md").read_text()
    start = readme.index("prints (abridged):\n\n```text\n") + len("prints (abridged):\n\n```text\n")
    shown = [line for line in readme[start : readme.index("```", start)].splitlines() if line.strip() != "…"]
    actual = run("recommend", "--profile", str(EXAMPLES / "b-web-analytics.toml")).stdout.splitlines()
    for line in shown:
        assert line in actual, line


def test_new_asks_for_what_the_flags_leave_out(tmp_path):
    answers = "asked-tool\nAsked Tool\nA tool scaffolded from prompts.\nhttps://asked.example.org\nsurveys\n\n\n\n"
    result = runner.invoke(app, ["catalog", "new", "--into", str(tmp_path)], input=answers)
    assert result.exit_code == OK, result.output
    text = (tmp_path / "asked-tool.toml").read_text()
    assert 'origin = "open-source"' in text and 'deployment = "self-hosted"' in text
    assert run("catalog", "validate", str(tmp_path)).exit_code == OK


def test_goal_flag_and_unknown_goal():
    data = json.loads(run("recommend", *CAT, "--goal", "monitoring", "-f", "json").stdout)
    assert data["profile"]["goals"] == ["monitoring"] and data["summary"]["in_scope"] == 4
    bad = run("recommend", *CAT, "--goal", "monitorng")
    assert bad.exit_code == BAD_INPUT and "did you mean `monitoring`" in bad.stderr


def test_main_turns_failures_into_one_line_and_an_exit_code(monkeypatch, capsys, tmp_path):
    import sys

    import recommender.engine
    from recommender import cli

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(recommender.engine, "recommend", broken)
    monkeypatch.setattr(sys, "argv", ["sbb", "recommend", *CAT, "-c", "web-analytics"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    err = capsys.readouterr().err
    assert exited.value.code == 70 and "internal error (ValueError: boom)" in err and "Traceback" not in err
    report = err.split("Details for a bug report: ")[1].strip()
    assert "ValueError: boom" in open(report).read()

    monkeypatch.undo()
    import catalog.files

    def refused(path, text, overwrite=False):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(catalog.files, "write_atomic", refused)
    monkeypatch.setattr(sys, "argv", ["sbb", "recommend", *CAT, "-c", "web-analytics", "-o", str(tmp_path / "r.md")])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    err = capsys.readouterr().err
    assert exited.value.code == BAD_INPUT and f"error: Permission denied: {tmp_path / 'r.md'}" in err
