"""The recommend engine: verdicts for every option, the ladder, the build gate, near misses.

Pure functions of (catalogue, profile): the same input gives the same output, byte for byte,
whatever order the catalogue files were read in.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from catalog.model import Catalog, Option, Source, Tool
from catalog.record import record
from catalog.schema import STEP_OF_ORIGIN
from recommender.index import EngineIndex, engine_index, members
from recommender.profile import Profile, Requirement
from recommender.provenance import FactProvenance, disputed_passes, facts_read_all
from recommender.requirements import FAIL, KINDS, PASS, UNKNOWN, Context, Outcome
from recommender.risks import RISK_DEMANDS, RISK_WORDS, Risk, assess, build_risks

if TYPE_CHECKING:
    from recommender.policy import Policy


def policy_for(profile) -> Policy | None:
    """The policy a profile asks for, or None (the policy code is read only when a pack is asked for)."""
    if not getattr(profile, "policies", ()):
        return None
    from recommender.policy import policy_for as read

    return read(profile)


STEPS = ("share", "buy", "build")
STEP_RANK = {origin: STEPS.index(step) for origin, step in STEP_OF_ORIGIN.items()}
RECOMMENDED, TO_VERIFY, EXCLUDED = "recommended", "to-verify", "excluded"
# Fit comes before the ladder: the tiers an option that meets the hard requirements falls in.
FITS, FITS_IF_RESOURCED, BUILD = "fits", "fits-if-resourced", "build"
TIERS = (FITS, FITS_IF_RESOURCED, TO_VERIFY)
TIER_WORDS = {FITS: "fits", FITS_IF_RESOURCED: "fits if resourced", TO_VERIFY: "to verify"}
CAPACITY_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}
EFFORT_RANK = {"low": 1, "medium": 2, "high": 3}
NEAR_MISS_LIMIT = 2  # hard requirements an option may fail and still be named as a near miss
FOUNDATIONS = 3


# Verdicts and assessments are made in the hot loop: mutable slotted records, since frozen
# ones pay for object.__setattr__ on every field.
@record(hidden=("_provenance", "_owner", "_index"))
class Verdict:
    """One requirement judged on one option, with the catalogue fact behind it."""

    __slots__ = (
        "requirement", "label", "hard", "weight", "result", "fact", "sources",
        "_provenance", "_owner", "_index",
    )
    requirement: str
    label: str
    hard: bool
    weight: int
    result: str
    fact: str
    sources: tuple[Source, ...]
    _provenance: tuple[FactProvenance, ...] | None
    _owner: "_Provenance | None"
    _index: int

    def __init__(
        self, requirement: str, label: str, hard: bool, weight: int, result: str, fact: str,
        sources: tuple[Source, ...] = (), _provenance: tuple[FactProvenance, ...] | None = None,
        _owner: "_Provenance | None" = None, _index: int = -1,
    ) -> None:
        self.requirement = requirement
        self.label = label
        self.hard = hard
        self.weight = weight
        self.result = result
        self.fact = fact
        self.sources = sources
        self._provenance = _provenance
        self._owner = _owner
        self._index = _index

    @property
    def provenance(self) -> tuple[FactProvenance, ...]:
        """The stated facts it rests on: the catalogue sources stating each, and any other
        claims (worked out when first read, for every verdict of its option at once)."""
        if self._provenance is None:
            self._provenance = self._owner.at(self._index) if self._owner is not None else ()
        return self._provenance

    @property
    def disputed(self) -> bool:
        """Another catalogue source states something else for a fact this verdict rests on."""
        return any(p.disputed for p in self.provenance)

    @property
    def stated_by(self) -> tuple[str, ...]:
        """The catalogue sources stating the facts it rests on."""
        return tuple(dict.fromkeys(s for p in self.provenance for s in p.stated_by))

    @property
    def points(self) -> int:
        """What this verdict adds to the score: a soft preference's weight when it passes."""
        return self.weight if (not self.hard and self.result == PASS) else 0


class _Provenance:
    """The provenance of every verdict of one option, worked out at once when first read.

    Verdicts hold this, not their assessment: an answer then holds no reference cycle and is
    freed as soon as it is dropped, even once frozen out of the garbage collector's reach.
    """

    __slots__ = ("tool", "option", "basis", "found")

    def __init__(self, tool: Tool, option: Option, basis: "Basis"):
        self.tool, self.option, self.basis = tool, option, basis
        self.found: list | None = None

    def at(self, i: int) -> tuple[FactProvenance, ...]:
        if self.found is None:
            basis = self.basis
            checks = [(row[4], req.value) for req, row in zip(basis.requirements, basis.rows)]
            self.found = facts_read_all(checks, self.tool, self.option, basis.context)
        return self.found[i] if 0 <= i < len(self.found) else ()


class Basis:
    """What every option of one recommendation is judged against, worked out once per call:
    the profile's requirements with their kinds, labels and outcome memos."""

    __slots__ = ("requirements", "kinds", "labels", "memos", "context", "demanded", "score_max", "rows", "tool_users", "today", "risk_memo", "index", "high", "medium")

    def __init__(self, profile: Profile, judge: "Judge | None" = None):
        self.requirements = profile.requirements
        self.kinds = tuple(KINDS[r.kind] for r in profile.requirements)
        self.labels = tuple(r.label for r in profile.requirements)
        self.memos = tuple(judge.memo(r, profile.context) if judge else None for r in profile.requirements)
        self.context = profile.context
        self.demanded = {r.kind: r.value for r in profile.requirements}  # kind -> value demanded
        self.today = profile.context.decision_date
        self.score_max = sum(r.weight for r in profile.requirements if not r.hard)
        # What the hot loop needs of each requirement, in one tuple per requirement.
        self.rows = tuple(
            (i, r.value, r.hard, r.weight, kind.evaluate, memo)
            for i, (r, kind, memo) in enumerate(zip(self.requirements, self.kinds, self.memos))
        )
        self.tool_users: dict[str, int] = {}  # agencies using each tool, counted once per call
        # The four risks of each option, shared by every call with the same context and the
        # same integration and residency demands (the only requirements risks read).
        self.risk_memo: dict = judge.risk_memo(self.context, self.demanded) if judge else {}
        # Set when the options are judged through the catalogue's index (recommender.index):
        # the index, and the count of HIGH risks by option position.
        self.index: EngineIndex | None = None
        self.high = None
        self.medium = None


