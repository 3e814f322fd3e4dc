"""Counts over a catalogue: by area, origin and step, and how many facts are unknown."""

from __future__ import annotations

from collections import Counter

from catalog.lint import MAIN_FACTS
from catalog.model import Catalog
from catalog.schema import FACT_KEYS, ORIGINS, STEP_OF_ORIGIN


def stats(catalog: Catalog) -> dict:
    """Catalogue statistics as plain data (also the JSON of `sbb catalog stats`)."""
    vocab = catalog.vocabulary
    areas: dict[str, dict[str, int]] = {}
    origins: Counter = Counter()
    steps: Counter = Counter()
    known: Counter = Counter()
    options = 0
    for tool in catalog:
        tool_areas = sorted({vocab.capabilities[c].area for c in tool.capabilities if c in vocab.capabilities})
        for area in tool_areas:
            row = areas.setdefault(area, {"tools": 0, "share": 0, "buy": 0})
            row["tools"] += 1
            for option in tool.options:
                row[option.step] += 1
        for option in tool.options:
            options += 1
            origins[option.origin] += 1
            steps[option.step] += 1
            for key in option.facts:
                known[key] += 1
    facts_total = options * len(FACT_KEYS)
    facts_known = sum(known.values())
    return {
        "tools": len(catalog),
        "options": options,
        "by_area": {area: areas[area] for area in sorted(areas)},
        "by_origin": {o: origins[o] for o in ORIGINS},
        "by_step": {s: steps[s] for s in ("share", "buy")},
        "facts": {
            "possible": facts_total,
            "known": facts_known,
            "unknown": facts_total - facts_known,
            "unknown_by_fact": {key: options - known[key] for key in FACT_KEYS},
            # The facts the main requirements read (see catalog.lint.MAIN_FACTS).
            "main_possible": options * len(MAIN_FACTS),
            "main_unknown": sum(options - known[key] for key in MAIN_FACTS),
        },
        "steps_of_origins": dict(STEP_OF_ORIGIN),
    }
