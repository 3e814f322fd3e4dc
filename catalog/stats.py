"""Counts over a catalogue: by area, origin and step, and how many facts are unknown.

The deciding facts are the ones most answers turn on: full export, API, webhooks, SSO, ops
effort, cost model and licence for every option, and for hosted options also residency and
security assurance (certifications or assessments). Their unknown share is measured per step
(share, buy), for buy and cross-agency options together (the ones an agency cannot inspect
itself), and overall. A fact counts as known when it is stated; a stated `false` or empty
list only with a source, since "none" is a claim like any other.
"""

from __future__ import annotations

from collections import Counter

from catalog.lint import MAIN_FACTS
from catalog.model import Catalog, Option
from catalog.schema import FACT_KEYS, ORIGINS, STEP_OF_ORIGIN


# (name, the fact keys that state it): the first is known when any of its keys is.
DECIDING_FACTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("full_export", ("data.full_export",)),
    ("api", ("integration.api",)),
    ("webhooks", ("integration.webhooks",)),
    ("sso", ("integration.sso",)),
    ("ops_effort", ("resourcing.ops_effort",)),
    ("cost_model", ("cost.model",)),
    ("licence", ("lock_in.licence",)),
)
HOSTED_DECIDING_FACTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("residency", ("data.residency",)),
    ("assurance", ("assurance.certifications", "assurance.assessments")),
)
# The groups the unknown share is reported for, and which options each takes.
GROUPS = {
    "share": lambda o: o.step == "share",
    "buy": lambda o: o.step == "buy",
    "buy_and_cross_agency": lambda o: o.step == "buy" or o.origin == "cross-agency",
    "overall": lambda o: True,
}


def is_known(option: Option, keys: tuple[str, ...]) -> bool:
    """Whether the option states any of the facts; `false` or `[]` count only with a source."""
    for key in keys:
        fact = option.fact(key)
        if fact is None:
            continue
        empty = fact.value is False or (isinstance(fact.value, tuple) and not fact.value)
        if fact.sources or not empty:
            return True
    return False


def deciding_facts_of(option: Option) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The deciding facts measured for an option: residency and assurance only when hosted."""
    return DECIDING_FACTS + (HOSTED_DECIDING_FACTS if option.deployment == "hosted" else ())


def unknown_deciding(option: Option) -> list[str]:
    """The names of the option's deciding facts the catalogue does not state."""
    return [name for name, keys in deciding_facts_of(option) if not is_known(option, keys)]


def deciding(catalog: Catalog) -> dict:
    """The unknown share of the deciding facts per group of options, and per fact."""
    names = [name for name, _ in (*DECIDING_FACTS, *HOSTED_DECIDING_FACTS)]
    out = {
        group: {"options": 0, "possible": 0, "unknown": 0, "unknown_share": 0.0, "unknown_by_fact": dict.fromkeys(names, 0)}
        for group in GROUPS
    }
    for tool in catalog:
        for option in tool.options:
            facts = deciding_facts_of(option)
            unknown = unknown_deciding(option)
            for group, takes in GROUPS.items():
                if not takes(option):
                    continue
                row = out[group]
                row["options"] += 1
                row["possible"] += len(facts)
                row["unknown"] += len(unknown)
                for name in unknown:
                    row["unknown_by_fact"][name] += 1
    for row in out.values():
        row["unknown_share"] = round(row["unknown"] / row["possible"], 4) if row["possible"] else 0.0
    return out


def gaps(catalog: Catalog) -> list[dict]:
    """The options with deciding facts unknown, and which: where researching a fact helps most
    first — buy and cross-agency options (those an agency cannot inspect itself), then the
    most facts unknown, then by id."""
    rows = []
    for tool in catalog:
        for option in tool.options:
            unknown = unknown_deciding(option)
            if unknown:
                rows.append({
                    "option": f"{tool.id}/{option.id}",
                    "name": option.name,
                    "step": option.step,
                    "origin": option.origin,
                    "deployment": option.deployment,
                    "buy_or_cross_agency": GROUPS["buy_and_cross_agency"](option),
                    "unknown": unknown,
                    "of": len(deciding_facts_of(option)),
                })
    rows.sort(key=lambda r: (not r["buy_or_cross_agency"], -len(r["unknown"]), r["option"]))
    return rows


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
        "deciding_facts": {
            "facts": [name for name, _ in DECIDING_FACTS],
            "hosted_facts": [name for name, _ in HOSTED_DECIDING_FACTS],
            **deciding(catalog),
        },
        "steps_of_origins": dict(STEP_OF_ORIGIN),
    }