@record(hidden=("disputes", "_verdicts", "_provenance", "_risks", "_outcomes", "_position"))
class Assessment:
    """An option judged against a profile.

    The hot loop keeps only each requirement's result (pass, fail or unknown) and the
    positions of hard fails and unknowns; outcomes (the facts in words, with their sources),
    verdicts and risks are made when something reads them.
    """

    __slots__ = (
        "tool", "option", "status", "results", "basis", "failed_at", "unknown_at", "score", "ended", "tier",
        "needs", "disputes", "_verdicts", "_provenance", "_risks", "_outcomes", "_position",
    )
    tool: Tool
    option: Option
    status: str
    results: tuple[str, ...]
    basis: Basis
    failed_at: tuple[int, ...]  # positions of hard requirements that fail
    unknown_at: tuple[int, ...]  # positions of hard requirements the catalogue cannot decide
    score: int  # sum of the weights of the soft preferences that pass
    ended: date | None  # the option's end date, when it is on or before the decision date
    tier: str  # fits, fits-if-resourced or to-verify (set for options that remain)
    needs: tuple[str, ...]  # what running it needs that the agency has not stated
    # Hard requirements met only on a fact another source disputes, as words naming the
    # dispute, by position; those positions are also in `unknown_at` (to verify).
    disputes: dict[int, str]  # a new {} when not given
    _verdicts: tuple[Verdict, ...] | None
    _provenance: _Provenance | None
    _risks: dict[str, Risk]  # a new {} when not given
    _outcomes: tuple[Outcome, ...] | None
    _position: int  # in the catalogue's index

    def __init__(
        self, tool: Tool, option: Option, status: str, results: tuple[str, ...], basis: Basis,
        failed_at: tuple[int, ...] = (), unknown_at: tuple[int, ...] = (), score: int = 0,
        ended: date | None = None, tier: str = "", needs: tuple[str, ...] = (),
        disputes: dict[int, str] | None = None, _verdicts: tuple[Verdict, ...] | None = None,
        _provenance: _Provenance | None = None, _risks: dict[str, Risk] | None = None,
        _outcomes: tuple[Outcome, ...] | None = None, _position: int = -1,
    ) -> None:
        self.tool = tool
        self.option = option
        self.status = status
        self.results = results
        self.basis = basis
        self.failed_at = failed_at
        self.unknown_at = unknown_at
        self.score = score
        self.ended = ended
        self.tier = tier
        self.needs = needs
        self.disputes = {} if disputes is None else disputes
        self._verdicts = _verdicts
        self._provenance = _provenance
        self._risks = {} if _risks is None else _risks
        self._outcomes = _outcomes
        self._position = _position

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Each requirement's outcome: its result with the fact in words and its sources."""
        if self._outcomes is None:
            basis, tool, option = self.basis, self.tool, self.option
            key, ctx, out = (tool.id, option.id), basis.context, []
            for _, value, _, _, evaluate_, memo in basis.rows:
                outcome = memo.get(key) if memo is not None else None
                if outcome is None:
                    outcome = evaluate_(value, tool, option, ctx)
                    if memo is not None:
                        memo[key] = outcome
                out.append(outcome)
            self._outcomes = tuple(out)
        return self._outcomes

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Every requirement's verdict, with the catalogue fact behind it."""
        if self._verdicts is None:
            basis, disputes, provenance = self.basis, self.disputes, self._provenance_of()
            self._verdicts = tuple(
                Verdict(
                    req.kind, f"{label} — disputed: {disputes[i]}" if i in disputes else label, req.hard, req.weight,
                    o.result, o.fact, o.sources, None, provenance, i,
                )
                for i, (req, label, o) in enumerate(zip(basis.requirements, basis.labels, self.outcomes))
            )
        return self._verdicts

    def _provenance_of(self) -> _Provenance:
        if self._provenance is None:
            self._provenance = _Provenance(self.tool, self.option, self.basis)
        return self._provenance

    def provenance_at(self, i: int) -> tuple[FactProvenance, ...]:
        """The provenance of the verdict at position `i` (all positions worked out at once)."""
        return self._provenance_of().at(i)

    @property
    def failed(self) -> tuple[Verdict, ...]:
        """Hard requirements that fail."""
        verdicts = self.verdicts
        return tuple(verdicts[i] for i in self.failed_at)

    @property
    def unknown(self) -> tuple[Verdict, ...]:
        """Hard requirements the catalogue cannot decide."""
        verdicts = self.verdicts
        return tuple(verdicts[i] for i in self.unknown_at)

    def blocking(self, strict: bool) -> tuple[Verdict, ...]:
        """What keeps this option out: its end date, failed hard requirements and, under
        --strict, hard requirements the catalogue cannot decide."""
        out = self.failed + (self.unknown if strict else ())
        if self.ended is not None:
            fact = self.option.fact("maintenance.ends")
            out = (Verdict("in_service", "still offered on the decision date", True, 1, FAIL, f"ended {self.ended}", fact.sources if fact else ()),) + out
        return out

    @property
    def risks(self) -> dict[str, Risk]:
        """The four risks for this agency, worked out on first use (they cost more than verdicts)."""
        if not self._risks:
            memo = self.basis.risk_memo
            key = (self.tool.id, self.option.id)
            found = memo.get(key)
            if found is None:
                found = memo[key] = assess(self.tool, self.option, self.basis.context, self.basis.demanded)
            self._risks.update(found)
        return self._risks

    @property
    def high_risks(self) -> tuple[str, ...]:
        """Names of the risks that are HIGH for this agency."""
        return tuple(name for name, risk in self.risks.items() if risk.level == "high")

    @property
    def medium_risks(self) -> tuple[str, ...]:
        """Names of the risks that are MEDIUM for this agency."""
        return tuple(name for name, risk in self.risks.items() if risk.level == "medium")

    @property
    def key(self) -> str:
        """`tool-id/option-id`."""
        return f"{self.tool.id}/{self.option.id}"

    @property
    def name(self) -> str:
        """The tool's name with the option's label."""
        if self.option.name.casefold().startswith(self.tool.name.casefold()):
            return self.option.name
        return f"{self.tool.name} — {self.option.name}"

    @property
    def step(self) -> str:
        """share or buy."""
        return self.option.step

    @property
    def score_max(self) -> int:
        """The score if every soft preference passed."""
        return self.basis.score_max

    @property
    def used_by(self) -> tuple[str, ...]:
        """Agencies known to use this option."""
        return tuple(self.option.value("reuse.used_by", ()))

    def tier_rank(self) -> int:
        """Fits first, then fits if resourced, then to verify. When the agency says it will
        resource what an option needs, fits if resourced ranks with fits; when it says it
        cannot, after to verify (it could not run them)."""
        if self.tier == FITS_IF_RESOURCED:
            will = self.basis.context.will_resource
            if will is True:
                return 0
            if will is False:
                return len(TIERS)
        return TIERS.index(self.tier) if self.tier in TIERS else len(TIERS)

    def rank_key(self) -> tuple:
        """Fit before the ladder: tier, then share before buy, then options carrying a HIGH
        risk after those without, then score, then evidence — fewer unknowns, reuse (agencies
        using this option, then the tool) — then fewer MEDIUM risks (the risks a board is asked
        to accept), then facts stated, and the name only as the last tie-break, so the order is
        deterministic.
        """
        basis = self.basis
        if basis.index is not None and self._position >= 0:  # the same key, from the index
            high = basis.high(self._position)
            return (
                self.tier_rank(),
                self.tier == TO_VERIFY and bool(self.needs),
                STEP_RANK[self.option.origin],
                high > 0,
                high,
                -self.score,
                self.results.count(UNKNOWN),
                *_with_medium(basis.index.static(self._position), basis.medium(self._position)),
            )
        tool_users = basis.tool_users.get(self.tool.id)
        if tool_users is None:
            tool_users = basis.tool_users[self.tool.id] = len(self.tool.used_by)
        high = len(self.high_risks)
        return (
            self.tier_rank(),
            self.tier == TO_VERIFY and bool(self.needs),  # among those to verify, what the agency can run first
            STEP_RANK[self.option.origin],
            high > 0,
            high,
            -self.score,
            self.results.count(UNKNOWN),
            -len(self.option.value("reuse.used_by", ())),
            -tool_users,
            len(self.medium_risks),
            -len(self.option.facts),
            self.tool.name.casefold(),
            self.tool.id,
            self.option.id,
        )


