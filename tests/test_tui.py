"""The TUI, driven as a person would: keys on the walk, results read off the screen."""

from __future__ import annotations

import asyncio
import functools
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from catalog.loader import BUNDLED_CATALOG, load_catalog
from recommender.engine import recommend
from recommender.profile import Profile, Requirement, read_profile
from recommender.render import to_json
from recommender.requirements import Context
from tui.main import SbbApp
from tui.screens import ConfirmScreen, DocumentScreen, ErrorScreen, SaveScreen, ValueScreen
from tui.widgets import CheckList, RequirementList, ResultsList

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "catalog"
SIZE = (120, 40)

pytestmark = pytest.mark.tui


@pytest.fixture(scope="module")
def fixture_loaded():
    result = load_catalog([FIXTURE])
    assert result.ok
    return result


@pytest.fixture(scope="module")
def bundled_loaded():
    result = load_catalog([BUNDLED_CATALOG])
    assert result.ok
    return result


def run(test):
    """Run an async test on its own event loop (no async plugin needed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


async def settle(app, pilot) -> None:
    """Wait for the engine worker and the messages it posts."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def choose(pilot, app, list_id: str, kind: str, *keys: str) -> None:
    """Put the cursor on a requirement row and press keys there."""
    widget = app.walk.query_one(list_id, RequirementList)
    widget.focus()
    widget.highlighted = widget.get_option_index(kind)
    await pilot.pause()
    await pilot.press(*keys)
    await settle(app, pilot)


async def type_value(pilot, app, text: str) -> None:
    """Answer the value dialog."""
    assert isinstance(app.screen, ValueScreen)
    app.screen.query_one("#value").value = ""
    await pilot.press(*text, "enter")
    await settle(app, pilot)


async def point_at(pilot, app, row_id: str) -> ResultsList:
    """Focus the results list with the cursor on one row."""
    results = app.walk.query_one(ResultsList)
    results.focus()
    await pilot.pause()
    results.highlighted = results.get_option_index(row_id)
    return results


def shown_keys(app) -> list[str]:
    """Option keys in the results list, top to bottom."""
    return [o.id.split(":", 1)[1] for o in app.walk.query_one(ResultsList).options if o.id and o.id.startswith("opt:")]


def groups(app) -> list[str]:
    """Group headings in the results list, top to bottom."""
    return [str(o.prompt).split(" (")[0] for o in app.walk.query_one(ResultsList).options if o.disabled and str(o.prompt).isupper() or (o.disabled and str(o.prompt)[:4].isupper())]


def count_line(app) -> str:
    return str(app.walk.query_one("#count").render())


