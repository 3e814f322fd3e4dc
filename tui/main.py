"""The app: a guided walk (What for → Constraints → Context → Building? → Results) over the engine."""

from __future__ import annotations

import re
import textwrap
import time
from functools import partial
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Footer,
    Input,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from catalog.countries import is_location
from catalog.schema import GOV_LEVELS
from catalog.vocabulary import GOALS
from recommender.engine import Judge
from recommender.exits import BAD_INPUT, OK
from catalog.files import write_atomic
from recommender.profile import CAPACITY, STANCES, Profile, Requirement, read_profile
from recommender.render import FORMATS, one_line
from recommender.requirements import KINDS
from recommender.stance import STANCE_LINES
from tui.screens import (
    REPORT_FILES,
    ConfirmScreen,
    DocumentScreen,
    ErrorScreen,
    QuitScreen,
    SaveScreen,
    build_document,
    compare_document,
    option_document,
)
from tui.text import lit
from tui.help import HelpScreen, legend
from tui.widgets import CheckList, RequirementList, ResultsList, SearchBox

STEPS = ("what", "constraints", "context", "building", "results")
STEP_TITLES = {
    "what": "1 What for",
    "constraints": "2 Constraints",
    "context": "3 Context",
    "building": "4 Building?",
    "results": "5 Results",
}
CONSTRAINT_GROUPS = [
    ("Data control", ("full_export", "export_formats", "residency", "self_hosted", "data_owner", "no_third_party", "retention_months")),
    ("Lock-in", ("open_source", "open_standards", "independent_providers", "max_exit_cost", "maintained")),
    ("Integration", ("api", "webhooks", "sso", "provisioning")),
    ("Assurance", ("certifications", "accessibility", "archiving")),
    ("Resourcing (also on step 3)", ("max_ops_effort", "skills")),
    ("Cost and reuse", ("max_cost_band", "cost_models", "min_agencies", "reviewed_within_months")),
]
CONTEXT_KINDS = ("max_ops_effort", "skills")
# Kinds the walk asks elsewhere or the engine adds itself.
_ASKED = {"capabilities", "eligible", *CONTEXT_KINDS, *(k for _, kinds in CONSTRAINT_GROUPS for k in kinds)}
CAPABILITY_ROWS = 40
WIDE = 170
"""Columns from which the what-if panel sits beside the results (below that, under them, so
option names keep the whole width)."""
TALL = 32
"""Rows from which the step tabs are shown (below, the count line names the step)."""
MIN_SIZE = (64, 18)
"""Below this the walk cannot show its parts: a notice says so instead."""
STEP_FOCUS = {
    "what": "#cap-search",
    "constraints": "#constraint-list",
    "context": "#stance",
    "building": "#control-code",
    "results": "#results-list",
}


def constraint_groups() -> list[tuple[str, tuple[str, ...]]]:
    """The constraint groups, plus any requirement kind the engine knows that the walk does not name."""
    other = tuple(k for k in KINDS if k not in _ASKED)
    return CONSTRAINT_GROUPS + ([("Other", other)] if other else [])


