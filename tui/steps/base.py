"""What every step of the walk shares: the pane it lives in, and the requirement texts.

A step owns its controls and what they do: it reads the shared state (the profile, the
catalogue, the latest answer) from the App and hands a changed profile back to it with
`propose()`. The App tells each step when the walk starts on a catalogue, when the profile
changed and when an answer arrived; a step never talks to another step.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static, TabPane

from recommender.profile import Profile
from recommender.requirements import KINDS
from tui.text import lit
from tui.widgets import RequirementList

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
"""The requirement kinds step 3 asks beside the context."""
# Kinds the walk asks elsewhere or the engine adds itself.
_ASKED = {"capabilities", "eligible", *CONTEXT_KINDS, *(k for _, kinds in CONSTRAINT_GROUPS for k in kinds)}


def constraint_groups() -> list[tuple[str, tuple[str, ...]]]:
    """The constraint groups, plus any requirement kind the engine knows that the walk does not name."""
    other = tuple(k for k in KINDS if k not in _ASKED)
    return CONSTRAINT_GROUPS + ([("Other", other)] if other else [])


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


class Step(TabPane):
    """One step of the walk: a tab pane holding the step's controls and their logic."""

    STEP: ClassVar[str]
    """The step's id (one of STEPS); the pane's id too."""
    FIRST: ClassVar[str]
    """Selector of the control focused when the step is shown."""

    def __init__(self, built: bool = True, **kwargs):
        super().__init__(STEP_TITLES[self.STEP], id=self.STEP, **kwargs)
        self.built = built
        """Whether the step's controls exist: a step not on the first screen is built after it is drawn."""
        self._composing = built
        self._building = asyncio.Lock()

    def compose(self) -> ComposeResult:
        if self._composing:
            yield from self.compose_controls()

    def compose_controls(self) -> ComposeResult:
        """The step's controls."""
        raise NotImplementedError

    async def build(self) -> None:
        """Build the controls of a step left out of the first screen, set from the shared state."""
        async with self._building:  # once, however many ask at the same time
            if self.built:
                return
            if not self.is_attached:
                return  # the walk is being torn down (quitting before every step was built)
            self._composing = True
            await self.recompose()
            self.built = True
        if not self.is_attached:
            return
        on_screen = self.screen.current_step() == self.STEP
        if self.catalog is not None:
            self.catalogue_ready()
        self.profile_changed(on_screen)
        if self.rec is not None:
            self.answered(on_screen)

    # -- the shared state, held by the App --------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.app.profile

    @property
    def catalog(self):
        return self.app.catalog

    @property
    def rec(self):
        """The latest answer of the engine (None until it has answered once)."""
        return self.app.rec

    def propose(self, profile: Profile) -> None:
        """Hand a changed profile to the App, which recounts."""
        self.app.update_profile(profile)

    # -- told by the App ----------------------------------------------------------------------------
    def catalogue_ready(self) -> None:
        """The walk starts on a catalogue, with `self.profile` as its answers: set the controls."""

    def profile_changed(self, on_screen: bool) -> None:
        """The profile changed (the engine is recounting): redraw what shows it now."""
        if on_screen:
            self.refresh_rows()

    def answered(self, on_screen: bool) -> None:
        """A new answer of the engine is in `self.rec`."""

    def shown(self) -> None:
        """The step came on screen."""
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Redraw the requirement rows of this step."""
        for widget in self.query(RequirementList):
            widget.refresh_rows()

    def describe_requirement(self, kind: str, target: str) -> None:
        """Under a requirement list: what the highlighted requirement means and how it is set."""
        if kind in KINDS:
            update_if_changed(self.query_one(target, Static), requirement_text(kind, self.profile))