# -- the whole walk, on the bundled catalogue ------------------------------------------------------
@run
async def test_walk_scenario_b_web_analytics(bundled_loaded):
    """B: analytics the agency owns, data in Germany, little to operate."""
    app = SbbApp(loaded=bundled_loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.current_step() == "what"
        everything = count_line(app)
        await pilot.press(*"web analtyics", "enter")  # a typo, forgiven
        await settle(app, pilot)
        assert app.profile.capabilities == ("web-analytics",)
        assert count_line(app) != everything
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.current_step() == "constraints"
        await choose(pilot, app, "#constraint-list", "full_export", "space")
        await choose(pilot, app, "#constraint-list", "data_owner", "space")
        await choose(pilot, app, "#constraint-list", "residency", "space")
        await type_value(pilot, app, "DE")
        await choose(pilot, app, "#constraint-list", "open_source", "space", "space")  # must → prefer
        assert app.profile.get("open_source").hard is False
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.current_step() == "context"
        app.walk.query_one("#country").focus()
        await pilot.press("D", "E")
        capacity = app.walk.query_one("#capacity", CheckList)
        capacity.focus()
        capacity.highlighted = [v for v, _ in capacity.items].index("low")
        await pilot.press("space")
        await settle(app, pilot)
        assert app.profile.context.country == "DE" and app.profile.context.ops_capacity == "low"
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(app, pilot)
        assert app.current_step() == "results"
        keys = shown_keys(app)
        expected = recommend(bundled_loaded.catalog, app.profile)
        assert keys == [a.key for a in expected.options][: len(keys)]
        assert "matomo/self-hosted" in keys and "plausible/self-hosted" in keys
        steps = [k for k in keys]
        first_buy = next(i for i, k in enumerate(steps) if expected.options[i].step == "buy")
        assert all(a.step == "share" for a in expected.options[:first_buy])
        assert expected.summary() in count_line(app)
        # Escape walks back, one step at a time.
        await pilot.press("escape")
        assert app.current_step() == "building"


@run
async def test_walk_scenario_d_enquiries(bundled_loaded):
    """D: enquiries from many channels, self-hosted, with API and webhooks; self-hosting costs the most."""
    app = SbbApp(loaded=bundled_loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"omnichannel", "enter")
        await settle(app, pilot)
        assert app.profile.capabilities == ("omnichannel-inbox",)
        await pilot.press("ctrl+n")
        await choose(pilot, app, "#constraint-list", "self_hosted", "space")
        await choose(pilot, app, "#constraint-list", "api", "e")
        await type_value(pilot, app, "rest")
        await choose(pilot, app, "#constraint-list", "webhooks", "space")
        stance = app.walk.query_one("#stance", CheckList)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        stance.highlighted = 0  # leader
        await pilot.press("space")
        await settle(app, pilot)
        assert app.profile.context.stance == "leader"
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(app, pilot)
        keys = shown_keys(app)
        assert "chatwoot/self-hosted" in keys and "zammad/self-hosted" in keys
        rec = app.rec
        assert all(a.option.deployment == "self-hosted" for a in rec.options)
        assert rec.relaxation[0].requirement.kind == "self_hosted"
        insight = str(app.walk.query_one("#insight").render())
        assert "self-hosted by the agency" in insight and f"removes {rec.relaxation[0].removes}" in insight
        near = [o.id for o in app.walk.query_one(ResultsList).options if o.id and o.id.startswith("near:")]
        assert near and all(app.walk.query_one(ResultsList).assessment(i).failed for i in near)


@run
async def test_walk_starting_from_an_example_profile(bundled_loaded):
    """`sbb tui --profile FILE` opens on the results of that profile."""
    example = HERE.parent / "examples" / "d-enquiries.toml"
    if not example.exists():
        pytest.skip("no example profile")
    app = SbbApp(profile_path=example, loaded=bundled_loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.current_step() == "results"
        profile, _ = read_profile(example, bundled_loaded.catalog.vocabulary)
        assert shown_keys(app) == [a.key for a in recommend(bundled_loaded.catalog, profile).options][: len(shown_keys(app))]
        assert app.walk.query_one("#stance", CheckList).checked == [profile.context.stance]


@run
async def test_results_list_tiers_in_the_engines_order(bundled_loaded):
    """A council that cannot add capacity sees what it can run first, as the answer says."""
    example = HERE.parent / "examples" / "e-council-forms.toml"
    app = SbbApp(profile_path=example, loaded=bundled_loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        profile, _ = read_profile(example, bundled_loaded.catalog.vocabulary)
        rec = recommend(bundled_loaded.catalog, profile)
        assert rec.tiers[-1] == "fits-if-resourced"
        assert shown_keys(app)[0] == rec.options[0].key == rec.answer.option.key


# -- results: detail, what-if, compare, build ------------------------------------------------------------
def fixture_profile(*extra: Requirement, **context) -> Profile:
    reqs = (Requirement("capabilities", ("web-analytics",)),) + extra
    return Profile("fixture", "", reqs, Context(**context))


@run
async def test_detail_shows_verdicts_facts_sources_score_risks_roles(fixture_loaded):
    profile = fixture_profile(Requirement("full_export", True), Requirement("open_source", True, False, 3))
    app = SbbApp(loaded=fixture_loaded, profile=profile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await point_at(pilot, app, "opt:alpha-analytics/self-hosted")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
        text = render(app.screen.body)
        for expected in (
            "full data export", "✓ pass", "full export (csv, sql)", "licence MIT (open source)",
            "https://git.example.org/alpha/alpha/LICENSE", "Score 3/3", "+3", "Resourcing", "Data control",
            "Platform control", "System integration", "Technical management", "Supporter",
        ):
            assert expected in text, expected
        await pilot.press("escape")
        assert app.screen is app.walk


@run
async def test_what_if_flip_and_weight_moves_the_list(fixture_loaded):
    profile = fixture_profile(Requirement("self_hosted", True))
    app = SbbApp(loaded=fixture_loaded, profile=profile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert shown_keys(app) == ["alpha-analytics/self-hosted"]
        insight = str(app.walk.query_one("#insight").render())
        assert "self-hosted by the agency" in insight
        await choose(pilot, app, "#whatif", "self_hosted", "h")
        assert app.profile.get("self_hosted").hard is False
        keys = shown_keys(app)
        assert len(keys) > 1 and "alpha-analytics/cloud" in keys
        await pilot.press("plus", "plus")
        await settle(app, pilot)
        assert app.profile.get("self_hosted").weight == 3
        # The self-hosted option scores the weight; it ranks after the cloud, which fits
        # while running it needs ops capacity the profile does not state.
        own = next(a for a in app.rec.options if a.key == "alpha-analytics/self-hosted")
        assert own.score == 3 and own.tier == "fits-if-resourced"
        await pilot.press("h")
        await settle(app, pilot)
        assert shown_keys(app) == ["alpha-analytics/self-hosted"]


@run
async def test_stale_engine_answers_are_dropped(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        current = app.rec
        old = recommend(fixture_loaded.catalog, Profile())
        app.show_recommendation(app.generation - 1, old)
        assert app.rec is current


@run
async def test_compare_two_options(fixture_loaded):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        results = await point_at(pilot, app, "opt:alpha-analytics/self-hosted")
        await pilot.press("space")
        results.highlighted = results.get_option_index("opt:alpha-analytics/cloud")
        await pilot.press("space", "c")
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
        text = render(app.screen.body)
        assert "Alpha (self-hosted)" in text and "Alpha Cloud" in text
        assert "self-hosted" in text and "Alpha Ltd" in text and "Technical management" in text


@run
async def test_build_justified_shows_reasons_and_foundations(fixture_loaded):
    profile = Profile("b", "", (Requirement("capabilities", ("web-analytics",)),), Context(), (), False)
    app = SbbApp(loaded=fixture_loaded, profile=profile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")  # back to "Building?"
        assert app.current_step() == "building"
        app.walk.query_one("#unique").focus()
        await pilot.press(*"statutory register", "enter")
        await settle(app, pilot)
        assert app.profile.unique_requirements == ("statutory register",)
        assert "Build is on the table" in str(app.walk.query_one("#build-status").render())
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await point_at(pilot, app, "build")
        await pilot.press("enter")
        await pilot.pause()
        text = render(app.screen.body)
        assert "unique requirement stated: statutory register" in text and "Build on" in text


# -- saving -----------------------------------------------------------------------------------------
@run
async def test_save_profile_reproduces_the_answer(fixture_loaded, tmp_path):
    profile = fixture_profile(Requirement("full_export", True), Requirement("open_source", True, False, 2), country="DE", stance="leader")
    target = tmp_path / "mine.toml"
    app = SbbApp(loaded=fixture_loaded, profile=profile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SaveScreen)
        app.screen.query_one("#path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        shown = shown_keys(app)
    read, problems = read_profile(target, fixture_loaded.catalog.vocabulary)
    assert read is not None, problems
    again = recommend(fixture_loaded.catalog, read)
    assert [a.key for a in again.options] == shown
    assert again.summary() == recommend(fixture_loaded.catalog, profile).summary()


@run
async def test_save_never_overwrites_without_asking(fixture_loaded, tmp_path):
    target = tmp_path / "profile.toml"
    target.write_text("keep me\n")
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        dialog = app.screen
        dialog.query_one("#path").value = str(target)
        for answer in ("n", "y"):
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await pilot.pause()
            if answer == "n":
                assert target.read_text() == "keep me\n"
                assert app.screen is dialog  # still open, with the name typed, to choose another
                assert "Kept" in str(dialog.query_one("#problem").render())
        assert app.screen is app.walk
    assert "web-analytics" in target.read_text()


@run
async def test_save_report_json_and_markdown(fixture_loaded, tmp_path):
    app = SbbApp(loaded=fixture_loaded, profile=fixture_profile(Requirement("full_export", True)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        app.screen.query_one("#path").value = str(tmp_path / "r.md")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+r")
        screen = app.screen
        screen.query_one("#format").focus()
        await pilot.press("down", "enter")  # json
        await pilot.pause()
        screen.query_one("#path").value = str(tmp_path / "r.json")
        screen.query_one("#path").focus()
        await pilot.press("enter")
        await pilot.pause()
        rec = app.rec
    assert (tmp_path / "r.md").read_text().startswith("# fixture")
    assert json.loads((tmp_path / "r.json").read_text()) == json.loads(to_json(rec))


# -- bad input and hostile text ------------------------------------------------------------------------
@run
async def test_catalogue_with_errors_opens_the_error_screen(tmp_path):
    broken = tmp_path / "cat" / "tools"
    shutil.copytree(FIXTURE / "tools", broken)
    (broken / "bad-one.toml").write_text('name = "x"\ncapabilities = [1\n')
    (broken / "bad-two.toml").write_text('schema_version = 1\nname = 3\n')
    app = SbbApp([tmp_path / "cat"])
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        text = str(app.screen.query_one("#problems").render())
        assert "bad-one.toml" in text and "bad-two.toml" in text
        assert not app.check_action("save_profile", ())  # nothing to save from here
        await pilot.press("q")
    assert app.exit_code == 2


@pytest.mark.parametrize("key", ["escape", "ctrl+q"])
@run
async def test_every_way_out_of_the_error_screen_says_bad_input(tmp_path, key):
    (tmp_path / "bad.toml").write_text('schema_version = 1\nname = 3\n')
    app = SbbApp([tmp_path])
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press(key)
    assert app.exit_code == 2


def hostile_catalogue(root: Path) -> Path:
    tools = root / "tools"
    tools.mkdir(parents=True)
    text = (FIXTURE / "tools" / "alpha-analytics.toml").read_text()
    text = text.replace('name = "Alpha Analytics"', 'name = "[bold red]x[/] Alpha"')
    text = text.replace('name = "Alpha Cloud"', 'name = "[link=https://evil.example]Cloud[/link]"')
    text = text.replace(
        'summary = "Open-source web analytics, self-hosted or hosted by its vendor."',
        'summary = "[reverse]shout[/reverse] and [@click=app.quit]quit[/]"',
    )
    (tools / "alpha-analytics.toml").write_text(text)
    return root


@run
async def test_catalogue_text_is_shown_literally(tmp_path):
    loaded = load_catalog([hostile_catalogue(tmp_path / "cat")])
    assert loaded.ok, [str(p) for p in loaded.problems]
    app = SbbApp(loaded=loaded, profile=fixture_profile())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        rows = [o.prompt.plain for o in app.walk.query_one(ResultsList).options]
        assert any("[bold red]x[/] Alpha" in r for r in rows)
        results = await point_at(pilot, app, "opt:alpha-analytics/self-hosted")
        await pilot.pause()
        summary = app.walk.query_one("#option-summary").render()
        assert "[@click=app.quit]quit[/]" in str(summary)
        await pilot.press("enter")
        await pilot.pause()
        text = render(app.screen.body)
        assert "[bold red]x[/] Alpha" in text and "[reverse]shout[/reverse]" in text
        await pilot.press("escape")
        results.highlighted = results.get_option_index("opt:alpha-analytics/cloud")
        await pilot.press("enter")
        await pilot.pause()
        assert "[link=https://evil.example]Cloud[/link]" in render(app.screen.body)
        assert app.is_running


def render(renderable) -> str:
    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


@run
async def test_skipped_sources_are_notes_on_screen_not_stderr(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config"
    config.mkdir()
    (config / "sources.toml").write_text('[[sources]]\nname = "gone"\npath = "/nonexistent/catalogue"\n')
    monkeypatch.setenv("SBB_CONFIG_DIR", str(config))
    app = SbbApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.catalog is not None  # the bundled catalogue still loads
        assert any("gone" in str(n.message) for n in app._notifications)
    assert "gone" not in capsys.readouterr().err


@run
async def test_goals_are_part_of_the_profile_and_set_the_scope(fixture_loaded, tmp_path):
    app = SbbApp(loaded=fixture_loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert len(app.rec.options) == 9  # no capability, no goal: the whole catalogue
        goals = app.walk.query_one("#goals", CheckList)
        goals.focus()
        goals.highlighted = goals.get_option_index("monitoring")
        await pilot.press("space")
        await settle(app, pilot)
        assert app.profile.goals == ("monitoring",)
        assert {a.tool.id for a in app.rec.options} == {"alpha-analytics", "beta-insights", "zeta-unknown"}
        assert "4 options" in str(app.walk.query_one("#count").render())
    assert 'goals = [\n    "monitoring",\n]' in app.profile.to_toml() or 'goals = ["monitoring"]' in app.profile.to_toml()
