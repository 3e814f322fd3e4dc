"""Indexes of one loaded catalogue for the engine, built once per load and on first use.

A catalogue is not changed after loading, so what the engine reads of every option again and
again is worked out once and kept with the catalogue:

- every option's position, the positions of each tool and of each capability (scope);
- per requirement kind, a *signature* of each option: the facts the kind's check reads, and
  nothing else (not the sources, not the words). Options with the same signature get the
  same result from the check, so a requirement is checked once per distinct signature and the
  result is shared by every option holding it (a column of results per requirement value and
  agency context);
- the same for the number of HIGH risks an option carries (what ranking reads of the risks);
- what ranking reads of an option that no profile changes (reuse counts, facts stated, names).

The words and sources of a verdict or a risk are still worked out from the option itself,
when something reads them. A kind without a signature here is checked option by option.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from catalog.model import Catalog, Option, Tool

MISSING = object()  # a fact the option does not state (distinct from any value)
_TRUE, _FALSE = object(), object()  # True and False, told apart from 1 and 0
REMEMBER = 64  # result columns kept per catalogue (requirement value and context)
REMEMBER_RISKS = 4  # risk columns kept (agency context and what risks read of the profile)


def _frozen(value: Any) -> Any:
    """A fact value as a hashable key that tells types apart (True is not 1, 1.0 is not 1)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is list or kind is tuple:
        if all(type(v) is str for v in value):
            return tuple(value)
        return (list, *(_frozen(v) for v in value))
    if kind is int:
        return value
    if isinstance(value, dict):
        return (dict, *sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return (set, *sorted(_frozen(v) for v in value))
    return (kind, value)


def _fact(option: Option, key: str) -> Any:
    found = option.value(key, MISSING)  # the value only: no Fact made of facts held by column
    return MISSING if found is MISSING else _frozen(found)


def _facts(*keys: str) -> Callable[[Tool, Option], Any]:
    if len(keys) == 1:  # the common case, without building a tuple
        (key,) = keys

        def one(tool: Tool, option: Option) -> Any:
            found = option.value(key, MISSING)
            return MISSING if found is MISSING else _frozen(found)

        return one
    return lambda tool, option: tuple(_fact(option, key) for key in keys)


def _with_deployment(*keys: str) -> Callable[[Tool, Option], tuple]:
    return lambda tool, option: (option.deployment, *(_fact(option, key) for key in keys))


def _assessments(tool: Tool, option: Option) -> tuple:
    found = option.facts.get("assurance.assessments")
    held = MISSING if found is None else tuple((a.scheme, a.level, a.scope) for a in found.value)
    return (option.deployment, held, _fact(option, "assurance.certifications"))


def _used_by(tool: Tool, option: Option) -> tuple:
    found = option.facts.get("reuse.used_by")
    return (MISSING if found is None else len(found.value),)


# What each requirement kind's check reads (recommender/requirements.py), by kind.
SIGNATURES: dict[str, Callable[[Tool, Option], tuple]] = {
    "capabilities": lambda tool, option: (tool.capabilities,),
    "full_export": _facts("data.full_export"),
    "export_formats": _facts("data.export_formats"),
    "residency": _with_deployment("data.residency", "data.residency_selectable", "data.residency_exceptions"),
    "self_hosted": lambda tool, option: (option.deployment,),
    "data_owner": _with_deployment("data.owner"),
    "no_third_party": _facts("data.third_party_default"),
    "retention_months": _with_deployment("data.retention_months"),
    "open_source": _facts("lock_in.licence"),
    "open_standards": _facts("lock_in.open_standards"),
    "independent_providers": _facts("lock_in.independent_providers"),
    "max_exit_cost": _facts("lock_in.exit_cost"),
    "maintained": _facts("maintenance.status"),
    "api": _facts("integration.api"),
    "webhooks": _facts("integration.webhooks"),
    "sso": _facts("integration.sso"),
    "provisioning": _facts("integration.provisioning"),
    "max_ops_effort": _facts("resourcing.ops_effort"),
    "skills": _with_deployment("resourcing.skills"),
    "certifications": _with_deployment("assurance.certifications"),
    "accessibility": _facts("assurance.accessibility"),
    "archiving": _facts("assurance.archiving"),
    "assurance": _assessments,
    "retention_controls": _facts("records.retention_controls"),
    "legal_hold": _facts("records.legal_hold"),
    "archival_export": _facts("records.archival_formats", "assurance.archiving"),
    "open_data": _facts("data.open_data"),
    "cost_models": _facts("cost.model"),
    "max_cost_band": _facts("cost.band"),
    "eligible": lambda tool, option: (option.origin, option.deployment, _fact(option, "eligibility.countries"), _fact(option, "eligibility.levels"), _fact(option, "eligibility.sectors")),
    "min_agencies": _used_by,
    "reviewed_within_months": lambda tool, option: (tool.last_reviewed,),
}

# What the four risks read of an option (recommender/risks.py), words and sources aside.
_RISK_FACTS = (
    "resourcing.ops_effort", "resourcing.skills", "data.full_export", "data.full_export_paid",
    "data.retention_months", "data.third_party_default", "data.owner", "data.residency_exceptions",
    "data.residency", "maintenance.ends", "lock_in.licence", "lock_in.independent_providers",
    "lock_in.exit_cost", "maintenance.status", "integration.api", "integration.webhooks",
    "integration.sso", "integration.api_plan",
)


def risk_signature(tool: Tool, option: Option) -> tuple:
    return (
        option.deployment,
        option.origin,
        tuple(_fact(option, key) for key in _RISK_FACTS),
        tuple(c.risk for c in option.caveats),
    )


_NONZERO = re.compile(rb"[^\x00]+")


def _bits_of_bytes() -> tuple[tuple[int, ...], ...]:
    """The positions of the set bits of each byte, lowest first: a byte's lowest bit, then those
    of the byte without it (built from each other, not by testing 8 bits of each byte)."""
    table: list[tuple[int, ...]] = [()]
    for byte in range(1, 256):
        table.append(((byte & -byte).bit_length() - 1, *table[byte & (byte - 1)]))
    return tuple(table)


_BITS_OF_BYTE = _bits_of_bytes()


def members(bits: int) -> list[int]:
    """The positions set in a bitset, in order."""
    out: list[int] = []
    if bits <= 0:
        return out
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    table = _BITS_OF_BYTE
    for run in _NONZERO.finditer(data):  # runs of non-empty bytes, found at C speed
        i = run.start()
        for byte in run.group():
            base = i << 3
            out.extend([base + b for b in table[byte]])
            i += 1
    return out


def bitset(positions) -> int:
    """A bitset of these positions."""
    positions = list(positions)
    if not positions:
        return 0
    data = bytearray(max(positions) // 8 + 1)
    for p in positions:
        data[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(data, "little")


class Bits:
    """Bitsets over option positions, one per value (a result, a count), filled for the
    positions asked for and kept: a later call asks only for positions not seen yet."""

    def __init__(self, size: int, value_of: Callable[[int], Any]):
        self.value_of = value_of
        self.size = size
        self.covered = bytearray(size // 8 + 1)
        self.arrays: dict[Any, bytearray] = {}
        self._ints: dict[Any, int] = {}
        self._covered = 0

    def fill(self, wanted: int) -> None:
        """Work out the value of every position of the bitset `wanted` not filled yet."""
        missing = wanted & ~self._covered
        if not missing:
            return
        covered, arrays, value_of = self.covered, self.arrays, self.value_of
        fresh = False
        for p in members(missing):
            byte, bit = p >> 3, 1 << (p & 7)
            if covered[byte] & bit:
                continue
            covered[byte] |= bit
            value = value_of(p)
            array = arrays.get(value)
            if array is None:
                array = arrays[value] = bytearray(len(covered))
            array[byte] |= bit
            fresh = True
        if fresh:
            self._ints.clear()
        self._covered = int.from_bytes(covered, "little")

    def of(self, value: Any) -> int:
        """The positions (among those filled) with this value."""
        found = self._ints.get(value)
        if found is None:
            array = self.arrays.get(value)
            found = self._ints[value] = int.from_bytes(array, "little") if array is not None else 0
        return found

    def values(self) -> list:
        return list(self.arrays)


class _Lru(dict):
    """A dict that forgets the least recently used entries beyond `size`."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def fetch(self, key, make):
        found = self.pop(key, None)
        if found is None:
            found = make()
            while len(self) >= self.size:
                self.pop(next(iter(self)))
        self[key] = found
        return found


class EngineIndex:
    """The engine's indexes of one catalogue (see the module's docstring)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        # By position, every option and its tool: two lists rather than a pair per option (a
        # tuple each, 12 MB at 100,000 tools).
        self.tools: list[Tool] = []
        self.options: list[Option] = []
        self.starts: dict[str, int] = {}  # tool id -> position of its first option
        for tool in catalog:
            self.starts[tool.id] = len(self.options)
            self.tools.extend([tool] * len(tool.options))
            self.options.extend(tool.options)
        self._signatures: dict[str, list] = {}  # kind -> signature by position (filled on use)
        self._canonical: dict = {}  # each distinct signature held once
        self._columns = _Lru(REMEMBER)
        self._risk_signatures: list = [None] * len(self.options)
        self._risk_columns = _Lru(REMEMBER_RISKS)
        self._static: list = [None] * len(self.options)
        self._needs_signatures: list = [None] * len(self.options)
        self._needs_columns = _Lru(REMEMBER_RISKS)
        self._disputable: list = [None] * len(self.options)
        self._bits = _Lru(REMEMBER * 2)
        self._capabilities: dict[str, int] = {}
        self._origin_bits = Bits(len(self.options), lambda p: self.options[p].origin)
        self._end_bits = Bits(len(self.options), lambda p: self.options[p].value("maintenance.ends"))
        self._disputable_bits = Bits(len(self.options), self.disputable)
        self._reuse_bits = Bits(len(self.options), lambda p: self.static(p)[:2])

    def positions(self, tools: list[Tool]) -> list[int]:
        """The positions of every option of these tools, in order."""
        starts, out = self.starts, []
        for tool in tools:
            start = starts[tool.id]
            out.extend(range(start, start + len(tool.options)))
        return out

    # -- requirement results --------------------------------------------------------------
    def column(self, kind: str, evaluate, value: Any, ctx) -> Callable[[int], str] | None:
        """The result of one requirement (kind, value) on the option at a position, for this
        context; None for a kind without a signature (checked option by option)."""
        signature = SIGNATURES.get(kind)
        if signature is None:
            return None
        try:
            key = (kind, evaluate, value, ctx, ctx.decision_date)  # a run past midnight judges on the new day
            hash(key)
        except TypeError:
            return None
        results = self._columns.fetch(key, dict)  # signature -> result
        signatures = self._signatures.get(kind)
        if signatures is None:
            signatures = self._signatures[kind] = [None] * len(self.options)
        tools, options = self.tools, self.options
        canonical = self._canonical

        def result(position: int) -> str:
            sig = signatures[position]
            if sig is None:
                tool, option = tools[position], options[position]
                try:
                    sig = signature(tool, option)
                    hash(sig)
                except TypeError:  # a value that cannot be a key: this option on its own
                    sig = ("<position>", position)
                signatures[position] = sig = canonical.setdefault(sig, sig)  # one object per distinct signature
            found = results.get(sig)
            if found is None:
                found = results[sig] = evaluate(value, tools[position], options[position], ctx).result
            return found

        return result

    def tool_bits(self, tool_ids) -> int:
        """The positions of every option of these tools."""
        starts, tools = self.starts, self.catalog.tools
        data = bytearray(len(self.options) // 8 + 1)
        for tool_id in tool_ids:
            start = starts[tool_id]
            for p in range(start, start + len(tools[tool_id].options)):
                data[p >> 3] |= 1 << (p & 7)
        return int.from_bytes(data, "little")

    def capability_bits(self, capability: str) -> int:
        """The positions of the options of the tools offering a capability."""
        found = self._capabilities.get(capability)
        if found is None:
            found = self._capabilities[capability] = self.tool_bits(self.catalog.with_capability(capability))
        return found

    def all_bits(self) -> int:
        return (1 << len(self.options)) - 1

    def column_bits(self, key: tuple, result: Callable[[int], Any]) -> Bits:
        """Bitsets by value of a per-position function (a column above), kept under `key`."""
        return self._bits.fetch(key, lambda: Bits(len(self.options), result))

    def origin_bits(self, scope: int) -> dict[str, int]:
        """The positions, among `scope`, of the options of each origin."""
        self._origin_bits.fill(scope)
        return {origin: self._origin_bits.of(origin) & scope for origin in self._origin_bits.values()}

    def ended_bits(self, today, scope: int) -> int:
        """The positions, among `scope`, of options whose end date is on or before `today`."""
        ends = self._end_bits
        ends.fill(scope)
        out = 0
        for day in ends.values():
            if day is not None and day <= today:
                out |= ends.of(day)
        return out & scope

    def disputable_bits(self, scope: int) -> int:
        """The positions, among `scope`, of options with a fact (or a tool claim) another
        source disputes."""
        self._disputable_bits.fill(scope)
        return self._disputable_bits.of(True) & scope

    # -- risks and ranking ----------------------------------------------------------------------
    def risk_counts(self, ctx, demanded: dict, assess) -> tuple[Callable[[int], int], Callable[[int], int]]:
        """How many of its four risks are HIGH, and how many MEDIUM, for the option at a
        position: two functions of the position."""
        from recommender.risks import RISK_DEMANDS

        key = (ctx, ctx.decision_date, tuple((kind, demanded.get(kind)) for kind in RISK_DEMANDS if kind in demanded))
        try:
            hash(key)
        except TypeError:
            def uncached(position: int) -> tuple[int, int]:
                return _count_levels(assess(self.tools[position], self.options[position], ctx, demanded))

            return (lambda position: uncached(position)[0]), (lambda position: uncached(position)[1])
        counts = self._risk_columns.fetch(key, dict)  # signature -> (HIGH count, MEDIUM count)
        signatures, tools, options, canonical = self._risk_signatures, self.tools, self.options, self._canonical

        def counted(position: int) -> tuple[int, int]:
            sig = signatures[position]
            if sig is None:
                try:
                    sig = risk_signature(tools[position], options[position])
                    hash(sig)
                except TypeError:
                    sig = ("<position>", position)
                signatures[position] = sig = canonical.setdefault(sig, sig)  # one object per distinct signature
            found = counts.get(sig)
            if found is None:
                found = counts[sig] = _count_levels(assess(tools[position], options[position], ctx, demanded))
            return found

        return (lambda position: counted(position)[0]), (lambda position: counted(position)[1])

    def needs(self, ctx, demanded: dict, resourcing_needs) -> Callable[[int], tuple[str, ...]]:
        """What running the option at a position needs that the agency has not stated
        (`resourcing_needs`, which reads deployment, ops effort and skills)."""
        counts = self._needs_columns.fetch((ctx, "assurance" in demanded), dict)
        signatures, options, canonical = self._needs_signatures, self.options, self._canonical

        def needs(position: int) -> tuple[str, ...]:
            sig = signatures[position]
            if sig is None:
                option = options[position]
                try:
                    sig = (option.deployment, _fact(option, "resourcing.ops_effort"), _fact(option, "resourcing.skills"))
                    hash(sig)
                except TypeError:
                    sig = ("<position>", position)
                signatures[position] = sig = canonical.setdefault(sig, sig)  # one object per distinct signature
            found = counts.get(sig)
            if found is None:
                found = counts[sig] = resourcing_needs(options[position], ctx, demanded)
            return found

        return needs

    def disputable(self, position: int) -> bool:
        """Whether another catalogue source disputes any fact of the option or its tool."""
        found = self._disputable[position]
        if found is None:
            tool, option = self.tools[position], self.options[position]
            found = self._disputable[position] = any(f.conflicts for f in option.facts.values()) or any(
                len(c) > 1 for _, c in tool.claims
            )
        return found

    def reuse_levels(self, bits: int) -> list[tuple[tuple[int, int], int]]:
        """The options of `bits` by reuse, most first: (-agencies using the option, -agencies
        using its tool) and their positions (the first two parts of `static`)."""
        reuse = self._reuse_bits
        reuse.fill(bits)
        return sorted((value, reuse.of(value)) for value in reuse.values())

    def static(self, position: int) -> tuple:
        """What ranking reads of an option that no profile changes: reuse by this option and
        by its tool, facts stated, then the names that break ties."""
        found = self._static[position]
        if found is None:
            tool, option = self.tools[position], self.options[position]
            users = option.facts.get("reuse.used_by")
            found = self._static[position] = (
                -len(users.value) if users is not None else 0,
                -len(tool.used_by),
                -len(option.facts),
                tool.name.casefold(),
                tool.id,
                option.id,
            )
        return found


def _count_levels(risks: dict) -> tuple[int, int]:
    """How many of the risks are HIGH, and how many MEDIUM."""
    levels = [risk.level for risk in risks.values()]
    return levels.count("high"), levels.count("medium")


def engine_index(catalog: Catalog) -> EngineIndex:
    """The catalogue's engine index, built on first use and kept with it."""
    found = catalog.__dict__.get("_engine_index")
    if found is None or found.catalog is not catalog:
        found = EngineIndex(catalog)
        catalog.__dict__["_engine_index"] = found
    return found
