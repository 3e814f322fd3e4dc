"""The walk: the live count line above the five steps, key hints below, and moving between steps."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent

from tui.steps import STEP_CLASSES, STEP_TITLES, STEPS, Step
from tui.steps.base import update_if_changed

WIDE = 170
"""Columns from which the what-if panel sits beside the results (below that, under them, so
option names keep the whole width)."""
TALL = 32
"""Rows from which the step tabs are shown (below, the count line names the step)."""
MIN_SIZE = (64, 18)
"""Below this the walk cannot show its parts: a notice says so instead."""


class WalkScreen(Screen):
    """The five steps, the live count above them, key hints below."""

    AUTO_FOCUS = None  # each step focuses its own first control; auto-focus would pull back to step 1

    def __init__(self, initial: str = "what", **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def compose(self) -> ComposeResult:
        yield Static(Text("reading the catalogue…"), id="count")
        with TabbedContent(id="steps", initial=self.initial):
            for step in STEP_CLASSES:
                yield step(built=step.STEP == self.initial)  # the others are built once this is drawn
        yield Footer(show_command_palette=False, compact=True)
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.app.start()

    def on_resize(self, event) -> None:
        """Side by side when very wide, else stacked (names keep the whole width)."""
        self.set_class(event.size.width < WIDE, "narrow")
        self.set_class(event.size.height < TALL, "short")  # the step tabs give way; the count line names the step
        self.set_count()
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

    # -- the steps ---------------------------------------------------------------------------------
    def steps(self) -> list[Step]:
        """The step panes whose controls are built, in walk order (none while the walk is torn down)."""
        return [step for step in self.query(Step) if step.built]

    async def build_hidden(self) -> None:
        """Build the steps left out of the first screen, one at a time, in walk order."""
        for step in list(self.query(Step)):
            if not self.is_attached:
                return
            await step.build()

    def step(self, step_id: str) -> Step:
        return self.query_one(f"#{step_id}", Step)

    def current_step(self) -> str:
        """The step on screen ("what" while the walk is being built or torn down)."""
        try:
            return self.query_one("#steps", TabbedContent).active or "what"
        except NoMatches:
            return "what"

    def go(self, step: str) -> None:
        """Show a step."""
        # Drop focus first: a focused widget in the old pane would pull its tab back.
        self.set_focus(None)
        self.query_one("#steps", TabbedContent).active = step

    def go_next(self) -> None:
        step = self.current_step()
        if step != STEPS[-1]:
            self.go(STEPS[STEPS.index(step) + 1])

    def go_back(self) -> None:
        step = self.current_step()
        if step != STEPS[0]:
            self.go(STEPS[STEPS.index(step) - 1])

    def focus_step(self, step: str) -> None:
        """Focus the first control of a step, if it is still the one on screen."""
        # Focusing a widget in another pane would switch the tabs back to it.
        pane = self.step(step)
        if step == self.current_step() and self.app.screen is self and pane.built:
            self.set_focus(pane.query_one(pane.FIRST))  # at once, not deferred

    # -- the count line ------------------------------------------------------------------------------
    def set_count(self) -> None:
        """The live count line; "(updating…)" only while a slow answer is still being worked out."""
        try:
            count = self.query_one("#count", Static)
        except NoMatches:
            return  # the walk is being torn down (a late timer while quitting)
        app = self.app
        rec = app.rec
        line = Text()
        step = self.current_step()
        line.append(f" Step {STEP_TITLES[step].replace(' ', '/5 ', 1)} ", style="reverse")
        line.append(" ")
        if rec is None:
            line.append("counting…" if app.catalog is not None else "reading the catalogue…")
        else:
            summary = rec.summary()
            if len(line.plain) + len(summary) > self.size.width - 2:
                summary = re.sub(r" \(\d+ share · \d+ buy\)", "", summary)  # each row names its step
            line.append(summary, style="bold")
            of = f"  of {rec.total_options} in the catalogue"
            if len(line.plain) + len(of) + 14 <= self.size.width:  # room kept for strict and updating
                line.append(of)
            if rec.strict:
                line.append(" · strict")
        if app.updating() and rec is not None:
            line.append("  (updating…)", style="italic")
        update_if_changed(count, line)