def _with_medium(static: tuple, medium: int) -> tuple:
    """The index's static key (reuse of the option, reuse of the tool, facts stated, names)
    with the count of MEDIUM risks after the reuse: Assessment.rank_key's order."""
    return (*static[:2], medium, *static[2:])


@record(frozen=True)
class Build:
    """Custom development: why it is on the table, what to build on, and its risks."""

    reasons: tuple[str, ...]
    foundations: tuple[Assessment, ...]
    risks: dict[str, Risk]
    only_option: bool  # True when nothing shareable or buyable remains

    def __init__(
        self, reasons: tuple[str, ...], foundations: tuple[Assessment, ...], risks: dict[str, Risk],
        only_option: bool,
    ) -> None:
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "foundations", foundations)
        object.__setattr__(self, "risks", risks)
        object.__setattr__(self, "only_option", only_option)


@record(frozen=True)
class Relaxation:
    """How many options one hard requirement removes by itself."""

    requirement: Requirement
    removes: int

    def __init__(self, requirement: Requirement, removes: int) -> None:
        object.__setattr__(self, "requirement", requirement)
        object.__setattr__(self, "removes", removes)


@record(frozen=True)
class Answer:
    """The recommendation in one headline, with the conditions under which it holds.

    `option` is the option to adopt (None for build or when nothing can be judged); `text` is
    the headline followed by its conditions, as every output opens with it.
    """

    option: Assessment | None
    step: str  # share, buy or build ("" when nothing could be judged)
    tier: str  # fits, fits-if-resourced, to-verify or build ("" when nothing could be judged)
    headline: str
    reason: str
    conditions: tuple[str, ...]

    def __init__(
        self, option: Assessment | None, step: str, tier: str, headline: str, reason: str,
        conditions: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "option", option)
        object.__setattr__(self, "step", step)
        object.__setattr__(self, "tier", tier)
        object.__setattr__(self, "headline", headline)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "conditions", conditions)

    @property
    def text(self) -> str:
        """The headline and its conditions as one paragraph."""
        return " ".join((self.headline, *self.conditions))


