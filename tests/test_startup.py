"""Start-up of `sbb recommend` on a warm cache: what it does not import, and the parsed-profile
cache that lets it skip the TOML parser (never serving a profile whose text changed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from recommender.cli import app
from tests.conftest import FIXTURE_CATALOG

ROOT = Path(__file__).resolve().parent.parent
PROFILE = """schema_version = 1
title = "Start-up"

[hard]
capabilities = ["web-analytics"]
"""
runner = CliRunner()


def _env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SBB_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}
    env.update(SBB_CACHE_DIR=str(cache), SBB_NO_CONFIG="1")
    return env


def test_a_warm_recommend_imports_neither_the_loader_nor_the_parsers(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    args = ["recommend", "--catalog", str(FIXTURE_CATALOG), "-p", str(profile)]
    env = _env(tmp_path / "cache")
    first = subprocess.run([sys.executable, "-m", "recommender", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['sbb', *{args!r}]\n"
        "try:\n"
        "    runpy.run_module('recommender', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    assert done.code in (0, None), done.code\n"
        "names = ('catalog.loader', 'catalog.fast', 'catalog.lint', 'catalog.export', 'tomli', 'pickle', 'json', 'dataclasses')\n"
        "sys.stderr.write(repr(sorted(n for n in names if n in sys.modules)))\n"
    )
    warm = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == first.stdout
    assert warm.stderr.strip().endswith("[]"), warm.stderr


def test_a_changed_profile_is_parsed_again_and_a_damaged_entry_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("SBB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SBB_NO_CONFIG", "1")
    monkeypatch.delenv("SBB_NO_CACHE", raising=False)
    profile = tmp_path / "p.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    args = ["recommend", "--catalog", str(FIXTURE_CATALOG), "-p", str(profile), "-f", "json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    [kept] = (tmp_path / "cache" / "parsed").glob("profile-*.parsed")
    assert runner.invoke(app, args).stdout == first.stdout  # served from the kept parse
    profile.write_text(PROFILE.replace('title = "Start-up"', 'title = "Changed"'), encoding="utf-8")
    changed = runner.invoke(app, args)
    assert '"Changed"' in changed.stdout and '"Start-up"' not in changed.stdout
    kept.write_bytes(b"\x00 not a pickle")
    assert '"Changed"' in runner.invoke(app, args).stdout
    profile.write_text("title = [broken", encoding="utf-8")
    broken = runner.invoke(app, args)
    assert broken.exit_code == 2 and "p.toml" in broken.stderr
    assert runner.invoke(app, ["catalog", "cache", "clear"]).exit_code == 0
    assert not kept.exists()


def test_no_cache_keeps_no_parsed_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("SBB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SBB_NO_CONFIG", "1")
    profile = tmp_path / "p.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    result = runner.invoke(app, ["--no-cache", "recommend", "--catalog", str(FIXTURE_CATALOG), "-p", str(profile)])
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "cache").glob("parsed/profile-*"))
