"""The TUI for a person who is not a developer: legend, help, names, reach, feedback, quitting, saving."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style
from textual.widgets import Footer

from catalog.loader import load_catalog
from recommender.profile import Profile, Requirement
from recommender.render import RISK_NAMES
from recommender.requirements import KINDS, Context
from tests.test_tui import FIXTURE, choose, fixture_profile, point_at, render, run, settle
from recommender.engine import TIER_WORDS, TIERS
from tui.text import TIER_MEANING
from tui.help import HelpScreen, KEYS_HELP, MARKS_HELP, RISKS_HELP, STEPS_HELP
from tui.main import SbbApp
from tui.screens import ConfirmScreen, DocumentScreen, ErrorScreen, QuitScreen, SaveScreen, ValueScreen
from tui.widgets import ResultsList

pytestmark = pytest.mark.tui

SMALL = (80, 24)
README = Path(__file__).parent.parent / "README.md"


@pytest.fixture(scope="module")
def fixture_loaded():
    result = load_catalog([FIXTURE])
    assert result.ok
    return result


def text_of(app, selector: str) -> str:
    return str(app.walk.query_one(selector).render())


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


# -- legend and help ----------------------------------------------------------------------------
@run
async def test_legend_explains_every_column_and_mark(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile(Requirement("open_source", True, False, 2)))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        legend = text_of(app, "#legend")
        for words in ("share before buy", "fewer HIGH risks first", "best score", "score=preference points",
                      "low/med/HIGH", "res=resourcing", "data", "plat=platform", "intg=integration"):
            assert words in legend, words  # how rows are ordered, and every column
        header = text_of(app, "#results-header")
        for column in ("option", "step", "score", "res", "data", "plat", "intg"):
            assert column in header
        # Each group heading says what its tier means.
        headings = [o.prompt.plain for o in app.walk.query_one(ResultsList).options if o.disabled]
        tiers = {tier for tier in TIERS if app.rec.in_tier(tier)}
        assert tiers
        for tier in tiers:
            assert any(h.startswith(TIER_WORDS[tier].upper()) and TIER_MEANING[tier] in h for h in headings), tier
        # Each legend line fits the width: nothing is cut at 80 columns.
        assert all(len(line) <= 78 for line in legend.splitlines()) and len(legend.splitlines()) == 2


@run
async def test_help_screen_explains_steps_kinds_risks_marks_and_keys(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(render(app.screen.body).split())
        for title, _ in STEPS_HELP:
            assert title in text
        for spec in KINDS.values():
            assert spec.label in text and " ".join(spec.doc.split()) in text, spec.name
        for name in RISK_NAMES.values():
            assert name in text
        for mark in ("FITS IF RESOURCED", "TO VERIFY", "✓ ✗ ?", "[must]", "near miss", "open to this agency", "enter"):
            assert mark in text, mark
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.walk and app.current_step() == "results"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_help_says_what_the_readme_says():
    """The help screen and the README use the same words."""
    readme = " ".join(README.read_text(encoding="utf-8").split())
    for key, text in (*STEPS_HELP, *MARKS_HELP, *KEYS_HELP):
        assert " ".join(text.split()) in readme, text
    for text in RISKS_HELP.values():
        assert text in readme, text


@run
async def test_keys_panel_closes_with_escape_without_leaving_the_step(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        app.action_show_help_panel()
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("HelpPanel") and app.current_step() == "results"


@run
async def test_down_from_the_search_box_moves_into_the_list(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert app.focused.id == "cap-search"
        await pilot.press(*"analytics", "down")
        assert app.focused.id == "capabilities"
        await pilot.press("space")
        await settle(app, pilot)
        assert app.profile.capabilities  # the highlighted match was ticked


@run
async def test_requirements_goals_and_capabilities_are_described(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        goals = app.walk.query_one("#goals")
        goals.focus()
        goals.highlighted = goals.get_option_index("monitoring")
        await pilot.pause()
        assert "Goal monitoring: capabilities such as" in text_of(app, "#what-about")
        assert "Web analytics" in text_of(app, "#what-about")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await choose(pilot, app, "#constraint-list", "data_owner", "down", "up")
        about = " ".join(text_of(app, "#constraints-about").split())
        assert KINDS["data_owner"].doc in about and "Off (space: must)" in about
        # Ops effort is among the constraints, where an architect looks for it.
        ids = [o.id for o in app.walk.query_one("#constraint-list").options]
        assert "max_ops_effort" in ids and "skills" in ids


@run
async def test_open_to_this_agency_is_explained(fixture_loaded):
    profile = fixture_profile(country="DE")
    app = SbbApp(loaded=fixture_loaded, profile=profile)
    async with app.run_test(size=SIZE_WIDE) as pilot:
        await settle(app, pilot)
        await point_at(pilot, app, f"opt:{app.rec.options[0].key}")
        await pilot.press("enter")
        await pilot.pause()
        console = Console(width=400, record=True, color_system=None, file=io.StringIO())
        console.print(app.screen.body)
        assert "open to this agency (country, level, sector) (added from the context)" in console.export_text()


SIZE_WIDE = (120, 40)


# -- names ------------------------------------------------------------------------------------------
LONG_NAMES = '''# Fictional tool for tests: three options whose names differ only at the end.
schema_version = 1
name = "Omega Public Sector Web Analytics Platform"
summary = "Fictional analytics with three editions."
homepage = "https://omega.example.org"
capabilities = ["web-analytics"]
last_reviewed = 2026-10-01

[[options]]
id = "enterprise-cloud"
name = "Omega Public Sector Web Analytics Platform Enterprise Edition (sovereign cloud)"
origin = "commercial"
deployment = "hosted"
provider = "Omega Ltd"

[[options]]
id = "enterprise-onprem"
name = "Omega Public Sector Web Analytics Platform Enterprise Edition (on-premises)"
origin = "commercial"
deployment = "self-hosted"
provider = "Omega Ltd"

[[options]]
id = "core"
name = "Omega Public Sector Web Analytics Platform Core Edition (cloud)"
origin = "commercial"
deployment = "hosted"
provider = "Omega Ltd"
'''


@pytest.fixture(scope="module")
def long_names_loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("long") / "cat"
    shutil.copytree(FIXTURE, root)
    (root / "tools" / "omega.toml").write_text(LONG_NAMES)
    result = load_catalog([root])
    assert result.ok, [str(p) for p in result.problems]
    return result


@pytest.mark.parametrize("width", [80, 120, 160])
@run
async def test_names_stay_distinguishable_at_every_width(long_names_loaded, width):
    app = SbbApp(loaded=long_names_loaded, profile=fixture_profile())
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(app, pilot)
        results = app.walk.query_one(ResultsList)
        rows = {o.id: o.prompt.plain for o in results.options if o.id and o.id.startswith("opt:omega/")}
        assert len(rows) == 3
        shown = [row[2 : 2 + results.name_width()].strip() for row in rows.values()]
        assert len(set(shown)) == 3, shown  # three different names on screen
        assert all(("on-premises" in s) or ("sovereign" in s) or ("Core" in s) for s in shown), shown
        # The focused row's whole name is shown under the list.
        key = "opt:omega/enterprise-onprem"
        await point_at(pilot, app, key)
        await pilot.pause()
        assert results.full_names[key] in " ".join(text_of(app, "#option-summary").split())


@run
async def test_names_use_the_width_of_a_wide_terminal(long_names_loaded):
    """Wider is never narrower: the name column grows with the terminal."""
    widths = []
    for size in ((80, 24), (120, 40), (160, 48)):
        app = SbbApp(loaded=long_names_loaded, profile=fixture_profile())
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            widths.append(app.walk.query_one(ResultsList).name_width())
    assert widths == sorted(widths) and widths[0] < widths[-1]


# -- reach at 80×24 ----------------------------------------------------------------------------------
@run
async def test_every_row_and_heading_is_reachable_at_80x24(long_names_loaded):
    app = SbbApp(loaded=long_names_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        results = app.walk.query_one(ResultsList)
        assert results.highlighted_option is not None and not results.highlighted_option.disabled
        assert results.scroll_y == 0  # the SHARE heading above the first option is in view
        results.focus()
        await pilot.press("end")
        await pilot.pause()
        assert results.scroll_y == results.max_scroll_y  # BUILD and notes below the last option show
        for _ in range(len(results.options)):
            await pilot.press("up")
        await pilot.pause()
        assert not results.highlighted_option.disabled and results.scroll_y == 0


@run
async def test_tab_reaches_every_part_of_every_step_at_80x24(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded)
    expected = {
        "what": {"cap-search", "goals", "capabilities"},
        "constraints": {"constraint-list"},
        "context": {"stance", "capacity", "level", "sectors", "country", "skills", "context-list"},
        "building": {"control-code", "unique"},
        "results": {"results-list", "whatif"},
    }
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press(*"analytics", "enter")
        await settle(app, pilot)
        for step, ids in expected.items():
            app.go(step)
            await settle(app, pilot)
            seen = set()
            for _ in range(12):
                await pilot.press("tab")
                seen.add(app.focused.id if app.focused else None)
            assert ids <= seen, (step, seen)


@run
async def test_below_the_minimum_size_a_notice_says_so(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(app, pilot)
        notice = app.walk.query_one("#too-small")
        assert notice.display and "40×12" in str(notice.render()) and "at least" in str(notice.render())
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert not app.walk.query_one("#too-small").display


@run
async def test_footer_shows_report_and_help_at_80_columns(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        keys = {k.description: k.region for k in app.walk.query_one(Footer).query("FooterKey")}
        for description in ("Report", "Save", "Help", "Quit", "Detail", "Compare"):
            assert description in keys and keys[description].right <= 80 and keys[description].width, description


# -- status and colour -------------------------------------------------------------------------------
@run
async def test_count_line_never_keeps_a_stale_updating(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert "updating" not in text_of(app, "#count")
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert "updating" not in text_of(app, "#count")
        # A slow answer says so, and the answer clears it.
        app.generation += 1
        app.mark_stale(app.generation)
        assert "updating" in text_of(app, "#count")
        app.update_profile(app.profile)
        await settle(app, pilot)
        assert "updating" not in text_of(app, "#count")


@run
async def test_risk_levels_read_without_colour(fixture_loaded, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert app.no_color
        styles = {}
        for option in app.walk.query_one(ResultsList).options:
            for span in option.prompt.spans:
                word = option.prompt.plain[span.start : span.end].strip()
                if word in ("HIGH", "med"):
                    styles[word] = Style.parse(str(span.style))
        assert "HIGH" in styles, "the fixture has a HIGH risk"
        high = styles["HIGH"]
        assert high.bold and high.reverse and high.color is None  # never a grey made of red
        await point_at(pilot, app, f"opt:{app.rec.options[0].key}")
        await pilot.press("enter")
        await pilot.pause()
        table_text = render(app.screen.body)
        assert "HIGH" in table_text or "medium" in table_text or "low" in table_text


# -- feedback and weakening ------------------------------------------------------------------------
@run
async def test_plus_never_weakens_a_must(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile(Requirement("full_export", True)))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await choose(pilot, app, "#whatif", "full_export", "plus")
        assert app.profile.get("full_export").hard is True
        assert any("is a must" in n and "press h" in n.lower() for n in notices(app))
        await pilot.press("minus")
        await settle(app, pilot)
        assert app.profile.get("full_export").hard is True
        await pilot.press("h", "plus")
        await settle(app, pilot)
        req = app.profile.get("full_export")
        assert req.hard is False and req.weight == 2  # the user chose to soften it, then weighed it


@run
async def test_keys_on_an_off_row_say_why_nothing_happened(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        app.go("constraints")
        await settle(app, pilot)
        before = app.profile
        for key, says in (("h", "is off"), ("plus", "is off"), ("x", "already off")):
            await choose(pilot, app, "#constraint-list", "webhooks", key)
            assert app.profile == before
            assert any(says in n for n in notices(app)), key


# -- dialogs: value, save, quit ---------------------------------------------------------------------
@run
async def test_invalid_value_keeps_the_dialog_open_with_the_input(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        app.go("constraints")
        await settle(app, pilot)
        await choose(pilot, app, "#constraint-list", "max_exit_cost", "e")
        assert isinstance(app.screen, ValueScreen)
        app.screen.query_one("#value").value = ""
        await pilot.press(*"enormous", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ValueScreen)
        assert app.screen.query_one("#value").value == "enormous"
        assert "✗" in str(app.screen.query_one("#problem").render())
        assert app.profile.get("max_exit_cost") is None
        app.screen.query_one("#value").value = "medium"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is app.walk and app.profile.get("max_exit_cost").value == "medium"


@run
async def test_save_asks_before_creating_a_folder_and_keeps_bad_input(fixture_loaded, tmp_path):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    target = tmp_path / "new" / "deeper" / "mine.toml"
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, SaveScreen)
        dialog.query_one("#path").value = str(tmp_path)  # a folder, not a file
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "is a folder" in str(dialog.query_one("#problem").render())
        dialog.query_one("#path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "does not exist" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is dialog and not (tmp_path / "new").exists()
        assert dialog.query_one("#path").value == str(target)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is app.walk
    assert "web-analytics" in target.read_text()


@run
async def test_quit_with_unsaved_answers_asks_first(fixture_loaded, tmp_path):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")  # nothing changed yet: no question
        await pilot.pause()
        assert not app.is_running
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await choose(pilot, app, "#whatif", "capabilities", "h")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen) and app.screen.focused.id == "no"
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and app.screen is app.walk
        await pilot.press("ctrl+s")
        app.screen.query_one("#path").value = str(tmp_path / "saved.toml")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+q")  # saved: leaves without asking
        await pilot.pause()
        assert not app.is_running
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await choose(pilot, app, "#whatif", "capabilities", "h")
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running


@run
async def test_error_screen_footer_shows_quit_once(tmp_path):
    (tmp_path / "bad.toml").write_text("schema_version = 1\nname = 3\n")
    app = SbbApp([tmp_path])
    async with app.run_test(size=SMALL) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        descriptions = [k.description for k in app.screen.query_one(Footer).query("FooterKey")]
        assert descriptions.count("Quit") == 1 and "Help" not in descriptions


# -- compare ----------------------------------------------------------------------------------------
@run
async def test_compare_marks_the_rows_that_differ(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile(Requirement("full_export", True)))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        a, b = app.walk.query_one(ResultsList).assessment("opt:alpha-analytics/self-hosted"), app.walk.query_one(ResultsList).assessment("opt:alpha-analytics/cloud")
        app.open_compare(a, b)
        await pilot.pause()
        lines = render(app.screen.body).splitlines()
        def line(label):
            return next(l for l in lines if l.strip().lstrip("≠ ").startswith(label))
        assert line("deployment").lstrip().startswith("≠")  # self-hosted against hosted
        assert line("step").lstrip().startswith("≠")  # share against buy
        assert not line("capabilities").lstrip().startswith("≠")  # both pass


# -- start -------------------------------------------------------------------------------------------
@run
async def test_profile_opens_on_its_results_every_time(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('schema_version = 1\n[hard]\ncapabilities = ["web-analytics"]\n')
    for _ in range(20):
        shown: list[str] = []

        class Recording(SbbApp):
            def step_shown(self, event):
                shown.append(event.pane.id)
                return super().step_shown(event)

        app = Recording([FIXTURE], profile)
        async with app.run_test(size=SMALL) as pilot:
            assert app.current_step() == "results"  # before the catalogue is read
            await settle(app, pilot)
            await pilot.pause()
            assert app.current_step() == "results" and app.rec is not None
            assert app.focused is not None and app.focused.id == "results-list"
        assert set(shown) <= {"results"}, shown  # step 1 never shown, not even for a frame


@run
async def test_a_late_count_update_while_quitting_is_harmless(fixture_loaded):
    """A "(updating…)" timer that fires while the walk is torn down does nothing."""
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await app.walk.query_one("#count").remove()
        app.generation += 1
        app.mark_stale(app.generation)  # would raise NoMatches before
        assert app.is_running