@record(frozen=True)
class Recommendation:
    """The engine's answer for one profile."""

    profile: Profile
    options: tuple[Assessment, ...]
    build: Build | None
    near_misses: tuple[Assessment, ...]
    relaxation: tuple[Relaxation, ...]
    in_scope: int
    total_options: int
    strict: bool
    integration_work: str
    excluded: tuple[Assessment, ...]  # every option examined and excluded, in rank order
    policy: "Policy | None"  # the policy packs applied (recommender.policy)
    as_of: date | None  # the decision date the options were judged on
    unverified: tuple[Assessment, ...]  # removed under --strict only because facts are unknown
    ended: tuple[Assessment, ...]  # options past their end date, not offered
    scope_problem: str  # why nothing could be judged (empty catalogue, nothing in scope)
    answer: Answer | None
    sources: tuple[str, ...]  # the catalogue sources read, highest precedence first

    def __init__(
        self, profile: Profile, options: tuple[Assessment, ...], build: Build | None,
        near_misses: tuple[Assessment, ...], relaxation: tuple[Relaxation, ...], in_scope: int,
        total_options: int, strict: bool, integration_work: str = "", excluded: tuple[Assessment, ...] = (),
        policy: "Policy | None" = None, as_of: date | None = None, unverified: tuple[Assessment, ...] = (),
        ended: tuple[Assessment, ...] = (), scope_problem: str = "", answer: Answer | None = None,
        sources: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "profile", profile)
        object.__setattr__(self, "options", options)
        object.__setattr__(self, "build", build)
        object.__setattr__(self, "near_misses", near_misses)
        object.__setattr__(self, "relaxation", relaxation)
        object.__setattr__(self, "in_scope", in_scope)
        object.__setattr__(self, "total_options", total_options)
        object.__setattr__(self, "strict", strict)
        object.__setattr__(self, "integration_work", integration_work)
        object.__setattr__(self, "excluded", excluded)
        object.__setattr__(self, "policy", policy)
        object.__setattr__(self, "as_of", as_of)
        object.__setattr__(self, "unverified", unverified)
        object.__setattr__(self, "ended", ended)
        object.__setattr__(self, "scope_problem", scope_problem)
        object.__setattr__(self, "answer", answer)
        object.__setattr__(self, "sources", sources)

    @property
    def home(self) -> str:
        """The highest-precedence source when several were read: facts only others state are marked."""
        return self.sources[0] if len(self.sources) > 1 else ""

    @cached_property
    def counts(self) -> dict[str, int]:
        """Options remaining by step and by tier."""
        out = {"share": 0, "buy": 0, "to_verify": 0, FITS: 0, FITS_IF_RESOURCED: 0}
        for a in self.options:
            out[a.step] += 1
            out["to_verify"] += a.tier == TO_VERIFY
            out[FITS] += a.tier == FITS
            out[FITS_IF_RESOURCED] += a.tier == FITS_IF_RESOURCED
        return out

    @property
    def only_build(self) -> bool:
        """No share or buy option remains."""
        return not self.options

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tiers of the remaining options in rank order (fits if resourced comes last when
        the agency has said it cannot add capacity)."""
        return tuple(dict.fromkeys(a.tier for a in self.options))

    def in_tier(self, tier: str) -> tuple[Assessment, ...]:
        """The remaining options of one tier, in rank order."""
        return tuple(a for a in self.options if a.tier == tier)

    def summary(self) -> str:
        """"11 options: 3 fit · 2 if resourced · 6 to verify (3 share · 8 buy)" — the live count."""
        c = self.counts
        n = len(self.options)
        parts = [f"{c[FITS]} fit"]
        if c[FITS_IF_RESOURCED]:
            parts.append(f"{c[FITS_IF_RESOURCED]} if resourced")
        if c["to_verify"]:
            parts.append(f"{c['to_verify']} to verify")
        text = f"{n} option{'s' if n != 1 else ''}: " + " · ".join(parts) + f" ({c['share']} share · {c['buy']} buy)"
        if self.build:
            text += " · build"
        return text


def evaluate(tool: Tool, option: Option, profile: Profile, strict: bool = False) -> Assessment:
    """Every requirement of the profile judged on one option."""
    return _judge(tool, option, Basis(profile), strict)


def _judge(tool: Tool, option: Option, basis: Basis, strict: bool) -> Assessment:
    """Outcomes and status of one option (the hot loop of `recommend`)."""
    ctx = basis.context
    outcomes, failed, unknown = [], [], []
    score = 0
    key = (tool.id, option.id)
    for i, value, hard, weight, evaluate_, memo in basis.rows:
        outcome = memo.get(key) if memo is not None else None
        if outcome is None:
            outcome = evaluate_(value, tool, option, ctx)
            if memo is not None:
                memo[key] = outcome
        outcomes.append(outcome)
        result = outcome.result
        if hard:
            if result == FAIL:
                failed.append(i)
            elif result == UNKNOWN:
                unknown.append(i)
        elif result == PASS:
            score += weight
    status, ended = _status(option, basis, failed, unknown, strict)
    outcomes = tuple(outcomes)
    return Assessment(
        tool, option, status, tuple(o.result for o in outcomes), basis, tuple(failed), tuple(unknown), score, ended,
        _outcomes=outcomes,
    )


def _status(option: Option, basis: Basis, failed: list, unknown: list, strict: bool) -> tuple[str, date | None]:
    """An option's status from its failed and unknown hard requirements and its end date, and
    the end date when it has passed on the decision date."""
    ends = option.value("maintenance.ends")
    ended = ends if ends is not None and ends <= basis.today else None
    if failed or ended or (strict and unknown):
        return EXCLUDED, ended
    return (TO_VERIFY if unknown else RECOMMENDED), ended


def _judge_indexed(position: int, tool: Tool, option: Option, basis: Basis, checks: tuple, strict: bool) -> Assessment:
    """`_judge` through the catalogue's index: each requirement's result read from its column
    (shared by every option with the same facts); outcomes are made when read."""
    results, failed, unknown = [], [], []
    score = 0
    key = None
    for (i, value, hard, weight, evaluate_, memo), column in zip(basis.rows, checks):
        if column is not None:
            result = column(position)
        else:
            if key is None:
                key = (tool.id, option.id)
            outcome = memo.get(key) if memo is not None else None
            if outcome is None:
                outcome = evaluate_(value, tool, option, basis.context)
                if memo is not None:
                    memo[key] = outcome
            result = outcome.result
        results.append(result)
        if hard:
            if result == FAIL:
                failed.append(i)
            elif result == UNKNOWN:
                unknown.append(i)
        elif result == PASS:
            score += weight
    status, ended = _status(option, basis, failed, unknown, strict)
    return Assessment(
        tool, option, status, tuple(results), basis, tuple(failed), tuple(unknown), score, ended, _position=position,
    )


# -- ranking by sets of positions ---------------------------------------------------------------
def _levels_split(bits: int, levels: list[list[tuple[object, int]]]):
    """The non-empty parts of `bits`, in the order of `levels`: each level a list of
    (key, positions) in order, the parts of one level disjoint, or a function giving that
    list for the positions it is given (worked out only for the parts read)."""
    if not bits:
        return
    if not levels:
        yield bits
        return
    head, rest = levels[0], levels[1:]
    for _, part in head(bits) if callable(head) else head:
        inside = bits & part
        if inside:
            yield from _levels_split(inside, rest)


def _counts(parts: list[tuple[int, int]], everything: int) -> dict[int, int]:
    """Positions by the sum of the weights of the parts holding them: {sum: positions}."""
    out = {0: everything}
    for weight, part in parts:
        nxt: dict[int, int] = {}
        for total, bits in out.items():
            inside, outside = bits & part, bits & ~part
            if inside:
                nxt[total + weight] = nxt.get(total + weight, 0) | inside
            if outside:
                nxt[total] = nxt.get(total, 0) | outside
        out = nxt
    return out


class Ranked(Sequence):
    """Options in rank order, ranked only as far as they are read.

    The options are given as sets of positions in the catalogue's index, in order (every
    option of one set shares the leading part of the rank key: tier, step, HIGH risks, score,
    unknowns, reuse, MEDIUM risks); inside a set the rest of the key (facts stated, then names)
    orders them. An option's assessment is made when it is read. The same options, in the
    same order, as sorting every assessment by its rank key.
    """

    def __init__(self, bits: int, levels: list, make, static, tags: dict | None = None):
        self.bits = bits
        self._levels = levels
        self._len = bits.bit_count()
        self._parts = _levels_split(bits, levels)
        self._order: list[int] = []
        self._make = make
        self._static = static
        self.tags = tags or {}

    def __len__(self) -> int:
        return self._len

    def _reach(self, i: int) -> None:
        order = self._order
        while len(order) <= i:
            part = next(self._parts, None)
            if part is None:
                return
            order.extend(sorted(members(part), key=self._static))

    def __getitem__(self, i):
        if isinstance(i, slice):
            picked = range(*i.indices(self._len))
            if picked:
                self._reach(max(picked))
            return tuple(self._make(self._order[j]) for j in picked)
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        self._reach(i)
        return self._make(self._order[i])

    def __iter__(self):
        for i in range(self._len):
            self._reach(i)
            yield self._make(self._order[i])

    def __contains__(self, a) -> bool:
        position = getattr(a, "_position", -1)
        return position >= 0 and bool(self.bits >> position & 1) and self._make(position) is a

    def __add__(self, other):
        return tuple(self) + tuple(other)

    def __radd__(self, other):
        return tuple(other) + tuple(self)

    def __repr__(self) -> str:
        return f"Ranked({self._len} options)"

    def first_in(self, mask: int) -> Assessment | None:
        """The first option (in rank order) whose position is in `mask`."""
        for part in _levels_split(self.bits & mask, self._levels):
            return self._make(min(members(part), key=self._static))
        return None


def _scope_bits(index: EngineIndex, catalog: Catalog, profile: Profile) -> int:
    """The positions of the options in scope (as `in_scope`)."""
    wanted = profile.capabilities
    if not wanted and profile.goals:
        wanted = tuple(c for goal in profile.goals for c in catalog.vocabulary.for_goal(goal))
    if not wanted:
        return index.all_bits()
    bits = 0
    for capability in wanted:
        bits |= index.capability_bits(capability)
    return bits


def _recommend_ranked(catalog: Catalog, profile: Profile, strict: bool, basis: Basis, index: EngineIndex, checks: tuple, scope: int) -> Recommendation:
    """`_recommend` by sets of positions: every requirement's result, the end dates, the
    resourcing needs and the HIGH risks are sets of option positions (kept with the index);
    excluding, tiering, counting and ranking are operations on those sets, and an option is
    assessed only when something reads it. The same recommendation, option for option."""
    ctx, today = basis.context, basis.today
    needs_of = index.needs(ctx, basis.demanded, resourcing_needs)
    rows = basis.rows
    # Hard requirements are read for every option in scope (they exclude); soft ones only for
    # the options of the parts ranked (they order).
    columns = [
        index.column_bits(("result", req.kind, evaluate_, value, ctx, today), column)
        for (_, value, _, _, evaluate_, _), req, column in zip(rows, basis.requirements, checks)
    ]
    fails, unknowns = {}, {}
    for i, row in enumerate(rows):
        if row[2]:
            columns[i].fill(scope)
            fails[i], unknowns[i] = columns[i].of(FAIL) & scope, columns[i].of(UNKNOWN) & scope
    hard_rows = [i for i, row in enumerate(rows) if row[2]]
    soft_rows = [i for i, row in enumerate(rows) if not row[2]]
    failed_any = unknown_any = 0
    for i in hard_rows:
        failed_any |= fails[i]
        unknown_any |= unknowns[i]
    ended = index.ended_bits(today, scope)
    excluded = scope & (failed_any | ended | (unknown_any if strict else 0))
    kept = scope & ~excluded
    needs_bits = index.column_bits(("needs", ctx, "assurance" in basis.demanded), lambda p: bool(needs_of(p)))
    needs_bits.fill(kept)
    needing = needs_bits.of(True) & kept
    to_verify = kept & unknown_any
    if_resourced = kept & ~unknown_any & needing
    fits = kept & ~unknown_any & ~needing
    demands = tuple((k, basis.demanded.get(k)) for k in RISK_DEMANDS if k in basis.demanded)
    highs = index.column_bits(("high", ctx, today, demands), basis.high)
    mediums = index.column_bits(("medium", ctx, today, demands), basis.medium)

    def high_levels(bits: int) -> list[tuple[int, int]]:
        """HIGH risks counted only for the options of the parts ranked so far (risks cost
        more than anything else an option is judged on)."""
        highs.fill(bits)
        return sorted((count, highs.of(count)) for count in highs.values())

    def medium_levels(bits: int) -> list[tuple[int, int]]:
        """MEDIUM risks, counted only for the parts read that tie on everything before them."""
        mediums.fill(bits)
        return sorted((count, mediums.of(count)) for count in mediums.values())

    # The rank key, level by level (Assessment.rank_key): tier, needs among those to verify,
    # step, HIGH risks, score (higher first), unknowns, reuse, MEDIUM risks; then inside a part
    # facts stated and names.
    will = ctx.will_resource
    tiers = {0: fits, 1: 0, 2: to_verify, 3: 0}
    tiers[0 if will is True else 3 if will is False else 1] |= if_resourced
    origins = index.origin_bits(scope)
    steps: dict[int, int] = {}
    for origin, bits in origins.items():
        steps[STEP_RANK[origin]] = steps.get(STEP_RANK[origin], 0) | bits
    def score_levels(bits: int) -> list[tuple[int, int]]:
        for i in soft_rows:
            columns[i].fill(bits)
        scores = _counts([(rows[i][3], columns[i].of(PASS)) for i in soft_rows], bits)
        return sorted(scores.items(), key=lambda item: -item[0])

    def unknown_levels(bits: int) -> list[tuple[int, int]]:
        return sorted(_counts([(1, column.of(UNKNOWN)) for column in columns], bits).items())

    rank_levels = [sorted(steps.items()), high_levels, score_levels, unknown_levels, index.reuse_levels, medium_levels]
    flag = to_verify & needing
    kept_levels = [sorted(tiers.items()), [(False, ~flag), (True, flag)], *rank_levels]
    excluded_levels = rank_levels  # tier and needs are the same for every excluded option

    made: dict[int, Assessment] = {}
    at_tool, at_option = index.tools, index.options

    def make(position: int) -> Assessment:
        found = made.get(position)
        if found is None:
            found = made[position] = _judge_indexed(position, at_tool[position], at_option[position], basis, checks, strict)
            if found.status != EXCLUDED:
                found.needs = needs_of(position)
                found.tier = TO_VERIFY if found.unknown_at else (FITS_IF_RESOURCED if found.needs else FITS)
        return found

    static = index.static  # inside a part: facts stated, then names (reuse and MEDIUM risks are levels)
    share = kept & steps.get(0, 0)
    options = Ranked(kept, kept_levels, make, static, {
        # The options an answer may prefer to a buy option (state_answer's `preferable`): share
        # options, less those needing resourcing the agency has said it cannot add.
        ("place<", 0): 0,
        ("place<", 1): share & ~needing if will is False else share,
        "not-fits-if-resourced": kept & ~if_resourced,
        "fits-if-resourced": if_resourced,
    })
    unverified_bits = excluded & ~failed_any & ~ended  # only under --strict
    # Near misses: one or two hard requirements away, every ended option, and under --strict
    # every option removed only because facts are unknown; ended first, then fewest blocks.
    blocking_rows = [(1, fails[i] | (unknowns[i] if strict else 0)) for i in hard_rows] + [(1, ended)]
    blocked = _counts(blocking_rows, excluded)
    near_bits = ended | unverified_bits
    for count, bits in blocked.items():
        if count <= NEAR_MISS_LIMIT:
            near_bits |= bits
    near_bits &= excluded
    near = Ranked(near_bits, [[(False, ended), (True, ~ended)], sorted(blocked.items()), *excluded_levels], make, static, {
        "not-ended": near_bits & ~ended,
    })
    # How many options each hard requirement removes by itself: those it alone blocks.
    relaxation = []
    for i in hard_rows:
        alone = fails[i] | (unknowns[i] if strict else 0)
        for j in hard_rows:
            if j != i:
                alone &= ~(fails[j] | (unknowns[j] if strict else 0))
        relaxation.append(Relaxation(basis.requirements[i], (alone & excluded & ~ended).bit_count()))
    order = {r.kind: i for i, r in enumerate(r for r in basis.requirements if r.hard)}
    relaxation.sort(key=lambda r: (-r.removes, order[r.requirement.kind]))

    excluded_seq = Ranked(excluded, excluded_levels, make, static)
    unverified = Ranked(unverified_bits, excluded_levels, make, static)
    problem = scope_problem(catalog, profile, [True] if scope else [])  # only whether any tool is in scope
    build = None if problem else _build_gate(profile, options, near, lambda: [make(p) for p in members(scope)], strict, unverified)
    rec = Recommendation(
        profile=profile,
        options=options,
        build=build,
        near_misses=near,
        relaxation=tuple(relaxation),
        in_scope=scope.bit_count(),
        total_options=catalog.option_count(),
        strict=strict,
        integration_work=_integration_work(profile, options),
        excluded=excluded_seq,
        policy=None,
        as_of=today,
        unverified=unverified,
        ended=Ranked(ended, excluded_levels, make, static),
        scope_problem=problem,
        sources=catalog.sources,
    )
    rec.__dict__["counts"] = {  # as Recommendation.counts works them out
        "share": (kept & steps.get(0, 0)).bit_count(),
        "buy": (kept & steps.get(1, 0)).bit_count(),
        "to_verify": to_verify.bit_count(),
        FITS: fits.bit_count(),
        FITS_IF_RESOURCED: if_resourced.bit_count(),
    }
    object.__setattr__(rec, "answer", state_answer(rec))
    return rec


class Judge:
    """Recommends against one catalogue again and again, remembering each requirement's
    outcome per option: when a person changes one answer, only that requirement is judged
    anew (what-if in the TUI). Outcomes depend on the requirement's kind and value and on
    the agency's context, not on hard/soft or weight, so flipping those costs no judging."""

    def __init__(self, catalog: Catalog, remember: int = 64):
        self.catalog = catalog
        self.remember = remember
        self._memos: dict[tuple, dict] = {}
        self._risk_memos: dict[tuple, dict] = {}

    def risk_memo(self, ctx: Context, demanded: dict) -> dict:
        """The risk memo for one context and the demands risks read (kept for the last few)."""
        key = (ctx, tuple((kind, demanded.get(kind)) for kind in RISK_DEMANDS if kind in demanded))
        memo = self._risk_memos.pop(key, None)
        if memo is None:
            memo = {}
            while len(self._risk_memos) >= 4:
                self._risk_memos.pop(next(iter(self._risk_memos)))
        self._risk_memos[key] = memo
        return memo

    def memo(self, req: Requirement, ctx: Context) -> dict:
        """The outcome memo of one requirement (kind, value) in one context."""
        key = (req.kind, req.value, ctx)
        memo = self._memos.pop(key, None)
        if memo is None:
            memo = {}
            while len(self._memos) >= self.remember:
                self._memos.pop(next(iter(self._memos)))  # the least recently used
        self._memos[key] = memo
        return memo

    def recommend(self, profile: Profile, strict: bool = False) -> Recommendation:
        """The same answer as `recommend(catalog, profile, strict)`.

        The answer and the memos live as long as the session shows them: they are frozen out
        of the garbage collector's reach (as the catalogue is once loaded), so a later full
        collection never walks them. An answer holds no reference cycle, so dropping it still
        frees it. Young garbage is collected first, so little else is frozen with it.
        """
        gc.collect(1)
        rec = recommend(self.catalog, profile, strict, self)
        gc.freeze()
        return rec


