"""The recommend engine: verdicts for every option, the ladder, the build gate, near misses.

Pure functions of (catalogue, profile): the same input gives the same output, byte for byte,
whatever order the catalogue files were read in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from catalog.model import Catalog, Option, Source, Tool
from catalog.schema import STEP_OF_ORIGIN
from recommender.policy import Policy, policy_for
from recommender.profile import Profile, Requirement
from recommender.requirements import FAIL, KINDS, PASS, UNKNOWN, Context, Outcome
from recommender.risks import Risk, assess, build_risks

STEPS = ("share", "buy", "build")
STEP_RANK = {origin: STEPS.index(step) for origin, step in STEP_OF_ORIGIN.items()}
RECOMMENDED, TO_VERIFY, EXCLUDED = "recommended", "to-verify", "excluded"
NEAR_MISS_LIMIT = 2  # hard requirements an option may fail and still be named as a near miss
FOUNDATIONS = 3


# Verdicts and assessments are made in the hot loop: plain slotted classes, since frozen
# dataclasses pay for object.__setattr__ on every field.
@dataclass(slots=True)
class Verdict:
    """One requirement judged on one option, with the catalogue fact behind it."""

    requirement: str
    label: str
    hard: bool
    weight: int
    result: str
    fact: str
    sources: tuple[Source, ...] = ()

    @property
    def points(self) -> int:
        """What this verdict adds to the score: a soft preference's weight when it passes."""
        return self.weight if (not self.hard and self.result == PASS) else 0


class Basis:
    """What every option of one recommendation is judged against, worked out once per call:
    the profile's requirements with their kinds, labels and outcome memos."""

    __slots__ = ("requirements", "kinds", "labels", "memos", "context", "demanded", "score_max", "rows", "tool_users")

    def __init__(self, profile: Profile, judge: "Judge | None" = None):
        self.requirements = profile.requirements
        self.kinds = tuple(KINDS[r.kind] for r in profile.requirements)
        self.labels = tuple(r.label for r in profile.requirements)
        self.memos = tuple(judge.memo(r, profile.context) if judge else None for r in profile.requirements)
        self.context = profile.context
        self.demanded = frozenset(r.kind for r in profile.requirements)
        self.score_max = sum(r.weight for r in profile.requirements if not r.hard)
        # What the hot loop needs of each requirement, in one tuple per requirement.
        self.rows = tuple(
            (i, r.value, r.hard, r.weight, kind.evaluate, memo)
            for i, (r, kind, memo) in enumerate(zip(self.requirements, self.kinds, self.memos))
        )
        self.tool_users: dict[str, int] = {}  # agencies using each tool, counted once per call


@dataclass(slots=True)
class Assessment:
    """An option judged against a profile.

    The hot loop keeps only each requirement's outcome and the positions of hard fails and
    unknowns; verdicts and risks are made when something reads them.
    """

    tool: Tool
    option: Option
    status: str
    outcomes: tuple[Outcome, ...]
    basis: Basis
    failed_at: tuple[int, ...] = ()  # positions of hard requirements that fail
    unknown_at: tuple[int, ...] = ()  # positions of hard requirements the catalogue cannot decide
    score: int = 0  # sum of the weights of the soft preferences that pass
    _verdicts: tuple[Verdict, ...] | None = field(default=None, compare=False, repr=False)
    _risks: dict[str, Risk] = field(default_factory=dict, compare=False, repr=False)

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Every requirement's verdict, with the catalogue fact behind it."""
        if self._verdicts is None:
            basis = self.basis
            self._verdicts = tuple(
                Verdict(req.kind, label, req.hard, req.weight, o.result, o.fact, o.sources)
                for req, label, o in zip(basis.requirements, basis.labels, self.outcomes)
            )
        return self._verdicts

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

    @property
    def risks(self) -> dict[str, Risk]:
        """The four risks for this agency, worked out on first use (they cost more than verdicts)."""
        if not self._risks:
            self._risks.update(assess(self.tool, self.option, self.basis.context, set(self.basis.demanded)))
        return self._risks

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

    def rank_key(self) -> tuple:
        """Ladder step, outright passes before to-verify, score, reuse evidence, then name.

        Reuse evidence is the number of agencies using this option (united across federated
        catalogues), then using any option of the tool: more users, a safer share.
        """
        tool_users = self.basis.tool_users.get(self.tool.id)
        if tool_users is None:
            tool_users = self.basis.tool_users[self.tool.id] = len(self.tool.used_by)
        return (
            STEP_RANK[self.option.origin],
            0 if self.status == RECOMMENDED else 1,
            -self.score,
            -len(self.option.value("reuse.used_by", ())),
            -tool_users,
            self.tool.name.casefold(),
            self.tool.id,
            self.option.id,
        )


@dataclass(frozen=True)
class Build:
    """Custom development: why it is on the table, what to build on, and its risks."""

    reasons: tuple[str, ...]
    foundations: tuple[Assessment, ...]
    risks: dict[str, Risk]
    only_option: bool  # True when nothing shareable or buyable remains


