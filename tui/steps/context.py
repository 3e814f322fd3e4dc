"""Step 3, Context: the agency's ICT stance, capacity, level, sectors, country and skills."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static

from catalog.countries import is_location
from catalog.record import replace
from catalog.schema import GOV_LEVELS, SECTORS
from recommender.profile import CAPACITY, STANCES
from recommender.stance import STANCE_LINES
from tui.steps.base import CONTEXT_KINDS, Step
from tui.widgets import CheckList, RequirementList


class ContextStep(Step):
    """The context of the profile, and the resourcing requirements that follow from it."""

    STEP = "context"
    FIRST = "#stance"

    def compose_controls(self) -> ComposeResult:
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
                with Vertical():
                    yield Label("Sectors (functions of government)")
                    yield CheckList(id="sectors")
            with Horizontal(classes="inputs"):
                yield Input(placeholder="country, e.g. AU", id="country", max_length=3)
                yield Input(placeholder="skills, e.g. python, docker", id="skills")
            yield Label("Resourcing requirements")
            yield RequirementList([("", CONTEXT_KINDS)], id="context-list")
            yield Static(id="context-about", classes="about")

    def catalogue_ready(self) -> None:
        """Set the context controls from the profile."""
        ctx = self.profile.context
        self.query_one("#stance", CheckList).set_items([(s, Text(STANCE_LINES[s])) for s in STANCES], [ctx.stance])
        self.query_one("#capacity", CheckList).set_items([(c, Text(c or "not stated")) for c in ("", *CAPACITY)], [ctx.ops_capacity])
        self.query_one("#level", CheckList).set_items([(v, Text(v or "not stated")) for v in ("", *GOV_LEVELS)], [ctx.level])
        self.query_one("#sectors", CheckList).set_items([(v, Text(v.replace("-", " "))) for v in SECTORS], list(ctx.sectors))
        self.query_one("#country", Input).value = ctx.country
        self.query_one("#skills", Input).value = ", ".join(ctx.skills)

    def set_context(self, **changes) -> None:
        ctx = replace(self.profile.context, **changes)
        if ctx != self.profile.context:
            self.propose(replace(self.profile, context=ctx))

    @on(CheckList.Changed, "#stance, #capacity, #level")
    def context_chosen(self, event: CheckList.Changed) -> None:
        """Stance, capacity and level are part of the context."""
        key = {"stance": "stance", "capacity": "ops_capacity", "level": "level"}[event.check_list.id]
        self.set_context(**{key: event.check_list.checked[0]})

    @on(CheckList.Changed, "#sectors")
    def sectors_chosen(self, event: CheckList.Changed) -> None:
        """The agency's functions: a service open only to some sectors is judged by them."""
        self.set_context(sectors=tuple(v for v in SECTORS if v in event.check_list.checked))

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

    @on(OptionList.OptionHighlighted, "#context-list")
    def describe(self, event: OptionList.OptionHighlighted) -> None:
        """Under the list: what the highlighted requirement means and how it is set."""
        self.describe_requirement(event.option.id, "#context-about")
