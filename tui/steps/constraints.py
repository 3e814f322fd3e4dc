"""Step 2, Constraints: the requirements an option must or should meet, in groups."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static

from tui.steps.base import Step, constraint_groups
from tui.widgets import RequirementList


class ConstraintsStep(Step):
    """Every requirement kind, off / must / prefer, with what the highlighted one means."""

    STEP = "constraints"
    FIRST = "#constraint-list"

    def compose_controls(self) -> ComposeResult:
        yield Static("space or enter: off → must → prefer · h must/prefer · +/- weight · e edit value · x off · ? help", classes="help")
        yield RequirementList(constraint_groups(), id="constraint-list")
        yield Static(id="constraints-about", classes="about")

    @on(OptionList.OptionHighlighted, "#constraint-list")
    def describe(self, event: OptionList.OptionHighlighted) -> None:
        """Under the list: what the highlighted requirement means and how it is set."""
        self.describe_requirement(event.option.id, "#constraints-about")