@dataclass(frozen=True)
class Relaxation:
    """How many options one hard requirement removes by itself."""

    requirement: Requirement
    removes: int


@dataclass(frozen=True)
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
    integration_work: str = ""
    excluded: tuple[Assessment, ...] = ()  # every option examined and excluded, in ladder order
    policy: "Policy | None" = None  # the policy packs applied (recommender.policy)

    @cached_property
    def counts(self) -> dict[str, int]:
        """Options remaining by step, and how many of them need verifying."""
        out = {"share": 0, "buy": 0, "to_verify": 0}
        for a in self.options:
            out[a.step] += 1
            out["to_verify"] += a.status == TO_VERIFY
        return out

    @property
    def only_build(self) -> bool:
        """No share or buy option remains."""
        return not self.options

    def summary(self) -> str:
        """"23 options: 9 share · 14 buy" — the live count."""
        c = self.counts
        text = f"{len(self.options)} option{'s' if len(self.options) != 1 else ''}: {c['share']} share · {c['buy']} buy"
        if c["to_verify"]:
            text += f" ({c['to_verify']} to verify)"
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
    if failed or (strict and unknown):
        status = EXCLUDED
    elif unknown:
        status = TO_VERIFY
    else:
        status = RECOMMENDED
    return Assessment(tool, option, status, tuple(outcomes), basis, tuple(failed), tuple(unknown), score)


class Judge:
    """Recommends against one catalogue again and again, remembering each requirement's
    outcome per option: when a person changes one answer, only that requirement is judged
    anew (what-if in the TUI). Outcomes depend on the requirement's kind and value and on
    the agency's context, not on hard/soft or weight, so flipping those costs no judging."""

    def __init__(self, catalog: Catalog, remember: int = 64):
        self.catalog = catalog
        self.remember = remember
        self._memos: dict[tuple, dict] = {}

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
        """The same answer as `recommend(catalog, profile, strict)`."""
        return recommend(self.catalog, profile, strict, self)


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


def recommend(catalog: Catalog, profile: Profile, strict: bool = False, judge: Judge | None = None) -> Recommendation:
    """Judge every option in scope, rank the survivors on the ladder, and gate build."""
    profile = profile.effective()
    basis = Basis(profile, judge)
    policy = policy_for(profile)
    if policy is not None:  # policy gates and preferences join the profile's requirements
        basis = policy.extend(basis)
    rank_key = policy.rank_key(Assessment.rank_key) if policy else Assessment.rank_key
    assessed = [_judge(t, o, basis, strict) for t in in_scope(catalog, profile) for o in t.options]
    kept = sorted((a for a in assessed if a.status != EXCLUDED), key=rank_key)
    excluded = sorted((a for a in assessed if a.status == EXCLUDED), key=rank_key)

    def blocking(a: Assessment) -> tuple[int, ...]:
        return a.failed_at + (a.unknown_at if strict else ())

    near = sorted(
        (a for a in excluded if len(blocking(a)) <= NEAR_MISS_LIMIT),
        key=lambda a: (len(blocking(a)), *a.rank_key()),
    )
    # How many options each hard requirement removes by itself: those it alone blocks.
    alone: dict[int, int] = {}
    for a in excluded:
        blocked = blocking(a)
        if len(blocked) == 1:
            alone[blocked[0]] = alone.get(blocked[0], 0) + 1
    relaxation = [
        Relaxation(req, alone.get(i, 0)) for i, req in enumerate(basis.requirements) if req.hard
    ]
    order = {r.kind: i for i, r in enumerate(r for r in basis.requirements if r.hard)}
    relaxation.sort(key=lambda r: (-r.removes, order[r.requirement.kind]))

    build = _build_gate(profile, kept, near, assessed)
    return Recommendation(
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
    )


def _build_gate(profile: Profile, kept: list[Assessment], near: list[Assessment], assessed: list[Assessment]) -> Build | None:
    """Build only when nothing fits, or when the profile justifies it."""
    reasons = []
    if not kept:
        reasons.append("no share or buy option meets the hard requirements")
    for item in profile.unique_requirements:
        reasons.append(f"unique requirement stated: {item}")
    if profile.must_control_code:
        reasons.append("the agency must control the code")
    if not reasons:
        return None
    pool = kept or near or sorted(assessed, key=lambda a: (len(a.failed_at), *a.rank_key()))
    # Foundations: prefer code the agency can take and extend — open-source options first.
    foundations = sorted(pool, key=lambda a: (a.option.origin != "open-source", len(a.failed_at), *a.rank_key()))
    return Build(tuple(reasons), tuple(foundations[:FOUNDATIONS]), build_risks(profile.context), not kept)


def _integration_work(profile: Profile, kept: list[Assessment]) -> str:
    """When options exist and the profile wants integration, the one thing to build is the adapter."""
    wanted = [r.label for r in profile.requirements if KINDS[r.kind].dimension == "system_integration"]
    if not kept or not wanted:
        return ""
    return (
        "Build only the integration: an adapter from the agency's own systems to the chosen "
        f"option ({', '.join(wanted)}), not the capability itself."
    )
