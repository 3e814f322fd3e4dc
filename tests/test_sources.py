"""Catalogue sources: config files, precedence, `--catalog` and SBB_CATALOG, pulling git sources."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.federation import pull_sources
from catalog.sources import config_dir, configured_sources, read_config
from recommender.catalogs import load_for_cli
from recommender.cli import app
from recommender.exits import BAD_INPUT, OK, PROBLEMS
from tests.conftest import FIXTURE_CATALOG
from tests.sharing_helpers import commit, entry, git, git_catalogue, write_catalogue

runner = CliRunner()


def user_config(text: str):
    path = config_dir() / "sources.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_problems_name_file_line_key_and_suggest(tmp_path):
    path = tmp_path / "sbb.toml"
    path.write_text(
        'bundeld = false\n'
        '[[sources]]\nname = "a"\npath = "a"\n'
        '[[sources]]\nname = "b"\npaht = "b"\n'
        '[[sources]]\nname = "c"\npath = "c"\nref = "main"\n'
        '[[sources]]\ngit = "ext::sh -c touch% /tmp/pwned"\n'
    )
    specs, bundled, problems = read_config(path)
    assert [s.name for s in specs] == ["a"]
    assert specs[0].path == str(tmp_path / "a")  # relative to the file that names it
    text = [str(p) for p in problems]
    assert f"{path}:1: error: bundeld: unknown key `bundeld` (did you mean `bundled`?)" in text
    assert f"{path}:7: error: sources[2].paht: unknown key `paht` (did you mean `path`?)" in text
    assert any("sources[3].ref: `ref` only applies to a `git` source" in t for t in text)
    assert any("sources[4].git" in t and "not a repository URL" in t for t in text)


def test_invalid_toml_config_is_reported_and_the_rest_still_works(tmp_path, monkeypatch):
    user_config("[[sources]\n")
    monkeypatch.chdir(tmp_path)
    result = load_for_cli(None, notify=None)
    assert result.ok and len(result.catalog) > 50  # the bundled catalogue still loads
    config = configured_sources()
    assert "invalid TOML" in str(config.problems[0])


def test_precedence_catalog_env_project_user_bundled(tmp_path, monkeypatch):
    for name in ("cli", "env", "proj", "user"):
        (tmp_path / name).mkdir()
    project = tmp_path / "work"
    (project / "deep" / "er").mkdir(parents=True)
    (project / "sbb.toml").write_text(f'[[sources]]\nname = "proj"\npath = "{tmp_path / "proj"}"\n')
    user_config(f'[[sources]]\nname = "user"\npath = "{tmp_path / "user"}"\n')
    monkeypatch.setenv("SBB_CATALOG", str(tmp_path / "env"))
    monkeypatch.chdir(project / "deep" / "er")  # sbb.toml is found by walking up
    names = [s.name for s in configured_sources([tmp_path / "cli"]).sources]
    assert names == [str(tmp_path / "cli"), str(tmp_path / "env"), "proj", "user"]
    # Without --catalog the bundled catalogue comes last.
    names = [s.name for s in configured_sources().sources]
    assert names[-1] == "bundled" and names[:3] == [str(tmp_path / "env"), "proj", "user"]
    # The config can always include it, or always leave it out; the project file wins.
    (project / "sbb.toml").write_text("bundled = true\n")
    assert configured_sources([tmp_path / "cli"]).sources[-1].name == "bundled"
    user_config("bundled = false\n")
    assert configured_sources().sources[-1].name == "bundled"
    (project / "sbb.toml").unlink()
    assert all(s.name != "bundled" for s in configured_sources().sources)
    # SBB_NO_CONFIG ignores both files.
    monkeypatch.setenv("SBB_NO_CONFIG", "1")
    assert [s.name for s in configured_sources().sources] == [str(tmp_path / "env"), "bundled"]


def test_catalog_alone_reads_only_that_directory():
    result = load_for_cli([FIXTURE_CATALOG], notify=None)
    assert result.ok
    assert result.catalog.sources == (str(FIXTURE_CATALOG),)
    assert all(t.origin == str(FIXTURE_CATALOG) for t in result.catalog)


def test_env_var_adds_a_source_to_the_default(tmp_path, monkeypatch):
    write_catalogue(tmp_path / "extra", {"zz-extra": entry("Zz Extra", "https://zz.example.org")})
    monkeypatch.setenv("SBB_CATALOG", str(tmp_path / "extra") + os.pathsep + str(tmp_path / "missing"))
    messages = []
    result = load_for_cli(None, notify=messages.append)
    assert "zz-extra" in result.catalog.tools and "matomo" in result.catalog.tools
    assert any("missing" in m and "skipped: not a catalogue directory" in m for m in messages)


def test_pull_clone_update_ref_and_state(tmp_path):
    repo = git_catalogue(tmp_path / "agency-a", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", "v1")
    user_config(f'bundled = false\n[[sources]]\nname = "agency-a"\ngit = "file://{repo}"\npath = "catalogue"\n'
                f'[[sources]]\nname = "agency-a-v1"\ngit = "{repo}"\nref = "v1"\npath = "catalogue"\n')
    # Not pulled yet: reported and skipped, nothing else breaks.
    messages = []
    result = load_for_cli(None, notify=messages.append)
    assert len(result.catalog) == 0 and any("not pulled yet" in m for m in messages)

    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == OK, out.output
    assert f"agency-a: cloned {first[:10]}" in out.stdout
    write_catalogue(repo / "catalogue", {"ab-stats": entry("AB Stats", "https://ab.example.org")})
    second = commit(repo, "second tool")
    out = runner.invoke(app, ["catalog", "pull", "agency-a"])
    assert f"agency-a: updated {first[:10]} -> {second[:10]}" in out.stdout
    out = runner.invoke(app, ["catalog", "pull"])
    assert "agency-a: up to date" in out.stdout
    assert "agency-a-v1: up to date" in out.stdout and "(v1)" in out.stdout

    result = load_for_cli(None, notify=None)
    assert set(result.catalog.tools) == {"aa-stats", "ab-stats"}
    statuses = {s.spec.name: s for s in result.statuses}
    assert statuses["agency-a"].commit == second and statuses["agency-a"].tools == 2
    assert statuses["agency-a-v1"].commit == first and statuses["agency-a-v1"].tools == 1
    assert statuses["agency-a"].pulled_at

    shown = runner.invoke(app, ["catalog", "sources", "-f", "json"])
    assert shown.exit_code == OK, shown.output
    data = json.loads(shown.stdout)
    assert [s["name"] for s in data["sources"]] == ["agency-a", "agency-a-v1"]
    assert data["sources"][0]["commit"] == second and data["sources"][0]["tools"] == 2
    text = runner.invoke(app, ["catalog", "sources"]).stdout
    assert second[:10] in text and "agency-a-v1" in text


def test_a_failing_pull_is_reported_and_the_others_still_pull(tmp_path):
    good = git_catalogue(tmp_path / "good", {"gg-stats": entry("GG Stats", "https://gg.example.org")})
    user_config(
        f'[[sources]]\nname = "gone"\ngit = "file://{tmp_path / "nothing-here"}"\n'
        f'[[sources]]\nname = "good"\ngit = "{good}"\npath = "catalogue"\n'
        f'[[sources]]\nname = "badref"\ngit = "{good}"\nref = "no-such-branch"\n'
    )
    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == PROBLEMS
    assert "gone: git clone failed" in out.stderr
    assert "badref: ref `no-such-branch` is not a branch, tag or commit" in out.stderr
    assert "good: cloned" in out.stdout
    result = load_for_cli(None, notify=None)
    assert "gg-stats" in result.catalog.tools and "matomo" in result.catalog.tools
    skipped = {s.spec.name: s.skipped for s in result.statuses if s.skipped}
    assert set(skipped) == {"gone", "badref"}
    shown = runner.invoke(app, ["catalog", "sources"])
    assert shown.exit_code == PROBLEMS and "skipped: not pulled yet" in shown.stdout


def test_pull_of_an_unknown_name_suggests_one(tmp_path):
    repo = git_catalogue(tmp_path / "r", {"rr-stats": entry("RR Stats", "https://rr.example.org")})
    user_config(f'[[sources]]\nname = "agency"\ngit = "{repo}"\n')
    out = runner.invoke(app, ["catalog", "pull", "agnecy"])
    assert out.exit_code == BAD_INPUT and "did you mean `agency`" in out.stderr
    # A source whose path holds no entries is refused with a hint; the others still load.
    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == PROBLEMS
    assert "no tool files (*.toml) in the repository root: is the repository root the catalogue directory?" in out.stderr
    [again] = pull_sources(configured_sources())
    assert not again.ok and again.rejected
    result = load_for_cli(None, notify=None)
    assert "rr-stats" not in result.catalog.tools and "matomo" in result.catalog.tools


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG directories are computed directly on Linux only")
@pytest.mark.parametrize("xdg", ["absolute", "relative", "empty", "unset"])
@pytest.mark.parametrize("home", ["absolute", "root", "relative", "unset"])
def test_linux_cache_and_config_directories_are_those_platformdirs_gives(tmp_path, monkeypatch, xdg, home):
    import platformdirs

    from catalog import sources

    monkeypatch.delenv("SBB_CONFIG_DIR")
    monkeypatch.delenv("SBB_CACHE_DIR")
    values = {"absolute": str(tmp_path / "xdg"), "relative": "xdg/here", "empty": ""}
    for variable, leaf in (("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
        if xdg == "unset":
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, values[xdg] and f"{values[xdg]}-{leaf}")
    homes = {"absolute": str(tmp_path / "home") + "/", "root": "/", "relative": "not/absolute"}
    if home == "unset":
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv("HOME", homes[home])
    assert sources._plain_linux()
    assert sources.cache_dir() == Path(platformdirs.user_cache_dir(sources.APP_NAME, appauthor=False))
    assert sources.config_dir() == Path(platformdirs.user_config_dir(sources.APP_NAME, appauthor=False))
