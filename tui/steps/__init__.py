"""The five steps of the walk, one module each: What for → Constraints → Context → Building? → Results."""

from __future__ import annotations

from tui.steps.base import STEP_TITLES, STEPS, Step
from tui.steps.building import BuildingStep
from tui.steps.constraints import ConstraintsStep
from tui.steps.context import ContextStep
from tui.steps.results import ResultsStep
from tui.steps.what import WhatStep

STEP_CLASSES: tuple[type[Step], ...] = (WhatStep, ConstraintsStep, ContextStep, BuildingStep, ResultsStep)
"""The steps in walk order."""

__all__ = ["STEPS", "STEP_TITLES", "STEP_CLASSES", "Step", "WhatStep", "ConstraintsStep", "ContextStep", "BuildingStep", "ResultsStep"]
