"""Step 5, Results: the answer, the options share → buy → build, and the what-if panel."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static

from recommender.render import one_line
from tui.help import legend
from tui.screens import DocumentScreen, build_document, compare_document, option_document
from tui.steps.base import Step, requirement_text, update_if_changed
from tui.text import lit
from tui.widgets import RequirementList, ResultsList


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


class ResultsStep(Step):
    """The latest answer drawn: headline, a window of the options, one line on the highlighted
    row, and the requirements to play what-if with."""

    STEP = "results"
    FIRST = "#results-list"

    def compose_controls(self) -> ComposeResult:
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

    def profile_changed(self, on_screen: bool) -> None:
        # With a catalogue, the what-if rows are redrawn with the new answer: one frame, not two.
        if on_screen and self.catalog is None:
            self.refresh_rows()

    def answered(self, on_screen: bool) -> None:
        if on_screen:
            self.refresh_rows()
            self.app.refresh_results()

    def shown(self) -> None:
        super().shown()
        self.app.refresh_results()

    def draw(self) -> None:
        """Redraw the step from the latest answer."""
        rec = self.rec
        results = self.query_one(ResultsList)
        results.show(rec)
        update_if_changed(self.query_one("#results-header", Static), results.header())
        update_if_changed(self.query_one("#insight", Static), self.insight())
        width = self.screen.size.width
        update_if_changed(self.query_one("#answer", Static), answer_text(rec, width - 2))
        width = results.scrollable_content_region.width or width
        update_if_changed(self.query_one("#legend", Static), Text("\n".join(legend(width)), style="dim"))
        self.show_summary()

    def insight(self) -> Text:
        """The what-if panel's title: which hard requirement costs the most."""
        out = Text("What-if: ", style="bold")
        rec = self.rec
        costly = [r for r in rec.relaxation if r.removes]
        if costly:
            top = costly[0]
            out.append("Costliest: ")
            out.append_text(lit(top.requirement.label, "bold"))
            out.append(f" alone removes {top.removes}")
            if top.requirement.kind == "eligible" and self.profile.get("eligible") is None:
                out.append(" (added because the country is set)", style="dim")
        elif rec.relaxation:
            out.append("No single hard requirement alone removes an option.")
        else:
            out.append("No hard requirements yet.")
        return out

    def on_descendant_focus(self, event) -> None:
        """The line under the results follows the list in focus."""
        widget = event.widget
        if widget.id == "results-list" and self.rec is not None:
            self.show_summary()
        elif widget.id == "whatif":
            kind = widget.current
            if kind:
                update_if_changed(self.query_one("#option-summary", Static), requirement_text(kind, self.profile))

    @on(OptionList.OptionHighlighted, "#results-list")
    def show_summary(self) -> None:
        """Under the list: the highlighted option's whole name and summary, or what blocks it."""
        results = self.query_one(ResultsList)
        option = results.highlighted_option
        a = results.assessment(option.id) if option else None
        summary = self.query_one("#option-summary", Static)
        rec = self.rec
        if a is None:
            text = Text("enter: open · space: mark · c: compare · ? help", style="dim")
            if option is not None and option.id == "build" and rec.build:
                text = Text("Build (custom development), the last resort: enter shows why, what to build on, its risks.")
            update_if_changed(summary, text)
            return
        text = lit(a.name, "bold")
        blocking = a.failed + (a.unknown if rec.strict else ())
        if blocking:
            text.append(" — blocked by ")
            text.append_text(lit("; ".join(f"{v.label}: {v.fact}" for v in blocking)))
        elif a.tool.summary:
            text.append(" — ")
            text.append_text(lit(a.tool.summary))
        update_if_changed(summary, text)

    @on(OptionList.OptionHighlighted, "#whatif")
    def describe(self, event: OptionList.OptionHighlighted) -> None:
        """Under the list: what the highlighted requirement means and how it is set."""
        self.describe_requirement(event.option.id, "#option-summary")

    # -- pages opened from the results -----------------------------------------------------------
    def open_detail(self, option_id: str | None) -> None:
        """Every verdict, the score, risks and roles of one option (or of build)."""
        rec = self.rec
        if rec is None or not self.built:
            return
        mono = self.app.no_color
        if option_id == "build" and rec.build:
            self.app.push_screen(DocumentScreen("Build (last resort)", build_document(rec, mono)))
            return
        a = self.query_one(ResultsList).assessment(option_id)
        if a is not None:
            self.app.push_screen(DocumentScreen(f"{a.name} — {a.step}", option_document(a, rec.profile.context.stance, rec.home, mono)))

    def compare_marked(self) -> None:
        """Compare the two marked options (or the marked and the highlighted one)."""
        if self.built:
            self.query_one(ResultsList).action_compare()

    def open_compare(self, a, b) -> None:
        """Two options side by side (the marking notice has done its job: it would cover the page)."""
        self.app.clear_notifications()
        page = compare_document(a, b, self.profile.context.stance, self.app.no_color)
        self.app.push_screen(DocumentScreen(f"Compare: A {a.name}  ·  B {b.name}", page))
