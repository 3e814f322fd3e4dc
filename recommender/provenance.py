"""Which catalogue sources a verdict rests on, and whether any other source disputes it.

A requirement's check reads one or more facts of an option. When a verdict is made, the check
is run once more on a view of the option that notes each fact it reads (the hot loop that
ranks thousands of options never pays for this): the facts read, with the sources stating
them (`Fact.origins`) and the other claims (`Fact.conflicts`), are the verdict's provenance.
"""

from __future__ import annotations

from typing import Any

from catalog.model import Fact, Option, Tool
from catalog.record import record, replace


@record(frozen=True)
class FactProvenance:
    """One fact a verdict rests on: who states the value read, and who states something else."""

    __slots__ = ("key", "value", "stated_by", "disputed_by")
    key: str  # `section.fact`, e.g. `lock_in.exit_cost`
    value: Any
    stated_by: tuple[str, ...]  # catalogue sources stating `value`, the one read first
    disputed_by: tuple[tuple[Any, tuple[str, ...]], ...]  # (other value, sources stating it)

    def __init__(
        self, key: str, value: Any, stated_by: tuple[str, ...],
        disputed_by: tuple[tuple[Any, tuple[str, ...]], ...] = (),
    ) -> None:
        set_key, set_value, set_stated_by, set_disputed_by = self.__record_setters__
        set_key(self, key)
        set_value(self, value)
        set_stated_by(self, stated_by)
        set_disputed_by(self, disputed_by)

    @property
    def disputed(self) -> bool:
        """Another source states a different value."""
        return bool(self.disputed_by)

    def dispute(self) -> str:
        """The disagreement in words: `lock_in.exit_cost: low per a; medium per b`."""
        claims = [(self.value, self.stated_by), *self.disputed_by]
        return f"{self.key}: " + "; ".join(f"{_show(v)} per {', '.join(s) or 'unknown source'}" for v, s in claims)

    def as_dict(self) -> dict:
        """As JSON-ready data."""
        return {
            "fact": self.key,
            "value": _plain(self.value),
            "stated_by": list(self.stated_by),
            "conflicts": [{"value": _plain(v), "stated_by": list(s)} for v, s in self.disputed_by],
        }


def of_fact(key: str, fact: Fact) -> FactProvenance:
    """A fact's provenance as federation recorded it."""
    stated = fact.origins or ((fact.origin,) if fact.origin else ())
    if not fact.conflicts:
        return FactProvenance(key, fact.value, tuple(stated))
    others: dict[Any, list[str]] = {}
    for value, origin in fact.conflicts:
        group = others.setdefault(_key(value), [value])
        if origin not in group[1:]:
            group.append(origin)
    return FactProvenance(key, fact.value, tuple(stated), tuple((g[0], tuple(g[1:])) for g in others.values()))


class _Noting(dict):
    """An option's facts that note every key read."""

    __slots__ = ("read",)

    def __init__(self, facts: dict):
        super().__init__(facts)
        self.read: dict[str, None] = {}

    def get(self, key, default=None):
        self.read[key] = None
        return super().get(key, default)

    def __getitem__(self, key):
        self.read[key] = None
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read[key] = None
        return super().__contains__(key)


def facts_read(evaluate, value: Any, tool: Tool, option: Option, context: Any) -> tuple[FactProvenance, ...]:
    """The stated facts a requirement's check reads on one option, with their provenance."""
    return facts_read_all(((evaluate, value),), tool, option, context)[0]


TOOL_CLAIMS = ("name", "capabilities")  # what a tool is, claimed by each source listing it


class _NotingTool:
    """A tool that notes which of its claimed attributes (name, capabilities) a check reads."""

    __slots__ = ("_tool", "read")

    def __init__(self, tool: Tool):
        self._tool = tool
        self.read: dict[str, None] = {}

    def __getattr__(self, name: str):
        if name in TOOL_CLAIMS:
            self.read[name] = None
        return getattr(self._tool, name)


