"""Saving a profile over an existing file keeps the comments and layout the person wrote."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import tomli
import tomli_w

from catalog.loader import load_catalog
from catalog.tomledit import rewrite, rewrite_file
from recommender.profile import Profile, Requirement, read_profile
from recommender.requirements import Context

FIXTURE = Path(__file__).parent / "fixtures" / "catalog"

# tomlkit is a declared dependency (pyproject.toml); an environment installed before it was
# added lacks it until `pip install -e .[test]` is run again, and saving then writes plain TOML.
needs_tomlkit = pytest.mark.skipif(
    importlib.util.find_spec("tomlkit") is None, reason="tomlkit not installed: pip install -e .[test]"
)

COMMENTED = """\
# Our web analytics profile: reviewed by the architecture board, 2026-10.
schema_version = 1
title = "Web analytics"   # shown as the report title

[context]
country = "AU"  # federal
stance = "supporter"

# Hard requirements: the board insists on these.
[hard]
capabilities = ["web-analytics"]
full_export = true  # we must be able to leave
residency = "AU"

[soft]
# open source preferred
open_source = 3
"""


@needs_tomlkit
def test_rewrite_changes_values_and_keeps_comments():
    data = {
        "schema_version": 1,
        "title": "Web analytics",
        "context": {"country": "AU", "stance": "leader", "ops_capacity": "low"},
        "hard": {"capabilities": ["web-analytics"], "full_export": True},
        "soft": {"open_source": 5, "api": {"value": ["rest"], "weight": 2}},
    }
    text = rewrite(COMMENTED, data, tomli_w.dumps(data))
    assert tomli.loads(text) == data
    for comment in (
        "# Our web analytics profile: reviewed by the architecture board, 2026-10.",
        'title = "Web analytics"   # shown as the report title',
        'country = "AU"  # federal',
        "# Hard requirements: the board insists on these.\n[hard]",
        "full_export = true  # we must be able to leave",
        "# open source preferred\nopen_source = 5",
    ):
        assert comment in text, comment
    assert "residency" not in text  # removed with the value
    # A key added to a table goes after its last value, not under the next table's heading.
    assert 'stance = "leader"\nops_capacity = "low"\n' in text


@needs_tomlkit
def test_rewrite_keeps_types_and_falls_back_to_the_plain_text():
    data = {"schema_version": 1, "hard": {"full_export": True}}
    fresh = tomli_w.dumps(data)
    assert tomli.loads(rewrite("schema_version = 1\n[hard]\nfull_export = 1  # int\n", data, fresh))["hard"]["full_export"] is True
    assert rewrite("keep me\n", data, fresh) == fresh  # not TOML: nothing to keep
    assert rewrite(None, data, fresh) == fresh
    assert rewrite("", data, fresh) == fresh


@needs_tomlkit
def test_rewrite_file_reads_what_is_there(tmp_path):
    target = tmp_path / "p.toml"
    target.write_text("# mine\nschema_version = 1\n", encoding="utf-8")
    data = {"schema_version": 1, "title": "T"}
    assert rewrite_file(target, data, tomli_w.dumps(data)).startswith("# mine\n")
    assert rewrite_file(tmp_path / "missing.toml", data, "fresh") == "fresh"


def test_starting_sbb_does_not_import_tomlkit():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from recommender.cli import app\n"
        "r = CliRunner().invoke(app, ['recommend', '-c', 'web-analytics', '-f', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('tomlkit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@needs_tomlkit
@pytest.mark.tui
def test_tui_saves_over_a_profile_keeping_its_comments(tmp_path):
    from tui.main import SbbApp
    from tui.screens import ConfirmScreen, SaveScreen

    loaded = load_catalog([FIXTURE])
    assert loaded.ok
    target = tmp_path / "profile.toml"
    target.write_text(
        "# Reviewed by the board.\nschema_version = 1\ntitle = \"fixture\"  # keep this title\n\n"
        "[hard]\ncapabilities = [\"web-analytics\"]  # the one capability\n",
        encoding="utf-8",
    )
    profile = Profile("fixture", "", (Requirement("capabilities", ("web-analytics",)), Requirement("full_export", True)), Context(country="DE"))

    async def main():
        app = SbbApp(loaded=loaded, profile=profile)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, SaveScreen)
            app.screen.query_one("#path").value = str(target)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await pilot.pause()

    asyncio.run(main())
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Reviewed by the board.\n")
    assert 'title = "fixture"  # keep this title' in text
    assert 'capabilities = ["web-analytics"]  # the one capability' in text
    read, problems = read_profile(target, loaded.catalog.vocabulary)
    assert read is not None, problems
    assert read.get("full_export") is not None and read.context.country == "DE"