def in_scope(catalog: Catalog, profile: Profile) -> list[Tool]:
    """Tools offering at least one capability the profile asks for; without capabilities, the
    capabilities serving its goals; with neither, the whole catalogue."""
    wanted = profile.capabilities
    if not wanted and profile.goals:
        wanted = tuple(c for goal in profile.goals for c in catalog.vocabulary.for_goal(goal))
    if not wanted:
        return list(catalog)
    ids: set[str] = set()
    for capability in wanted:
        ids.update(catalog.with_capability(capability))
    return [catalog.tools[tool_id] for tool_id in sorted(ids)]


def scope_problem(catalog: Catalog, profile: Profile, tools: list[Tool]) -> str:
    """Why nothing can be judged, or "": an empty catalogue or no tool in scope is not a
    reason to build, it is a question the catalogue cannot answer."""
    if not len(catalog):
        return "the catalogue holds no tools: check the --catalog directory (or the configured sources)"
    if not tools:
        wanted = profile.capabilities or tuple(profile.goals)
        what = ", ".join(wanted) if wanted else "anything"
        return f"no tool in the catalogue offers {what}: nothing to judge (try a broader capability or goal)"
    return ""


def resourcing_needs(option: Option, ctx: Context, demanded: dict) -> tuple[str, ...]:
    """What running this option takes that the agency has not said it has, in words.

    Self-hosting needs ops capacity at least the option's ops effort, the skills it needs,
    an ICT team that runs services (not the Observer stance) and, where a security
    assessment is required, the capacity to accredit its own deployment. A hosted option
    needs only the effort to administer it.
    """
    needs: list[str] = []
    effort = option.value("resourcing.ops_effort")
    capacity = ctx.ops_capacity
    if option.deployment == "self-hosted":
        if ctx.stance == "observer":
            needs.append("an ICT team that runs services (the Observer stance does not)")
        if effort is None:
            if capacity != "high":  # high capacity runs whatever effort it turns out to be
                needs.append("ops capacity to run it (the option's ops effort is not stated)")
        elif not capacity:
            needs.append(f"{effort} ops capacity (its capacity is not stated)")
        elif EFFORT_RANK[effort] > CAPACITY_RANK[capacity]:
            needs.append(f"{effort} ops capacity (it has {capacity})")
        have = {s.casefold() for s in ctx.skills}
        missing = [s for s in option.value("resourcing.skills", ()) if s.casefold() not in have]
        if missing:
            needs.append(f"skills in {_and(missing)} (not among its stated skills)")
        if "assurance" in demanded and capacity != "high":
            needs.append("high ops capacity to assess and accredit its own deployment")
    elif effort is not None and effort != "low" and capacity and EFFORT_RANK[effort] > CAPACITY_RANK[capacity]:
        needs.append(f"{effort} effort to administer the service (it has {capacity} capacity)")
    return tuple(needs)