def tool_claim(tool: Tool, key: str) -> FactProvenance:
    """A tool-level claim (`name`, `capabilities`) with the sources stating it and the others."""
    for claimed, claims in tool.claims:
        if claimed == key and claims:
            (value, stated), *others = claims
            return FactProvenance(key, value, tuple(stated), tuple((v, tuple(s)) for v, s in others))
    stated = tool.origins or ((tool.origin,) if tool.origin else ())
    return FactProvenance(key, getattr(tool, key), tuple(stated))


def facts_read_all(checks, tool: Tool, option: Option, context: Any) -> list[tuple[FactProvenance, ...]]:
    """`facts_read` for several (evaluate, value) checks on one option: one noting view for all.

    A check reading what the tool is (its capabilities, its name) rests on the tool's claims.
    """
    facts = option.facts
    noting = _Noting(facts)
    view = replace(option, facts=noting)
    noting_tool = _NotingTool(tool)
    out = []
    for evaluate, value in checks:
        noting.read = {}
        noting_tool.read = {}
        evaluate(value, noting_tool, view, context)
        found = tuple(tool_claim(tool, key) for key in noting_tool.read)
        out.append(found + tuple(_provenance(key, facts[key]) for key in noting.read if key in facts))
    return out


_SEEN: dict[int, tuple[Fact, FactProvenance]] = {}


def _provenance(key: str, fact: Fact) -> FactProvenance:
    """`of_fact`, remembered per fact object (the same facts are read for every requirement)."""
    hit = _SEEN.get(id(fact))
    if hit is not None and hit[0] is fact and hit[1].key == key:
        return hit[1]
    found = of_fact(key, fact)
    if len(_SEEN) > 100_000:
        _SEEN.clear()
    _SEEN[id(fact)] = (fact, found)
    return found


def _key(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_key(v) for v in value)
    if isinstance(value, tuple):
        return tuple(_key(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    """A fact value as JSON-ready data: lists, dates as ISO text, records as objects, citations as URLs."""
    from datetime import date

    from catalog.model import Source
    from catalog.record import fields, is_record

    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Source):
        return value.url
    if is_record(value):
        return {name: _plain(getattr(value, name)) for name in fields(value)}
    if hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type):
        from dataclasses import fields as dataclass_fields

        return {f.name: _plain(getattr(value, f.name)) for f in dataclass_fields(value)}
    return value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) or "none"
    return str(value)


def disputed_passes(assessment) -> dict[int, str]:
    """Hard requirements an option meets only on a disputed fact: position -> the dispute in words.

    A requirement counts when it passes on the value read and would not pass on a value
    another source states: the answer then depends on which source is right. Options with
    no disputed fact (every option of a single catalogue) cost nothing here.
    """
    from recommender.requirements import PASS

    option, tool = assessment.option, assessment.tool
    if not any(f.conflicts for f in option.facts.values()) and not any(len(c) > 1 for _, c in tool.claims):
        return {}
    basis = assessment.basis
    out: dict[int, str] = {}
    for i, (req, row, outcome) in enumerate(zip(basis.requirements, basis.rows, assessment.outcomes)):
        if not req.hard or outcome.result != PASS:
            continue
        evaluate = row[4]  # the check (a policy gate's too)
        found = []
        for fp in facts_read(evaluate, req.value, tool, option, basis.context):
            for value, _sources in fp.disputed_by:
                if fp.key in TOOL_CLAIMS:  # what the tool is, as the other source says
                    other_tool, other = replace(tool, **{fp.key: value}), option
                else:
                    fact = option.facts[fp.key]
                    other_tool, other = tool, replace(option, facts={**option.facts, fp.key: replace(fact, value=value, conflicts=())})
                if evaluate(req.value, other_tool, other, basis.context).result != PASS:
                    found.append(fp.dispute())
                    break
        if found:
            out[i] = "; ".join(found)
    return out


def from_elsewhere(stated_by: tuple[str, ...], home: str) -> bool:
    """Stated only by other agencies' catalogues: neither `home` (the run's highest-precedence
    source) nor the bundled catalogue states it. False when there is no home (one source)."""
    from catalog.sources import BUNDLED_NAME

    return bool(home and stated_by and home not in stated_by and BUNDLED_NAME not in stated_by)
