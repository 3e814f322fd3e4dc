"""Step 4, Building?: what would justify building, and whether build is on the table."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from catalog.record import replace
from tui.steps.base import Step, update_if_changed
from tui.text import lit
from tui.widgets import CheckList


class BuildingStep(Step):
    """Controlling the code and stated unique requirements justify build; the status says if it is."""

    STEP = "building"
    FIRST = "#control-code"

    def compose_controls(self) -> ComposeResult:
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

    def catalogue_ready(self) -> None:
        self.query_one("#control-code", CheckList).set_items(
            [("control", Text("The agency must control the code"))], ["control"] if self.profile.must_control_code else []
        )

    # Redrawn only while on screen (and when shown): an answer on another step costs it nothing.
    def profile_changed(self, on_screen: bool) -> None:
        super().profile_changed(on_screen)
        if on_screen:
            self.sync()

    def answered(self, on_screen: bool) -> None:
        if on_screen:
            self.sync()

    def shown(self) -> None:
        super().shown()
        self.sync()

    @on(CheckList.Changed, "#control-code")
    def control_code(self, event: CheckList.Changed) -> None:
        """Controlling the code justifies build."""
        value = bool(event.check_list.checked)
        if value != self.profile.must_control_code:
            self.propose(replace(self.profile, must_control_code=value))

    @on(Input.Submitted, "#unique")
    def add_unique(self, event: Input.Submitted) -> None:
        """A stated unique requirement justifies build."""
        text = event.value.strip()
        if text and text not in self.profile.unique_requirements:
            self.propose(replace(self.profile, unique_requirements=self.profile.unique_requirements + (text,)))
        event.input.value = ""

    @on(OptionList.OptionSelected, "#unique-list")
    def remove_unique(self, event: OptionList.OptionSelected) -> None:
        """Enter on a stated unique requirement removes it."""
        items = list(self.profile.unique_requirements)
        if 0 <= event.option_index < len(items):
            del items[event.option_index]
            self.propose(replace(self.profile, unique_requirements=tuple(items)))

    def sync(self) -> None:
        """The stated unique requirements and whether build is on the table."""
        unique = self.query_one("#unique-list", OptionList)
        unique.set_options([Option(lit(f"• {u}   (enter removes)")) for u in self.profile.unique_requirements])
        status = Text()
        rec = self.rec
        if rec is not None and rec.build:
            status.append("Build is on the table:\n", style="bold")
            for reason in rec.build.reasons:
                status.append_text(lit(f"• {reason}\n"))
        elif rec is not None:
            status.append("Build: not justified. Share or buy options remain and no unique requirement is stated.")
        update_if_changed(self.query_one("#build-status", Static), status)
