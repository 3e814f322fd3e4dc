"""Hostile input, size and shape: deep nesting, alias bombs, huge lists and files, silent skips.

The corpus in `tests/fixtures/hostile/limits/` holds files nested thousands of levels deep
(TOML arrays, inline tables, dotted keys; code.json; YAML), a billion-laughs YAML alias bomb
and a YAML merge key. Each must end as one clear problem, never a RecursionError, and the
rest of a catalogue must still load.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.federation import load_sources, read_source
from catalog.importing import codejson, publiccode
from catalog.limits import check_shape, current
from catalog.loader import load_catalog, load_vocabulary, read_tool
from catalog.sources import SourceSpec, configured_sources
from recommender.cli import app
from recommender.exits import BAD_INPUT, PROBLEMS
from recommender.profile import read_profile
from tests.conftest import FIXTURE_CATALOG
from tests.sharing_helpers import entry, write_catalogue

runner = CliRunner()
LIMITS = Path(__file__).parent / "fixtures" / "hostile" / "limits"
DEPTH = "nested more than 32 levels deep (the limit; set SBB_MAX_DEPTH to change it)"


def one(problems) -> str:
    [problem] = problems
    return str(problem).replace(str(LIMITS) + "/", "")


@pytest.mark.parametrize("name", ["deep-array.toml", "deep-inline-table.toml", "deep-dotted-key.toml"])
def test_toml_nested_past_the_parser_is_one_problem(name):
    vocabulary, _ = load_vocabulary([])
    tool, problems = read_tool(LIMITS / name, vocabulary)
    assert tool is None and one(problems) == f"{name}: error: {DEPTH}"


def test_toml_nested_past_the_limit_names_where():
    vocabulary, _ = load_vocabulary([])
    tool, problems = read_tool(LIMITS / "nested-40.toml", vocabulary)
    assert one(problems) == f"nested-40.toml: error: aliases[1][1][1][1][1]…: {DEPTH}"


def test_a_deep_file_does_not_stop_the_rest_of_the_catalogue(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    shutil.copy(LIMITS / "deep-array.toml", catalogue / "tools" / "deep.toml")
    result = load_catalog([catalogue])
    assert list(result.catalog.tools) == ["aa-stats"]
    assert [p.message for p in result.errors] == [DEPTH]
    out = runner.invoke(app, ["catalog", "validate", str(catalogue)])
    assert out.exit_code == PROBLEMS and "RecursionError" not in out.output and DEPTH in out.stdout
    out = runner.invoke(app, ["recommend", "--catalog", str(catalogue), "-c", "web-analytics"])
    assert out.exit_code == BAD_INPUT and DEPTH in out.stderr


def test_deep_code_json_is_one_problem(tmp_path):
    vocabulary, _ = load_vocabulary([])
    entries, skipped, problems, _ = codejson.read_inventory(LIMITS / "deep-code.json", vocabulary)
    assert entries == [] and one(problems) == f"deep-code.json: error: {DEPTH}"
    out = runner.invoke(app, ["catalog", "import", "codejson", str(LIMITS / "deep-code.json"), "--into", str(tmp_path)])
    assert out.exit_code == PROBLEMS and DEPTH in out.stdout and "0 created" in out.stdout


@pytest.mark.parametrize(
    "name, expected",
    [
        ("alias-bomb.yml", "alias-bomb.yml:3: error: YAML aliases (`*name`) are not accepted: write the value out in full"),
        ("merge-key.yml", "merge-key.yml:5: error: YAML aliases (`*name`) are not accepted: write the value out in full"),
        ("deep.yml", f"deep.yml:2: error: {DEPTH}"),
        ("nested-40.yml", f"nested-40.yml:2: error: {DEPTH}"),
    ],
)
def test_yaml_aliases_are_refused_and_nesting_is_bounded(name, expected):
    vocabulary, _ = load_vocabulary([])
    found, problems = publiccode.read_file(LIMITS / name, vocabulary)
    assert found is None and one(problems) == expected


def test_a_long_list_is_one_problem_naming_the_limit_and_the_limit_can_be_raised(tmp_path, monkeypatch):
    catalogue = write_catalogue(tmp_path / "cat", {})
    aliases = ", ".join(f'"alias {i}"' for i in range(10_001))
    text = entry("AA Stats", "https://aa.example.org").replace('name = "AA Stats"', f'name = "AA Stats"\naliases = [{aliases}]')
    (catalogue / "tools" / "aa-stats.toml").write_text(text)
    result = load_catalog([catalogue])
    assert [str(p).split("/tools/")[1] for p in result.errors] == [
        "aa-stats.toml: error: aliases: 10,001 items: more than the limit of 10,000 (set SBB_MAX_ITEMS to change it)"
    ]
    monkeypatch.setenv("SBB_MAX_ITEMS", "20000")
    result = load_catalog([catalogue])
    assert result.ok and len(result.catalog.tools["aa-stats"].aliases) == 10_001


def test_duplicate_list_items_are_dropped_keeping_the_first_order(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {})
    aliases = ", ".join(f'"alias {i % 7}"' for i in range(5_000))
    text = entry("AA Stats", "https://aa.example.org").replace('name = "AA Stats"', f'name = "AA Stats"\naliases = [{aliases}]')
    (catalogue / "tools" / "aa-stats.toml").write_text(text)
    assert load_catalog([catalogue]).catalog.tools["aa-stats"].aliases == tuple(f"alias {i}" for i in range(7))


def test_a_table_with_too_many_keys_is_one_problem():
    data = {"options": [{f"key{i}": 1 for i in range(10_001)}]}
    assert str(check_shape(data, "f.toml")) == "f.toml: error: options[1]: 10,001 keys: more than the limit of 10,000 (set SBB_MAX_ITEMS to change it)"


def test_a_file_over_the_size_limit_is_one_problem_and_the_limit_can_be_raised(tmp_path, monkeypatch):
    catalogue = write_catalogue(tmp_path / "cat", {})
    padding = "# " + "x" * 1000 + "\n"
    text = entry("AA Stats", "https://aa.example.org") + padding * 1100
    (catalogue / "tools" / "aa-stats.toml").write_text(text)
    result = load_catalog([catalogue])
    assert [p.message for p in result.errors] == [
        "larger than the 1,048,576-byte limit for a file (set SBB_MAX_FILE_BYTES to change it)"
    ]
    monkeypatch.setenv("SBB_MAX_FILE_BYTES", "2000000")
    assert load_catalog([catalogue]).ok


def test_an_endless_file_is_read_only_up_to_the_limit(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {})
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    (catalogue / "tools" / "zero.toml").symlink_to("/dev/zero")
    result = load_catalog([tmp_path / "cat"])
    # Outside the catalogue: not read at all. Inside a catalogue it would stop at the limit.
    assert [p.message for p in result.errors] == ["a symbolic link to a file outside the catalogue directory: not read"]
    from catalog.problems import read_text

    text, problem = read_text(Path("/dev/zero"), limit=1000)
    assert text is None and problem.message == "larger than the 1,000-byte limit for a file (set SBB_MAX_FILE_BYTES to change it)"


def test_a_deep_profile_is_a_bad_input_not_a_crash(tmp_path):
    path = tmp_path / "profile.toml"
    shutil.copy(LIMITS / "deep-array.toml", path)
    vocabulary, _ = load_vocabulary([])
    profile, problems = read_profile(path, vocabulary)
    assert profile is None and [p.message for p in problems] == [DEPTH]
    out = runner.invoke(app, ["recommend", "--catalog", str(FIXTURE_CATALOG), "--profile", str(path)])
    assert out.exit_code == BAD_INPUT and DEPTH in out.stderr


def test_invalid_limit_values_fall_back_to_the_defaults(monkeypatch):
    monkeypatch.setenv("SBB_MAX_DEPTH", "-3")
    monkeypatch.setenv("SBB_MAX_ITEMS", "lots")
    monkeypatch.setenv("SBB_MAX_FILE_BYTES", "2_000_000")
    limits = current()
    assert (limits.depth, limits.items, limits.file_bytes) == (32, 10_000, 2_000_000)


# -- silent skips become visible ------------------------------------------------------------------
def test_a_toml_beside_tools_is_named_not_silently_ignored(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    (catalogue / "ab-stats.toml").write_text(entry("AB Stats", "https://ab.example.org"))
    (catalogue / "sbb.toml").write_text("bundled = false\n")
    out = runner.invoke(app, ["catalog", "validate", str(catalogue)])
    assert f"{catalogue / 'ab-stats.toml'}: warning: not read: this catalogue's tool files are in tools/ (move it there)" in out.stdout
    assert "sbb.toml" not in out.stdout and "1 tools" in out.stdout
    assert runner.invoke(app, ["catalog", "validate", "--strict", str(catalogue)]).exit_code == PROBLEMS


def _unlistable(monkeypatch, blocked: Path):
    real = os.scandir

    def scandir(path="."):
        if Path(path) == blocked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_tools_folder_is_an_error_not_an_empty_catalogue(tmp_path, monkeypatch):
    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    _unlistable(monkeypatch, catalogue / "tools")
    out = runner.invoke(app, ["catalog", "validate", str(catalogue)])
    assert out.exit_code == PROBLEMS
    assert f"{catalogue / 'tools'}: error: cannot list the tool files: Permission denied" in out.stdout
    out = runner.invoke(app, ["recommend", "--catalog", str(catalogue), "-c", "web-analytics"])
    assert out.exit_code == BAD_INPUT and "only build" not in out.output.lower()
    assert "cannot list the tool files: Permission denied" in out.stderr


def test_a_configured_source_that_cannot_be_listed_is_named(tmp_path, monkeypatch):
    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    _unlistable(monkeypatch, catalogue / "tools")
    tools, _, _, status = read_source(SourceSpec("agency", "directory", str(catalogue)))
    assert tools == {} and status.skipped == "cannot list the tool files: Permission denied"


def test_a_cached_parse_is_not_used_once_its_file_changed_mode(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    config = configured_sources([catalogue], env={"SBB_NO_CONFIG": "1"})
    load_sources(config)
    again = load_sources(config)
    assert again.statuses[0].cached == 1
    path = catalogue / "tools" / "aa-stats.toml"
    mtime = path.stat().st_mtime_ns
    path.chmod(0o000)
    os.utime(path, ns=(mtime, mtime))  # same size and time: only the mode says it changed
    try:
        after = load_sources(config)
        assert after.statuses[0].cached == 0
        if os.geteuid() != 0:  # root reads it anyway
            assert any("cannot read file: Permission denied" in p.message for p in after.errors)
    finally:
        path.chmod(0o644)


@pytest.mark.tui
def test_the_tui_shows_a_deep_file_on_its_error_screen(tmp_path):
    import asyncio

    asyncio.run(_tui_deep_file(tmp_path))


async def _tui_deep_file(tmp_path):
    from tui.main import SbbApp
    from tui.screens import ErrorScreen

    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    shutil.copy(LIMITS / "deep-dotted-key.toml", catalogue / "tools" / "deep.toml")
    app = SbbApp([catalogue])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "nested more than 32 levels deep" in str(app.screen.query_one("#problems").render())
        await pilot.press("q")
    assert app.exit_code == BAD_INPUT


def test_a_file_with_thousands_of_problems_lists_the_first_200_and_counts_the_rest(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {})
    unknown = "\n".join(f"unknown_{i} = 1" for i in range(5_000))
    text = entry("AA Stats", "https://aa.example.org").replace('name = "AA Stats"', f'name = "AA Stats"\n{unknown}')
    (catalogue / "tools" / "aa-stats.toml").write_text(text)
    result = load_catalog([catalogue])
    assert len(result.errors) == 201 and result.catalog.tools == {}
    assert result.errors[0].message.startswith("4,800 more problem(s) not listed: the first 200 are")
