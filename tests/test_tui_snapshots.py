"""Snapshot images of the main TUI screens, on the small fictional catalogue, at 80×24."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.loader import load_catalog
from recommender.profile import Profile, Requirement
from recommender.requirements import Context
from tui.main import SbbApp

FIXTURE = Path(__file__).parent / "fixtures" / "catalog"
SIZE = (80, 24)

pytestmark = pytest.mark.tui


@pytest.fixture(scope="module")
def loaded():
    return load_catalog([FIXTURE])


def profile() -> Profile:
    return Profile(
        "fixture",
        "",
        (Requirement("capabilities", ("web-analytics",)), Requirement("full_export", True), Requirement("open_source", True, False, 2)),
        Context(country="DE", stance="supporter"),
    )


async def settle(pilot) -> None:
    app = pilot.app
    for widget in app.query("Input"):
        widget.cursor_blink = False
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_snapshot_what_for(snap_compare, loaded):
    async def before(pilot):
        await settle(pilot)
        await pilot.press(*"analytcs")
        await pilot.pause()

    assert snap_compare(SbbApp(loaded=loaded), terminal_size=SIZE, run_before=before)


def test_snapshot_constraints(snap_compare, loaded):
    app = SbbApp(loaded=loaded, profile=profile())

    async def before(pilot):
        await settle(pilot)
        app.go("constraints")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_snapshot_results(snap_compare, loaded):
    assert snap_compare(SbbApp(loaded=loaded, profile=profile()), terminal_size=SIZE, run_before=settle)


def test_snapshot_option_detail(snap_compare, loaded):
    app = SbbApp(loaded=loaded, profile=profile())

    async def before(pilot):
        await settle(pilot)
        app.open_detail("opt:alpha-analytics/self-hosted")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_snapshot_compare(snap_compare, loaded):
    app = SbbApp(loaded=loaded, profile=profile())

    async def before(pilot):
        await settle(pilot)
        results = app.walk.query_one("#results-list")
        app.open_compare(results.assessment("opt:alpha-analytics/self-hosted"), results.assessment("opt:alpha-analytics/cloud"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_snapshot_help(snap_compare, loaded):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(SbbApp(loaded=loaded, profile=profile()), terminal_size=SIZE, run_before=before)
