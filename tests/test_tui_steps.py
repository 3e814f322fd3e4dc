"""The walk's first screen holds only the step it opens on; the others are built after it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input

from recommender.profile import Requirement
from tests.test_tui import SIZE, fixture_loaded, fixture_profile, run, settle  # noqa: F401 (a fixture)
from tui.main import SbbApp
from tui.steps import Step
from tui.widgets import CheckList, RequirementList

pytestmark = pytest.mark.tui


def recording(built_at_first_paint: list[str]):
    class Recording(SbbApp):
        def _painted(self):
            if self.first_paint is None:
                built_at_first_paint.extend(step.id for step in self.walk.query(Step) if step.built)
            super()._painted()

    return Recording


@run
async def test_steps_off_the_first_screen_are_built_after_it_and_show_the_profile(fixture_loaded):
    built: list[str] = []
    profile = replace(fixture_profile(Requirement("max_ops_effort", "low"), country="NZ", level="state"), must_control_code=True)
    app = recording(built)(loaded=fixture_loaded, profile=profile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert built == ["results"]  # a profile opens on its results: only that step was drawn first
        assert all(step.built for step in app.walk.query(Step))
        # Each step built later shows the profile as it is, without being visited first.
        assert app.walk.query_one("#country", Input).value == "NZ"
        assert app.walk.query_one("#level", CheckList).checked == ["state"]
        assert app.walk.query_one("#control-code", CheckList).checked == ["control"]
        assert app.walk.query_one("#capabilities", CheckList).checked == ["web-analytics"]
        rows = [o.id for o in app.walk.query_one("#context-list", RequirementList).options]
        assert rows == ["max_ops_effort", "skills"]


@run
async def test_a_step_shown_before_it_was_built_is_built_then_focused(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")  # at once: step 2 may not be built yet
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_step() == "constraints"
        assert app.focused is not None and app.focused.id == "constraint-list"


@run
async def test_quitting_before_every_step_is_built_is_clean(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")  # nothing to save yet: leaves at once
        await pilot.pause()
    assert app.return_code in (0, None) and app.exit_code == 0


@run
async def test_the_context_step_sets_the_agency_sectors(fixture_loaded):
    profile = fixture_profile(country="GB", sectors=("education",))
    app = SbbApp(loaded=fixture_loaded, profile=profile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        sectors = app.walk.query_one("#sectors", CheckList)
        assert sectors.checked == ["education"]  # read from the profile
        app.go("context")
        await settle(app, pilot)
        sectors.focus()
        sectors.highlighted = [v for v, _ in sectors.items].index("health")
        await pilot.press("space")
        await settle(app, pilot)
        assert app.profile.context.sectors == ("health", "education")  # in the vocabulary's order
        sectors.highlighted = [v for v, _ in sectors.items].index("education")
        await pilot.press("space")
        await settle(app, pilot)
        assert app.profile.context.sectors == ("health",)
        assert app.profile.to_toml_data()["context"]["sectors"] == ["health"]