class WalkScreen(Screen):
    """The five steps, the live count above them, key hints below."""

    AUTO_FOCUS = None  # each step focuses its own first control; auto-focus would pull back to step 1

    def __init__(self, initial: str = "what", **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def compose(self) -> ComposeResult:
        yield Static(Text("reading the catalogue…"), id="count")
        with TabbedContent(id="steps", initial=self.initial):
            with TabPane(STEP_TITLES["what"], id="what"):
                yield Static(
                    "Type to search capabilities (typos are fine): enter selects the best match, ↓ moves into the list, "
                    "space ticks; goals narrow the list. ? help",
                    classes="help",
                )
                with Horizontal(classes="columns"):
                    with Vertical(id="goals-box"):
                        yield Label("Agency goals")
                        yield CheckList(id="goals")
                    with Vertical(id="caps-box"):
                        yield SearchBox(placeholder="search capabilities, e.g. web analtyics", id="cap-search")
                        yield CheckList(id="capabilities")
                yield Static(id="what-about", classes="about")
            with TabPane(STEP_TITLES["constraints"], id="constraints"):
                yield Static("space or enter: off → must → prefer · h must/prefer · +/- weight · e edit value · x off · ? help", classes="help")
                yield RequirementList(constraint_groups(), id="constraint-list")
                yield Static(id="constraints-about", classes="about")
            with TabPane(STEP_TITLES["context"], id="context"):
                with VerticalScroll():
                    yield Label("ICT stance: who does access, monitoring, development, use, support, servers")
                    yield CheckList(single=True, id="stance")
                    with Horizontal(classes="choices"):
                        with Vertical():
                            yield Label("Ops capacity")
                            yield CheckList(single=True, id="capacity")
                        with Vertical():
                            yield Label("Government level")
                            yield CheckList(single=True, id="level")
                    with Horizontal(classes="inputs"):
                        yield Input(placeholder="country, e.g. AU", id="country", max_length=3)
                        yield Input(placeholder="skills, e.g. python, docker", id="skills")
                    yield Label("Resourcing requirements")
                    yield RequirementList([("", CONTEXT_KINDS)], id="context-list")
                    yield Static(id="context-about", classes="about")
            with TabPane(STEP_TITLES["building"], id="building"):
                with VerticalScroll():
                    yield Static(
                        "Building is the last resort. Share first, then buy; build only when nothing fits, "
                        "or for a legitimate unique requirement, or when the agency must control the code. "
                        "Even then the answer names the closest options to build on.",
                        classes="help",
                    )
                    yield CheckList(id="control-code")
                    yield Input(placeholder="a legitimate unique requirement — Enter to add", id="unique")
                    yield OptionList(id="unique-list")
                    yield Static(id="build-status")
            with TabPane(STEP_TITLES["results"], id="results"):
                yield Static(id="answer")
                with Horizontal(id="results-body"):
                    with Vertical(id="results-left"):
                        yield Static(id="legend")
                        yield Static(id="results-header")
                        yield ResultsList(id="results-list")
                        yield Static(id="option-summary")
                    with Vertical(id="results-right"):
                        yield Static(id="insight")
                        yield RequirementList(None, id="whatif")
        yield Footer(show_command_palette=False, compact=True)
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.app.start()

    def on_descendant_focus(self, event) -> None:
        """The line under the results describes the row of the list in focus."""
        self.app.focus_moved(event.widget)

    def on_resize(self, event) -> None:
        """Side by side when very wide, else stacked (names keep the whole width)."""
        self.set_class(event.size.width < WIDE, "narrow")
        self.set_class(event.size.height < TALL, "short")  # the step tabs give way; the count line names the step
        self.app.set_count()
        small = event.size.width < MIN_SIZE[0] or event.size.height < MIN_SIZE[1]
        self.set_class(small, "too-small")
        if small:
            self.query_one("#too-small", Static).update(
                Text(
                    f"The window is {event.size.width}×{event.size.height}: sharebuybuild needs at least "
                    f"{MIN_SIZE[0]}×{MIN_SIZE[1]}.\nMake it larger (or the font smaller); ctrl+q quits.",
                    style="bold",
                )
            )
        self.app.refresh_results()


def answer_text(rec, width: int) -> Text:
    """The answer in one headline, with the conditions under which it holds (each indented)."""
    answer = rec.answer
    text = Text("Answer:", style="bold reverse")
    text.append(" ")
    text.append_text(lit(answer.headline, "bold"))
    for condition in answer.conditions:
        lines = textwrap.wrap(one_line(condition), max(20, width - 4)) or [""]
        text.append("\n • " + "\n   ".join(lines))
    return text


def requirement_text(kind: str, profile: Profile) -> Text:
    """What a requirement means, how it is set now, and (for eligibility) why it is there."""
    spec = KINDS[kind]
    req = profile.get(kind)
    text = lit(req.label if req else spec.label, "bold")
    text.append(" — ")
    text.append_text(lit(spec.doc))
    if kind == "eligible" and req is None:
        text.append(" Added as a must because the country is set (step 3).", style="italic")
    elif req is None:
        text.append("  Off (space: must).", style="italic")
    elif req.hard:
        text.append("  Must: failing it removes an option (h: prefer).", style="italic")
    else:
        text.append(f"  Prefer ×{req.weight}: {req.weight} point(s) when met (+/-: weight).", style="italic")
    return text


def update_if_changed(widget: Static, text: Text) -> None:
    """Update a Static only when its text changes: each update asks for a new layout of the screen."""
    shown = getattr(widget, "_sbb_shown", None)
    key = (text.plain, tuple(text.spans), str(text.style))
    if shown != key:
        widget._sbb_shown = key
        widget.update(text)


class SbbApp(App[int]):
    """sharebuybuild in the terminal: share, buy, or (last resort) build."""

    CSS_PATH = Path(__file__).parent / "sbb.tcss"  # absolute: subclasses elsewhere find it too
    TITLE = "sharebuybuild"
    BINDINGS = [
        Binding("ctrl+n", "next", "Next", priority=True, tooltip="Next step.", id="next"),
        Binding("escape", "back", "Back", tooltip="Previous step (or close the keys panel).", id="back"),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="What each step, requirement, risk and mark means.", id="help"),
        Binding("ctrl+r", "save_report", "Report", priority=True, tooltip="Save the report (Markdown, JSON, decision record).", id="report"),
        Binding("ctrl+s", "save_profile", "Save", priority=True, tooltip="Save the profile as TOML.", id="save"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Leave sharebuybuild (asks first if answers are not saved).", id="quit"),
    ]

    profile: Profile
    """The requirements being built: the single source of truth for every step."""
    rec = None
    """The latest Recommendation for `profile` (None until the engine has answered once)."""

    def __init__(self, catalog_dirs=(), profile_path: Path | None = None, *, loaded=None, profile: Profile | None = None, strict: bool = False):
        super().__init__()
        self.catalog_dirs = [Path(d) for d in catalog_dirs or ()]
        self.profile_path = Path(profile_path) if profile_path else None
        self._loaded = loaded
        self.profile = profile or Profile()
        self._start_profile = profile
        self.saved_profile: Profile = self.profile
        """The answers as last read or saved: quitting with others asks first."""
        self.stale_generation = -1
        """The answer whose "(updating…)" is on screen because it was slow to come."""
        self.strict = strict
        self.catalog = None
        self.judge: Judge | None = None  # remembers verdicts between answers
        self.generation = 0  # bumped on every change; an engine answer for an older one is dropped
        self.shown_generation = -1
        self.shown_count = -1  # generation of the answer behind the live count
        self.exit_code = OK
        self.first_paint: float | None = None
        """perf_counter() when the walk was first on screen."""
        self.answered_at = 0.0
        self.refresh_ms: float | None = None
        """How long the last answer took to reach the screen (ms): engine, list and paint."""

    @classmethod
    def launch(cls, catalogs, profile=None) -> int:
        """Run the app on these catalogue directories (none: the bundled one); returns the exit code."""
        app = cls(catalogs or (), Path(profile) if profile else None)
        app.run()
        return app.exit_code

    def get_default_screen(self) -> Screen:
        # A profile opens straight on its results: the walk is built on that step, never step 1 first.
        opens_on_results = self.profile_path is not None or bool(self._start_profile and self._start_profile.requirements)
        self.walk = WalkScreen("results" if opens_on_results else "what")
        return self.walk

    def check_action(self, action: str, parameters) -> bool | None:
        """Step keys only on the walk itself (hidden on detail pages and dialogs)."""
        if action in ("next", "back") and not isinstance(self.screen, WalkScreen):
            return False
        if action == "next" and self.current_step() == "results":
            return False  # the last step: no next
        if action == "back" and self.current_step() == "what" and not self.screen.query("HelpPanel"):
            return False  # the first step: nothing to go back to
        if action in ("save_profile", "save_report", "help") and isinstance(self.screen, ErrorScreen):
            return False  # nothing to save: the catalogue could not be read
        if action == "help" and isinstance(self.screen, (HelpScreen, ModalScreen)):
            return False
        return True

    def action_help(self) -> None:
        """The help screen: steps, requirement kinds, risks, marks and keys."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Leave; from the error screen with the bad-input exit code, as `sbb recommend` would.
        With answers not saved as a profile, ask first."""
        if isinstance(self.screen, ErrorScreen):
            self.action_quit_bad_input()
            return
        if isinstance(self.screen, QuitScreen):
            return
        if self.catalog is None or self.profile == self.saved_profile:
            self.exit()
            return

        def answer(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(QuitScreen(), answer)

    # -- catalogue -----------------------------------------------------------------------------
    def start(self) -> None:
        """Once the walk is on screen: use the catalogue given, or read it in a worker."""
        self.call_after_refresh(self._painted)
        if self._loaded is not None:
            self.catalog_ready(self._loaded)
        else:
            # Draw the walk first; reading thousands of files holds the GIL for seconds.
            self.call_after_refresh(self.load_catalogue)

    @work(thread=True, exclusive=True, group="load")
    def load_catalogue(self) -> None:
        """Read the catalogues off the UI thread: the first screen never waits for them."""
        from recommender.catalogs import load_for_cli

        notes: list[str] = []  # never print to the terminal the TUI is drawing on
        result = load_for_cli(self.catalog_dirs, notify=notes.append)
        self.call_from_thread(self.catalog_ready, result)
        for note in notes:
            self.call_from_thread(self.notify, note, severity="warning", markup=False, timeout=10)

    def catalog_ready(self, result) -> None:
        """Show every problem, or start the walk on the catalogue."""
        if not result.ok:
            self.push_screen(ErrorScreen(result.problems, "the catalogue"))
            return
        self.catalog = result.catalog
        self.judge = Judge(result.catalog)
        if result.warnings:
            self.notify(f"{len(result.warnings)} warning(s) in the catalogue (sbb catalog validate lists them).", markup=False)
        if self.profile_path is not None:
            read, problems = read_profile(self.profile_path, self.catalog.vocabulary)
            if read is None:
                self.push_screen(ErrorScreen(problems, str(self.profile_path)))
                return
            self._start_profile = read
        start = self._start_profile or self.profile
        self.saved_profile = start
        self.walk.query_one("#goals", CheckList).set_items([(g, Text(g)) for g in GOALS], list(start.goals))
        self.update_profile(start)
        self.fill_capabilities()
        self.sync_context()
        wanted = "results" if start.requirements else "what"
        if self.current_step() != wanted:
            self.go(wanted)

    def _painted(self) -> None:
        if self.first_paint is None:
            self.first_paint = time.perf_counter()

    def action_quit_bad_input(self) -> None:
        """Leave with the bad-input exit code."""
        self.exit_code = BAD_INPUT
        self.exit(BAD_INPUT)

    # -- engine --------------------------------------------------------------------------------
    def update_profile(self, profile: Profile) -> None:
        """Take a new answer: redraw the requirement rows now, recount in a worker."""
        self.profile = profile
        self.generation += 1
        self.answered_at = time.perf_counter()
        step = self.current_step()
        if step != "results" or self.catalog is None:
            self.refresh_requirement_rows(step)
        # On the results step the what-if rows are redrawn with the new answer: one frame, not two.
        self.sync_building()
        if self.catalog is not None:
            # Say "counting" only if the answer is slow to come: a redraw costs a frame.
            self.set_timer(0.15, partial(self.mark_stale, self.generation))
            self.run_engine(profile, self.generation)

    def mark_stale(self, generation: int) -> None:
        """Show that the count is being worked out, if that answer has not arrived yet."""
        if generation == self.generation and (self.rec is None or self.shown_count != generation):
            self.stale_generation = generation
            self.set_count()

    @work(thread=True, exclusive=True, group="engine")
    def run_engine(self, profile: Profile, generation: int) -> None:
        """Recommend off the UI thread; a newer answer cancels this one."""
        rec = self.judge.recommend(profile, self.strict)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self.show_recommendation, generation, rec)

    def show_recommendation(self, generation: int, rec) -> None:
        """Show an engine answer unless a newer answer has been asked for since."""
        if generation != self.generation:
            return
        self.rec = rec
        self.shown_count = generation
        self.set_count()
        self.sync_building()
        if self.current_step() == "results":
            self.refresh_requirement_rows("results")
            self.refresh_results()

    def current_step(self) -> str:
        """The step on screen ("what" while the walk is being built or torn down)."""
        try:
            return self.walk.query_one("#steps", TabbedContent).active or "what"
        except NoMatches:
            return "what"

    def set_count(self) -> None:
        """The live count line; "(updating…)" only while a slow answer is still being worked out."""
        try:
            count = self.walk.query_one("#count", Static)
        except NoMatches:
            return  # the walk is being torn down (a late timer while quitting)
        stale = self.stale_generation == self.generation and self.shown_count != self.generation
        line = Text()
        step = self.current_step()
        line.append(f" Step {STEP_TITLES[step].replace(' ', '/5 ', 1)} ", style="reverse")
        line.append(" ")
        if self.rec is None:
            line.append("counting…" if self.catalog is not None else "reading the catalogue…")
        else:
            summary = self.rec.summary()
            if len(line.plain) + len(summary) > self.walk.size.width - 2:
                summary = re.sub(r" \(\d+ share · \d+ buy\)", "", summary)  # each row names its step
            line.append(summary, style="bold")
            of = f"  of {self.rec.total_options} in the catalogue"
            if len(line.plain) + len(of) + 14 <= self.walk.size.width:  # room kept for strict and updating
                line.append(of)
            if self.rec.strict:
                line.append(" · strict")
        if stale and self.rec is not None:
            line.append("  (updating…)", style="italic")
        update_if_changed(count, line)

    def refresh_results(self) -> None:
        """Redraw the results step from the latest answer."""
        if self.rec is None or not self.is_mounted:
            return
        walk = self.walk
        results = walk.query_one(ResultsList)
        results.show(self.rec)
        update_if_changed(walk.query_one("#results-header", Static), results.header())
        self.shown_generation = self.generation
        self.call_after_refresh(self._answer_shown, self.generation)
        update_if_changed(walk.query_one("#insight", Static), self.insight())
        update_if_changed(walk.query_one("#answer", Static), answer_text(self.rec, walk.size.width - 2))
        width = results.scrollable_content_region.width or walk.size.width
        update_if_changed(walk.query_one("#legend", Static), Text("\n".join(legend(width)), style="dim"))
        self.show_summary()

    def _answer_shown(self, generation: int) -> None:
        if generation == self.generation:
            self.refresh_ms = (time.perf_counter() - self.answered_at) * 1000

    def insight(self) -> Text:
        """The what-if panel's title: which hard requirement costs the most."""
        out = Text("What-if: ", style="bold")
        costly = [r for r in self.rec.relaxation if r.removes]
        if costly:
            top = costly[0]
            out.append("Costliest: ")
            out.append_text(lit(top.requirement.label, "bold"))
            out.append(f" alone removes {top.removes}")
            if top.requirement.kind == "eligible" and self.profile.get("eligible") is None:
                out.append(" (added because the country is set)", style="dim")
        elif self.rec.relaxation:
            out.append("No single hard requirement alone removes an option.")
        else:
            out.append("No hard requirements yet.")
        return out

    @on(OptionList.OptionHighlighted, "#results-list")
    def show_summary(self) -> None:
        """Under the list: the highlighted option's whole name and summary, or what blocks it."""
        results = self.walk.query_one(ResultsList)
        option = results.highlighted_option
        a = results.assessment(option.id) if option else None
        summary = self.walk.query_one("#option-summary", Static)
        if a is None:
            text = Text("enter: open · space: mark · c: compare · ? help", style="dim")
            if option is not None and option.id == "build" and self.rec.build:
                text = Text("Build (custom development), the last resort: enter shows why, what to build on, its risks.")
            update_if_changed(summary, text)
            return
        text = lit(a.name, "bold")
        blocking = a.failed + (a.unknown if self.rec.strict else ())
        if blocking:
            text.append(" — blocked by ")
            text.append_text(lit("; ".join(f"{v.label}: {v.fact}" for v in blocking)))
        elif a.tool.summary:
            text.append(" — ")
            text.append_text(lit(a.tool.summary))
        update_if_changed(summary, text)

    @on(OptionList.OptionHighlighted, "#whatif")
    @on(OptionList.OptionHighlighted, "#constraint-list")
    @on(OptionList.OptionHighlighted, "#context-list")
    def describe_requirement(self, event: OptionList.OptionHighlighted) -> None:
        """Under a requirement list: what the highlighted requirement means and how it is set."""
        kind = event.option.id
        if kind not in KINDS:
            return
        target = {"whatif": "#option-summary", "constraint-list": "#constraints-about", "context-list": "#context-about"}[event.option_list.id]
        update_if_changed(self.walk.query_one(target, Static), requirement_text(kind, self.profile))

    def focus_moved(self, widget) -> None:
        """The line under the results follows the list in focus."""
        if widget.id == "results-list" and self.rec is not None:
            self.show_summary()
        elif widget.id in ("goals", "capabilities"):
            self.describe_in(widget)
        elif widget.id == "whatif":
            kind = widget.current
            if kind:
                update_if_changed(self.walk.query_one("#option-summary", Static), requirement_text(kind, self.profile))

    @on(OptionList.OptionHighlighted, "#goals")
    @on(OptionList.OptionHighlighted, "#capabilities")
    def describe_choice(self, event: OptionList.OptionHighlighted) -> None:
        """Under step 1: what the highlighted goal covers, or the capability's description."""
        focused = self.walk.focused
        if focused is not event.option_list and focused is not None and focused.id in ("goals", "capabilities"):
            return  # describe the list the person is in, not one redrawn beside it
        self.describe_in(event.option_list)

    def describe_in(self, check_list: CheckList) -> None:
        """Describe the highlighted goal or capability of a step-1 list."""
        option = check_list.highlighted_option
        if self.catalog is None or option is None:
            return
        value = option.id
        vocabulary = self.catalog.vocabulary
        if check_list.id == "goals":
            caps = [c.label for c in vocabulary.capabilities.values() if value in c.goals]
            text = Text(f"Goal {value}: ", style="bold")
            text.append_text(lit("capabilities such as " + ", ".join(caps) if caps else "no capability in the catalogue serves it yet"))
        else:
            cap = vocabulary.capabilities.get(value)
            text = lit(cap.label if cap else value, "bold")
            if cap and cap.description:
                text.append(" — ")
                text.append_text(lit(cap.description))
        update_if_changed(self.walk.query_one("#what-about", Static), text)

    # -- steps -------------------------------------------------------------------------------------
    def go(self, step: str) -> None:
        """Show a step."""
        # Drop focus first: a focused widget in the old pane would pull its tab back.
        self.walk.set_focus(None)
        self.walk.query_one("#steps", TabbedContent).active = step

    def action_next(self) -> None:
        """Next step."""
        step = self.current_step()
        if isinstance(self.screen, WalkScreen) and step != "results":
            self.go(STEPS[STEPS.index(step) + 1])

    def action_back(self) -> None:
        """Close the keys panel if it is open; otherwise the previous step."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
            return
        step = self.current_step()
        if step != "what":
            self.go(STEPS[STEPS.index(step) - 1])

    @on(TabbedContent.TabActivated)
    def step_shown(self, event: TabbedContent.TabActivated) -> None:
        """Focus the step's first control; draw results when they come into view."""
        step = event.pane.id
        if not self.walk.is_attached or not self.walk.query("#count") or step != self.current_step():
            return  # a late message for a step already left
        self.set_count()
        self.refresh_requirement_rows(step)
        if step == "what":
            self.fill_capabilities()
        if step == "results":
            self.refresh_results()
        self.call_after_refresh(self.focus_step, step)

    def refresh_requirement_rows(self, step: str) -> None:
        """Redraw the requirement rows of the step on screen; the others when they are shown."""
        pane = self.walk.query_one(f"#{step}")
        for widget in pane.query(RequirementList):
            widget.refresh_rows()

    def focus_step(self, step: str) -> None:
        """Focus the first control of a step, if it is still the one on screen."""
        # Focusing a widget in another pane would switch the tabs back to it.
        if step == self.current_step() and self.screen is self.walk:
            self.walk.set_focus(self.walk.query_one(STEP_FOCUS[step]))  # at once, not deferred

    # What for ------------------------------------------------------------------------------------
    def fill_capabilities(self) -> None:
        """The capability list for the search text and goals; chosen ones stay at the top."""
        if self.catalog is None:
            return
        vocabulary = self.catalog.vocabulary
        query = self.walk.query_one("#cap-search", Input).value
        goals = self.walk.query_one("#goals", CheckList).checked
        chosen = list(self.profile.capabilities)
        if query.strip():
            found = [c for c, _ in vocabulary.search(query, limit=CAPABILITY_ROWS)]
        else:
            found = list(vocabulary)
        if goals:
            found = [c for c in found if set(c.goals) & set(goals)]
        ids = chosen + [c.id for c in found if c.id not in chosen]
        items = []
        for cap_id in ids[: max(CAPABILITY_ROWS, len(chosen))]:
            cap = vocabulary.capabilities.get(cap_id)
            prompt = lit(cap.label if cap else cap_id)
            prompt.append_text(lit(f"  {cap_id}", "dim"))
            items.append((cap_id, prompt))
        self.walk.query_one("#capabilities", CheckList).set_items(items, chosen)

    @on(Input.Changed, "#cap-search")
    def capability_filter(self) -> None:
        """Typing narrows the capability list."""
        self.fill_capabilities()

    @on(CheckList.Changed, "#goals")
    def goals_changed(self, event: CheckList.Changed) -> None:
        """Goals narrow the capability list and, with no capability chosen, set the scope."""
        goals = tuple(g for g in GOALS if g in event.control.checked)
        if goals != self.profile.goals:
            self.update_profile(replace(self.profile, goals=goals))
        self.fill_capabilities()

    @on(Input.Submitted, "#cap-search")
    def toggle_top_capability(self) -> None:
        """Enter in the search box selects the best match."""
        chosen = list(self.profile.capabilities)
        best = next((value for value, _ in self.walk.query_one("#capabilities", CheckList).items if value not in chosen), None)
        if best is not None:
            self.set_capabilities(chosen + [best])

    @on(CheckList.Changed, "#capabilities")
    def capabilities_chosen(self, event: CheckList.Changed) -> None:
        """Ticked capabilities become the capabilities requirement."""
        self.set_capabilities(list(event.check_list.checked))

    def set_capabilities(self, after: list[str]) -> None:
        """The capabilities requirement (hard unless the user made it a preference)."""
        if after == list(self.profile.capabilities):
            return
        current = self.profile.get("capabilities")
        if not after:
            self.update_profile(self.profile.without("capabilities"))
            return
        hard, weight = (current.hard, current.weight) if current else (True, 1)
        self.update_profile(self.profile.with_requirement(Requirement("capabilities", tuple(after), hard, weight)))
        self.fill_capabilities()

    # Context -------------------------------------------------------------------------------------
    def sync_context(self) -> None:
        """Set the context controls from the profile (after loading one)."""
        ctx = self.profile.context
        walk = self.walk
        walk.query_one("#stance", CheckList).set_items([(s, Text(STANCE_LINES[s])) for s in STANCES], [ctx.stance])
        walk.query_one("#capacity", CheckList).set_items([(c, Text(c or "not stated")) for c in ("", *CAPACITY)], [ctx.ops_capacity])
        walk.query_one("#level", CheckList).set_items([(v, Text(v or "not stated")) for v in ("", *GOV_LEVELS)], [ctx.level])
        walk.query_one("#country", Input).value = ctx.country
        walk.query_one("#skills", Input).value = ", ".join(ctx.skills)
        walk.query_one("#control-code", CheckList).set_items(
            [("control", Text("The agency must control the code"))], ["control"] if self.profile.must_control_code else []
        )

    def set_context(self, **changes) -> None:
        ctx = replace(self.profile.context, **changes)
        if ctx != self.profile.context:
            self.update_profile(replace(self.profile, context=ctx))

    @on(CheckList.Changed, "#stance, #capacity, #level")
    def context_chosen(self, event: CheckList.Changed) -> None:
        """Stance, capacity and level are part of the context."""
        key = {"stance": "stance", "capacity": "ops_capacity", "level": "level"}[event.check_list.id]
        self.set_context(**{key: event.check_list.checked[0]})

    @on(Input.Changed, "#country")
    def country_typed(self, event: Input.Changed) -> None:
        """A valid country code (or none) sets the context; eligibility then applies."""
        code = event.value.strip().upper()
        if not code or (len(code) == 2 and is_location(code)):
            self.set_context(country=code)

    @on(Input.Changed, "#skills")
    def skills_typed(self, event: Input.Changed) -> None:
        """Comma-separated skills."""
        skills = tuple(dict.fromkeys(s.strip() for s in event.value.split(",") if s.strip()))
        self.set_context(skills=skills)

    # Building? -----------------------------------------------------------------------------------
    @on(CheckList.Changed, "#control-code")
    def control_code(self, event: CheckList.Changed) -> None:
        """Controlling the code justifies build."""
        value = bool(event.check_list.checked)
        if value != self.profile.must_control_code:
            self.update_profile(replace(self.profile, must_control_code=value))

    @on(Input.Submitted, "#unique")
    def add_unique(self, event: Input.Submitted) -> None:
        """A stated unique requirement justifies build."""
        text = event.value.strip()
        if text and text not in self.profile.unique_requirements:
            self.update_profile(replace(self.profile, unique_requirements=self.profile.unique_requirements + (text,)))
        event.input.value = ""

    @on(OptionList.OptionSelected, "#unique-list")
    def remove_unique(self, event: OptionList.OptionSelected) -> None:
        """Enter on a stated unique requirement removes it."""
        items = list(self.profile.unique_requirements)
        if 0 <= event.option_index < len(items):
            del items[event.option_index]
            self.update_profile(replace(self.profile, unique_requirements=tuple(items)))

    def sync_building(self) -> None:
        """The stated unique requirements and whether build is on the table."""
        walk = self.walk
        unique = walk.query_one("#unique-list", OptionList)
        unique.set_options([Option(lit(f"• {u}   (enter removes)")) for u in self.profile.unique_requirements])
        status = Text()
        if self.rec is not None and self.rec.build:
            status.append("Build is on the table:\n", style="bold")
            for reason in self.rec.build.reasons:
                status.append_text(lit(f"• {reason}\n"))
        elif self.rec is not None:
            status.append("Build: not justified. Share or buy options remain and no unique requirement is stated.")
        update_if_changed(walk.query_one("#build-status", Static), status)

    # -- detail, compare, save ---------------------------------------------------------------------
    def open_detail(self, option_id: str | None) -> None:
        """Every verdict, the score, risks and roles of one option (or of build)."""
        if self.rec is None:
            return
        stance = self.rec.profile.context.stance
        if option_id == "build" and self.rec.build:
            self.push_screen(DocumentScreen("Build (last resort)", build_document(self.rec, self.no_color)))
            return
        a = self.walk.query_one(ResultsList).assessment(option_id)
        if a is not None:
            self.push_screen(DocumentScreen(f"{a.name} — {a.step}", option_document(a, stance, self.rec.home, self.no_color)))

    def open_compare(self, a, b) -> None:
        """Two options side by side (the marking notice has done its job: it would cover the page)."""
        self.clear_notifications()
        self.push_screen(DocumentScreen(f"Compare: A {a.name}  ·  B {b.name}", compare_document(a, b, self.profile.context.stance, self.no_color)))

    def action_save_profile(self) -> None:
        """Save the profile as TOML: `sbb recommend --profile FILE` gives the same answer."""
        if self.catalog is None:
            return
        profile = self.profile

        def write(path: Path, _format: str, overwrite: bool) -> None:
            text = profile.to_toml()
            if overwrite:  # saving over a profile: keep its comments and layout
                from catalog.tomledit import rewrite_file

                text = rewrite_file(path, profile.to_toml_data(), text)
            write_atomic(path, text, overwrite=overwrite)

        def saved(path: Path | None) -> None:
            if path is not None:
                self.saved_profile = profile
                self.notify(f"Saved the profile to {path}", markup=False)

        self.push_screen(SaveScreen("profile (TOML)", "profile.toml", write), saved)

    def action_save_report(self) -> None:
        """Save the report as Markdown, JSON or a decision record."""
        if self.rec is None:
            return
        rec = self.rec

        def write(path: Path, fmt: str, overwrite: bool) -> None:
            write_atomic(path, FORMATS[fmt](rec), overwrite=overwrite)

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved the report to {path}", markup=False)

        self.push_screen(SaveScreen("report", REPORT_FILES["markdown"], write, tuple(REPORT_FILES)), saved)

    def action_toggle_strict(self) -> None:
        """Strict: options whose hard requirements are unknown are excluded, not 'to verify'."""
        self.strict = not self.strict
        self.update_profile(self.profile)

    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        for step in STEPS:
            yield SystemCommand(f"Go to {STEP_TITLES[step]}", f"Show step {STEP_TITLES[step]}", lambda step=step: self.go(step))
        yield SystemCommand("Save profile", "Save the requirements as TOML for `sbb recommend --profile`", self.action_save_profile)
        yield SystemCommand("Save report", "Markdown, JSON or a decision record", self.action_save_report)
        yield SystemCommand("Compare marked options", "Side by side (mark with space on the results)", lambda: self.walk.query_one(ResultsList).action_compare())
        yield SystemCommand("Toggle strict", "Exclude options whose hard requirements the catalogue cannot decide", self.action_toggle_strict)
