"""The app: a guided walk (What for → Constraints → Context → Building? → Results) over the engine.

The App is the wiring: it builds the walk (`tui.walk`) whose steps (`tui.steps`) hold their own
controls and logic; it holds the shared state (the profile, the catalogue, the engine's latest
answer), reads the catalogue and runs the engine off the UI thread, and tells the steps when
the profile changed or an answer arrived. Saving, quitting and help are the App's own.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import TabbedContent
from textual.worker import get_current_worker

from catalog.files import write_atomic
from recommender.engine import Judge
from recommender.exits import BAD_INPUT, OK
from recommender.profile import Profile, read_profile
from recommender.render import FORMATS
from tui.help import HelpScreen
from tui.screens import REPORT_FILES, ErrorScreen, QuitScreen, SaveScreen
from tui.steps import STEP_TITLES, STEPS
from tui.walk import WalkScreen


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
        self._drawn = threading.Event()  # set once the walk is first on screen
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
            # The worker starts now but reads once the walk is drawn: reading thousands of
            # files holds the GIL for seconds.
            self.load_catalogue()

    @work(thread=True, exclusive=True, group="load")
    def load_catalogue(self) -> None:
        """Read the catalogues off the UI thread: the first screen never waits for them."""
        from recommender.catalogs import load_for_cli

        self._drawn.wait(timeout=1.0)  # a screen never drawn (a failed start) does not hold it back for long
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
        self.update_profile(start)
        for step in self.walk.steps():
            step.catalogue_ready()
        wanted = "results" if start.requirements else "what"
        if self.current_step() != wanted:
            self.go(wanted)

    def _painted(self) -> None:
        if self.first_paint is None:
            self.first_paint = time.perf_counter()
            self._drawn.set()
            # The steps not on screen are built now, not before the first screen.
            self.run_worker(self.walk.build_hidden(), group="steps", exclusive=True)

    def action_quit_bad_input(self) -> None:
        """Leave with the bad-input exit code."""
        self.exit_code = BAD_INPUT
        self.exit(BAD_INPUT)

    # -- engine --------------------------------------------------------------------------------
    def update_profile(self, profile: Profile) -> None:
        """Take a new answer: each step redraws what shows it now; the engine recounts in a worker."""
        self.profile = profile
        self.generation += 1
        self.answered_at = time.perf_counter()
        current = self.current_step()
        for step in self.walk.steps():
            step.profile_changed(step.id == current)
        if self.catalog is not None:
            # Say "counting" only if the answer is slow to come: a redraw costs a frame.
            self.set_timer(0.15, partial(self.mark_stale, self.generation))
            self.run_engine(profile, self.generation)

    def mark_stale(self, generation: int) -> None:
        """Show that the count is being worked out, if that answer has not arrived yet."""
        if generation == self.generation and (self.rec is None or self.shown_count != generation):
            self.stale_generation = generation
            self.walk.set_count()

    def updating(self) -> bool:
        """Whether the count on screen is older than the answers and was slow to be replaced."""
        return self.stale_generation == self.generation and self.shown_count != self.generation

    @work(thread=True, exclusive=True, group="engine")
    def run_engine(self, profile: Profile, generation: int) -> None:
        """Recommend off the UI thread; a newer answer cancels this one."""
        rec = self.judge.recommend(profile, self.strict)
        worker = get_current_worker()
        # The engine may judge options when they are first read: read them all here, off the UI
        # thread (the count line and the results need each one's tier).
        for _ in rec.options:
            if worker.is_cancelled:
                return
        if not worker.is_cancelled:
            self.call_from_thread(self.show_recommendation, generation, rec)

    def show_recommendation(self, generation: int, rec) -> None:
        """Show an engine answer unless a newer answer has been asked for since."""
        if generation != self.generation:
            return
        self.rec = rec
        self.shown_count = generation
        self.walk.set_count()
        current = self.current_step()
        for step in self.walk.steps():
            step.answered(step.id == current)

    def refresh_results(self) -> None:
        """Redraw the results step from the latest answer."""
        if self.rec is None or not self.is_mounted:
            return
        results = self.walk.step("results")
        if not results.built:
            return  # drawn when it is built
        results.draw()
        self.shown_generation = self.generation
        self.call_after_refresh(self._answer_shown, self.generation)

    def _answer_shown(self, generation: int) -> None:
        if generation == self.generation:
            self.refresh_ms = (time.perf_counter() - self.answered_at) * 1000

    # -- steps -------------------------------------------------------------------------------------
    def current_step(self) -> str:
        """The step on screen ("what" while the walk is being built or torn down)."""
        return self.walk.current_step()

    def go(self, step: str) -> None:
        """Show a step."""
        self.walk.go(step)

    def action_next(self) -> None:
        """Next step."""
        if isinstance(self.screen, WalkScreen):
            self.walk.go_next()

    def action_back(self) -> None:
        """Close the keys panel if it is open; otherwise the previous step."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
            return
        self.walk.go_back()

    @on(TabbedContent.TabActivated)
    async def step_shown(self, event: TabbedContent.TabActivated) -> None:
        """Tell the step it is on screen (building it first if it is not yet), then focus its first control."""
        step = event.pane.id
        if not self.walk.is_attached or not self.walk.query("#count") or step != self.current_step():
            return  # a late message for a step already left
        pane = self.walk.step(step)
        if not pane.built:
            await pane.build()
            if not self.walk.is_attached or step != self.current_step():
                return
        self.walk.set_count()
        pane.shown()
        self.call_after_refresh(self.walk.focus_step, step)

    # -- detail, compare, save ---------------------------------------------------------------------
    def open_detail(self, option_id: str | None) -> None:
        """Every verdict, the score, risks and roles of one option (or of build)."""
        self.walk.step("results").open_detail(option_id)

    def open_compare(self, a, b) -> None:
        """Two options side by side."""
        self.walk.step("results").open_compare(a, b)

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
        yield SystemCommand("Compare marked options", "Side by side (mark with space on the results)", lambda: self.walk.step("results").compare_marked())
        yield SystemCommand("Toggle strict", "Exclude options whose hard requirements the catalogue cannot decide", self.action_toggle_strict)
