"""Step 1, What for: the agency's goals and the capabilities it needs."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static

from catalog.record import replace
from catalog.vocabulary import GOALS
from recommender.profile import Requirement
from tui.steps.base import Step, update_if_changed
from tui.text import lit
from tui.widgets import CheckList, SearchBox

CAPABILITY_ROWS = 40


class WhatStep(Step):
    """Goals narrow the capability list; ticked capabilities become the capabilities requirement."""

    STEP = "what"
    FIRST = "#cap-search"

    def compose_controls(self) -> ComposeResult:
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

    def catalogue_ready(self) -> None:
        self.query_one("#goals", CheckList).set_items([(g, Text(g)) for g in GOALS], list(self.profile.goals))
        self.fill_capabilities()

    def shown(self) -> None:
        super().shown()
        self.fill_capabilities()

    def on_descendant_focus(self, event) -> None:
        """The line under the lists describes the list in focus."""
        if event.widget.id in ("goals", "capabilities"):
            self.describe_in(event.widget)

    @on(OptionList.OptionHighlighted, "#goals")
    @on(OptionList.OptionHighlighted, "#capabilities")
    def describe_choice(self, event: OptionList.OptionHighlighted) -> None:
        """Under the lists: what the highlighted goal covers, or the capability's description."""
        focused = self.screen.focused
        if focused is not event.option_list and focused is not None and focused.id in ("goals", "capabilities"):
            return  # describe the list the person is in, not one redrawn beside it
        self.describe_in(event.option_list)

    def describe_in(self, check_list: CheckList) -> None:
        """Describe the highlighted goal or capability of one of the lists."""
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
        update_if_changed(self.query_one("#what-about", Static), text)

    def fill_capabilities(self) -> None:
        """The capability list for the search text and goals; chosen ones stay at the top."""
        if self.catalog is None:
            return
        vocabulary = self.catalog.vocabulary
        query = self.query_one("#cap-search", Input).value
        goals = self.query_one("#goals", CheckList).checked
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
        self.query_one("#capabilities", CheckList).set_items(items, chosen)

    @on(Input.Changed, "#cap-search")
    def capability_filter(self) -> None:
        """Typing narrows the capability list."""
        self.fill_capabilities()

    @on(CheckList.Changed, "#goals")
    def goals_changed(self, event: CheckList.Changed) -> None:
        """Goals narrow the capability list and, with no capability chosen, set the scope."""
        goals = tuple(g for g in GOALS if g in event.control.checked)
        if goals != self.profile.goals:
            self.propose(replace(self.profile, goals=goals))
        self.fill_capabilities()

    @on(Input.Submitted, "#cap-search")
    def toggle_top_capability(self) -> None:
        """Enter in the search box selects the best match."""
        chosen = list(self.profile.capabilities)
        best = next((value for value, _ in self.query_one("#capabilities", CheckList).items if value not in chosen), None)
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
            self.propose(self.profile.without("capabilities"))
            return
        hard, weight = (current.hard, current.weight) if current else (True, 1)
        self.propose(self.profile.with_requirement(Requirement("capabilities", tuple(after), hard, weight)))
        self.fill_capabilities()