def recommend(catalog: Catalog, profile: Profile, strict: bool = False, judge: Judge | None = None, indexed: bool = True) -> Recommendation:
    """Judge every option in scope, rank the survivors by fit and then on the ladder, gate
    build, and state the answer.

    `indexed` (the default) judges through the catalogue's index (recommender.index): the
    same answer, each requirement checked once per distinct set of facts it reads rather than
    once per option. `indexed=False` checks every option one by one (the reference).

    The collector is paused while it runs: judging makes a dozen small objects per option
    and, with the collector on, full collections walking them were half of a broad run.
    What it built (the catalogue's index, the answer) is then frozen out of the collector's
    reach, as the catalogue is once loaded: otherwise the first full collection after it (while
    the answer is drawn) walks all of it. None of it holds a reference cycle, so an answer
    dropped later is still freed.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _recommend(catalog, profile, strict, judge, indexed)
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def _recommend(catalog: Catalog, profile: Profile, strict: bool, judge: Judge | None, indexed: bool = True) -> Recommendation:
    profile = profile.effective()
    basis = Basis(profile, judge)
    policy = policy_for(profile)
    if policy is not None:  # policy gates and preferences join the profile's requirements
        basis = policy.extend(basis)
    # Fit before the ladder, whichever ladder a policy sets (its key puts the tier first).
    rank_key = policy.rank_key(Assessment.rank_key) if policy else Assessment.rank_key

    if indexed:
        index = basis.index = engine_index(catalog)
        basis.high, basis.medium = index.risk_counts(basis.context, basis.demanded, assess)
        ctx = basis.context
        checks = tuple(
            index.column(req.kind, row[4], row[1], ctx) if req.kind in KINDS and row[4] is KINDS[req.kind].evaluate else None
            for req, row in zip(basis.requirements, basis.rows)
        )
        if policy is None and all(c is not None for c in checks):
            scope = _scope_bits(index, catalog, profile)
            if not index.disputable_bits(scope):
                return _recommend_ranked(catalog, profile, strict, basis, index, checks, scope)
        tools = in_scope(catalog, profile)
        at_tool, at_option = index.tools, index.options
        assessed = [_judge_indexed(p, at_tool[p], at_option[p], basis, checks, strict) for p in index.positions(tools)]
        needs_of = index.needs(ctx, basis.demanded, resourcing_needs)
        disputable = index.disputable
    else:
        tools = in_scope(catalog, profile)
        assessed = [_judge(t, o, basis, strict) for t in tools for o in t.options]
    kept_unsorted = [a for a in assessed if a.status != EXCLUDED]
    for a in kept_unsorted:
        if indexed:
            a.needs = needs_of(a._position)
            a.disputes = disputed_passes(a) if disputable(a._position) else {}
        else:
            a.needs = resourcing_needs(a.option, basis.context, basis.demanded)
            a.disputes = disputed_passes(a)
        if a.disputes:  # met only on a fact another source disputes: to verify, naming the dispute
            a.unknown_at = tuple(sorted({*a.unknown_at, *a.disputes}))
            a.status = TO_VERIFY
        a.tier = TO_VERIFY if a.unknown_at else (FITS_IF_RESOURCED if a.needs else FITS)
    kept = sorted(kept_unsorted, key=rank_key)
    excluded = sorted((a for a in assessed if a.status == EXCLUDED), key=rank_key)
    ended = [a for a in excluded if a.ended is not None]
    unverified = [a for a in excluded if not a.failed_at and a.ended is None]  # only under --strict

    def blocked(a: Assessment) -> int:
        return len(a.failed_at) + (len(a.unknown_at) if strict else 0) + (a.ended is not None)

    # Near misses: options one or two hard requirements away, every ended option (with its
    # date) and, under --strict, every option removed only because facts are unknown.
    near = sorted(
        (a for a in excluded if blocked(a) <= NEAR_MISS_LIMIT or a.ended is not None or a in unverified),
        key=lambda a: (a.ended is None, blocked(a), *rank_key(a)),
    )
    # How many options each hard requirement removes by itself: those it alone blocks.
    alone: dict[int, int] = {}
    for a in excluded:
        if a.ended is not None:
            continue
        blocking = a.failed_at + (a.unknown_at if strict else ())
        if len(blocking) == 1:
            alone[blocking[0]] = alone.get(blocking[0], 0) + 1
    relaxation = [
        Relaxation(req, alone.get(i, 0)) for i, req in enumerate(basis.requirements) if req.hard
    ]
    order = {r.kind: i for i, r in enumerate(r for r in basis.requirements if r.hard)}
    relaxation.sort(key=lambda r: (-r.removes, order[r.requirement.kind]))

    problem = scope_problem(catalog, profile, tools)
    build = None if problem else _build_gate(profile, kept, near, lambda: assessed, strict, unverified)
    rec = Recommendation(
        profile=profile,
        options=tuple(kept),
        build=build,
        near_misses=tuple(near),
        relaxation=tuple(relaxation),
        in_scope=len(assessed),
        total_options=catalog.option_count(),
        strict=strict,
        integration_work=_integration_work(profile, kept),
        excluded=tuple(excluded),
        policy=policy,
        as_of=basis.today,
        unverified=tuple(sorted(unverified, key=rank_key)),
        ended=tuple(ended),
        scope_problem=problem,
        sources=catalog.sources,
    )
    object.__setattr__(rec, "answer", state_answer(rec))
    return rec


def _build_gate(profile: Profile, kept: Sequence[Assessment], near: Sequence[Assessment], assessed, strict: bool = False, unverified: Sequence[Assessment] = ()) -> Build | None:
    """Build only when nothing fits, or when the profile justifies it. `assessed`: every
    option judged, or a function giving them (read only when nothing else is left)."""
    reasons = []
    if not kept:
        if strict and unverified:
            reasons.append(
                f"no share or buy option is verified to meet the hard requirements "
                f"({len(unverified)} removed under --strict because facts are unknown)"
            )
        else:
            reasons.append("no share or buy option meets the hard requirements")
    for item in profile.unique_requirements:
        reasons.append(f"unique requirement stated: {item}")
    if profile.must_control_code:
        reasons.append("the agency must control the code")
    if not reasons:
        return None
    pool = kept or near or sorted(assessed() if callable(assessed) else assessed, key=lambda a: (len(a.failed_at), *a.rank_key()))
    # Foundations: prefer code the agency can take and extend — open-source options first.
    foundations = sorted(pool, key=lambda a: (a.option.origin != "open-source", len(a.failed_at), *a.rank_key()))
    return Build(tuple(reasons), tuple(foundations[:FOUNDATIONS]), build_risks(profile.context), not kept)


# -- the answer ---------------------------------------------------------------------------------
def _and(items) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _named(a: Assessment) -> str:
    """`Plausible Analytics Cloud (buy)`; `Matomo On-Premise (self-hosted; share)`."""
    name = a.name
    if name.endswith(")") and "(" in name:
        return f"{name[:-1]}; {a.step})"
    return f"{name} ({a.step})"


def _to_verify(a: Assessment) -> str:
    return _and(v.label for v in a.unknown)


def _funds(a: Assessment) -> str:
    return _and(a.needs)


def _high_risk_notes(a: Assessment) -> list[str]:
    """The HIGH risks the answer accepts (resourcing is already a condition when it needs funding)."""
    return [
        f"It accepts a HIGH {RISK_WORDS[name]} risk: {a.risks[name].reason}."
        for name in a.high_risks
        if not (name == "resourcing" and a.needs)
    ]


def _first(options: Sequence[Assessment], pred, tag, start: int = 0) -> Assessment | None:
    """The first option from `start` on that `pred` accepts; a ranked sequence answers from
    the positions it keeps under `tag` (the same option, without ranking the rest)."""
    if isinstance(options, Ranked) and tag in options.tags:
        return options.first_in(options.tags[tag])  # tags never hold the options before `start`
    return next((a for a in options[start:] if pred(a)), None)


def state_answer(rec: Recommendation) -> Answer:
    """The answer in one headline with its conditions — what an architect would sign.

    Fit comes before the ladder: an option that fits is adopted; a better-placed share option
    that is unverified or needs resourcing is named as the preferred choice *if* its facts
    are confirmed or its needs funded. Build is the answer only when nothing fits or the
    profile justifies it, and then it names what to build on.
    """
    if rec.scope_problem:
        return Answer(None, "", "", f"Nothing to recommend: {rec.scope_problem}.", rec.scope_problem)
    options = rec.options
    justified = rec.build is not None and not rec.build.only_option
    if not options or justified:
        return _build_answer(rec)
    top = options[0]
    conditions: list[str] = []
    # Better placed on the ladder in force: a policy's steps, else share before buy.
    place = rec.policy.place if rec.policy is not None and rec.policy.ladder else (lambda a: STEP_RANK[a.option.origin])
    will = rec.profile.context.will_resource

    def preferable(a: Assessment) -> bool:
        """Better placed than the top option, and something the agency could run: an option
        needing resourcing the agency has ruled out is never the preferred choice."""
        return place(a) < place(top) and not (a.needs and will is False)

    better = _first(options, preferable, ("place<", place(top)), start=1)
    if top.tier == FITS or (top.tier == FITS_IF_RESOURCED and will):
        if top.tier == FITS:
            headline = f"Adopt {_named(top)}."
            reason = "meets every hard requirement and the agency can run it"
        else:
            headline = f"Adopt {_named(top)}; the agency will provide {_funds(top)}."
            reason = "meets every hard requirement; the agency has said it will resource what running it needs"
        if better is not None:
            pref = better
            if pref.tier == TO_VERIFY:
                funded = f" and the agency provides {_funds(pref)}" if pref.needs else ""
                conditions.append(
                    f"Prefer {_named(pref)} if its {_to_verify(pref)} {'is' if len(pref.unknown) == 1 else 'are'} confirmed{funded}."
                )
            elif pref.tier == FITS_IF_RESOURCED:
                conditions.append(f"Prefer {_named(pref)} if the agency provides {_funds(pref)}.")
    elif top.tier == FITS_IF_RESOURCED and will is not False:
        headline = f"Adopt {_named(top)} if the agency provides {_funds(top)}."
        reason = "meets every hard requirement, but running it needs capacity or skills the agency has not stated"
        fallback = _first(options, lambda a: a.tier != FITS_IF_RESOURCED or not a.needs, "not-fits-if-resourced", start=1)
        if fallback is not None and fallback.tier == TO_VERIFY:
            conditions.append(f"Otherwise {_named(fallback)}, once its {_to_verify(fallback)} {'is' if len(fallback.unknown) == 1 else 'are'} confirmed.")
        elif fallback is not None:
            conditions.append(f"Otherwise {_named(fallback)}.")
        elif len(options) > 1:
            conditions.append(f"Otherwise {_named(options[1])} if the agency provides {_funds(options[1])}.")
    elif top.tier == FITS_IF_RESOURCED:  # every option needs resourcing the agency ruled out
        headline = f"Adopt {_named(top)} only if the agency can provide {_funds(top)}: nothing else fits."
        reason = "meets every hard requirement, but needs capacity or skills the agency has said it cannot add"
    else:
        headline = f"Verify, then adopt {_named(top)}: confirm its {_to_verify(top)}."
        reason = "no option is known to meet every hard requirement; this one fails none and leads on the ladder"
        if top.needs:
            conditions.append(f"Running it also needs {_funds(top)}.")
        if len(options) > 1:
            nxt = options[1]
            conditions.append(f"If that fails: {_named(nxt)}" + (f" (confirm its {_to_verify(nxt)})." if nxt.unknown else "."))
        resourced = _first(options, lambda a: a.tier == FITS_IF_RESOURCED, "fits-if-resourced")
        if resourced is not None and will is False:
            conditions.append(
                f"{_named(resourced)} meets every hard requirement but needs {_funds(resourced)}, "
                "which the agency has said it cannot add."
            )
    conditions += _high_risk_notes(top)
    if rec.ended:
        conditions.append("Not offered: " + _and(f"{a.name} (ended {a.ended})" for a in rec.ended[:3]) + ".")
    return Answer(top, top.step, top.tier, headline, reason, tuple(conditions))


def _build_answer(rec: Recommendation) -> Answer:
    build = rec.build
    assert build is not None
    foundations = build.foundations
    base = f", on {_named(foundations[0])} as a foundation" if foundations else ""
    conditions: list[str] = []
    if build.only_option:
        if rec.strict and rec.unverified:
            first = rec.unverified[0]
            headline = (
                f"Build only if verification fails: nothing is verified to fit under --strict, "
                f"and {len(rec.unverified)} option{'s are' if len(rec.unverified) != 1 else ' is'} unverified."
            )
            conditions.append(f"Verify {_named(first)} first: {_and(v.label for v in first.unknown)}.")
            reason = "under --strict every remaining option has hard requirements the catalogue cannot decide"
        else:
            closest = _first(rec.near_misses, lambda a: a.ended is None, "not-ended")
            headline = f"Build{base}: nothing fits — no share or buy option meets the hard requirements."
            if closest is not None:
                conditions.append(
                    f"Closest: {_named(closest)}, blocked by {_and(v.label for v in closest.blocking(rec.strict))}."
                )
            reason = "no share or buy option meets the hard requirements"
    else:
        why = [r for r in build.reasons]
        headline = f"Build{base}: {_and(why)}."
        reason = "the profile justifies custom development"
        if rec.options:
            conditions.append(f"Without that, {_named(rec.options[0])} would be the answer ({TIER_WORDS[rec.options[0].tier]}).")
    risk = build.risks["resourcing"]
    conditions.append(f"Resourcing risk of building: {risk.level.upper()} — {risk.reason}.")
    return Answer(None, BUILD, BUILD, headline, reason, tuple(conditions))


def _integration_work(profile: Profile, kept: list[Assessment]) -> str:
    """When options exist and the profile wants integration, the one thing to build is the adapter."""
    wanted = [r.label for r in profile.requirements if KINDS[r.kind].dimension == "system_integration"]
    if not kept or not wanted:
        return ""
    return (
        "Build only the integration: an adapter from the agency's own systems to the chosen "
        f"option ({', '.join(wanted)}), not the capability itself."
    )
