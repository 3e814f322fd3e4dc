"""Decision records in MADR 4.0 (Markdown Architectural Decision Records), filled from a run.

The headings and front matter follow the MADR 4.0 template (adr/madr, template/adr-template.md):
front matter with status, date, decision-makers, consulted and informed; then Context and
Problem Statement, Decision Drivers, Considered Options, Decision Outcome (with Consequences
and Confirmation), Pros and Cons of the Options, and More Information. Tools that read ADR
folders (log4brains, docs sites) read these records as they read hand-written ones.

Everything in a record comes from the recommendation and the run's metadata, so the same
catalogue, profile, policies and `--as-of` date give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from catalog.record import replace
from catalog.text import md_url
from recommender.engine import EXCLUDED, STEPS, TO_VERIFY, Assessment, Recommendation, Verdict
from recommender.policy import Pack, Section, citations, evidence_rows, missing_evidence
from recommender.render import RISK_NAMES, md, plain
from recommender.requirements import FAIL, PASS, UNKNOWN
from recommender.stance import ROLE_LABELS, STANCE_LINES, duties

STATUSES = ("proposed", "rejected", "accepted", "deprecated")
SUPERSEDED = re.compile(r"^superseded by \S.*$")
LEADING = 3  # options given their own pros-and-cons section
BUILD_NAME = "Build (custom development)"
VERBS = {"meets", "fails", "leads", "is", "has", "needs", "runs", "ranks"}  # a reason that needs a subject


@dataclass(frozen=True)
class CatalogueSource:
    """One catalogue source read for the run, with what pins its content."""

    name: str
    kind: str  # directory, git, bundled
    location: str
    commit: str  # git sources: the commit checked out
    digest: str  # every source: sha256 of its tool files (path and bytes, in path order)
    tools: int


@dataclass(frozen=True)
class RecordMeta:
    """What a record says besides the recommendation: who decided, when, and how to reproduce it."""

    status: str = "proposed"
    date: date | None = None
    decision_makers: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    as_of: date | None = None
    tool_version: str = ""
    profile_ref: str = ""  # the profile file given, or "" for flags only
    sources: tuple[CatalogueSource, ...] = field(default_factory=tuple)


def status_problem(status: str) -> str:
    """Why a status is not a MADR status, or ""."""
    if status in STATUSES or SUPERSEDED.match(status):
        return ""
    return f"unknown status `{status}`: use {', '.join(STATUSES)} or `superseded by ADR-NNNN`"


def tool_version() -> str:
    """`sharebuybuild 0.1.0`."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"sharebuybuild {version('sharebuybuild')}"
    except PackageNotFoundError:
        return "sharebuybuild (version unknown)"


def directory_digest(directory: Path) -> str:
    """sha256 over the catalogue's TOML files: each relative path and its bytes, in path order."""
    h = hashlib.sha256()
    base = Path(directory)
    for path in sorted(p for p in base.rglob("*.toml") if p.is_file()):
        h.update(path.relative_to(base).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return "sha256:" + h.hexdigest()


def catalogue_sources(loaded) -> tuple[CatalogueSource, ...]:
    """The sources of a federated load (`FederationResult`) that were read."""
    out = []
    for status in getattr(loaded, "statuses", ()):
        if status.skipped:
            continue
        out.append(
            CatalogueSource(
                status.spec.name, status.spec.kind, status.spec.location, status.commit,
                directory_digest(status.directory), status.tools,
            )
        )
    return tuple(out)


def slug(title: str, limit: int = 60) -> str:
    """A file-name slug: ASCII lower case words joined by hyphens (`online-consultation`)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").casefold()
    words = re.findall(r"[a-z0-9]+", text)
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out or "decision"


# -- the answer -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """The chosen option and why, from the engine's answer when it gives one."""

    option: Assessment | None
    name: str
    headline: str
    reason: str
    conditions: tuple[str, ...]


def outcome_of(rec: Recommendation) -> Outcome:
    """The chosen option: the engine's answer, or the top of the ladder, or build."""
    answer = getattr(rec, "answer", None)
    if answer is not None:
        option = answer.option
        if option is not None:
            name = option.name
        elif answer.step == "build":
            name = BUILD_NAME
        else:  # nothing could be judged (e.g. no capability in scope)
            name = "None: nothing to recommend"
        reason = answer.reason
        if reason.split(" ", 1)[0] in VERBS:
            reason = f"it {reason}"
        return Outcome(option, name, answer.headline, reason, tuple(answer.conditions))
    if rec.options:
        top = rec.options[0]
        verb = "Verify, then adopt" if top.status == TO_VERIFY else "Adopt"
        headline = f"{verb} {top.name} ({top.step})."
        reason = f"it meets every hard requirement and ranks first on the ladder, score {top.score}/{top.score_max}"
        if top.status == TO_VERIFY:
            reason = f"it ranks first on the ladder, but the catalogue does not state {len(top.unknown)} of its hard facts"
        conditions = tuple(f"confirm {v.label}" for v in top.unknown)
        return Outcome(top, top.name, headline, reason, conditions)
    reasons = "; ".join(rec.build.reasons) if rec.build else "no share or buy option meets the hard requirements"
    return Outcome(None, BUILD_NAME, "Build: no share or buy option meets the hard requirements.", reasons, ())


# -- helpers ----------------------------------------------------------------------------------
def _title_outcome(chosen: Outcome) -> str:
    """`adopt X`, `verify, then adopt X`, `adopt X if resourced`, `build`: the title's second half."""
    a = chosen.option
    if a is None:
        return "build" if chosen.name == BUILD_NAME else "nothing to recommend"
    tier = getattr(a, "tier", "") or ("to-verify" if a.status == TO_VERIFY else "fits")
    verb = {"to-verify": "verify, then adopt", "fits-if-resourced": "adopt, if resourced,"}.get(tier, "adopt")
    return f"{verb} {a.name} ({a.step})"


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(plain(text), ensure_ascii=False)


def _front_matter(meta: RecordMeta, when: date) -> list[str]:
    out = ["---", f"status: {_yaml(meta.status)}", f"date: {when.isoformat()}"]
    for key, values in (("decision-makers", meta.decision_makers), ("consulted", meta.consulted), ("informed", meta.informed)):
        if values:
            out.append(f"{key}:")
            out += [f"  - {_yaml(v)}" for v in values]
        else:
            out.append(f"{key}: []")
    out.append("---")
    return out


def _blocking(a: Assessment, strict: bool) -> tuple[Verdict, ...]:
    return a.failed + (a.unknown if strict else ())


def _verdict_text(v: Verdict) -> str:
    """The requirement with the catalogue fact it was judged on."""
    return f"{md(v.label)} (catalogue: {md(v.fact)})"


def _where(a: Assessment, rec: Recommendation | None = None) -> str:
    o = a.option
    extra = f", {md(o.provider)}" if o.provider else ""
    rung = ""
    if rec is not None and rec.policy is not None and rec.policy.ladder:
        rung = f"; policy step: {md(_group(rec, a)[1])}"
    return f"`{a.key}`; {a.step}: {o.origin}, {o.deployment}{extra}{rung}"


def _state(a: Assessment) -> str:
    tier = getattr(a, "tier", "")
    if a.status == EXCLUDED:
        return "excluded"
    return tier or a.status


def _group(rec: Recommendation, a: Assessment) -> tuple[int, str]:
    """(position, label) of the option's step on the ladder in force."""
    policy = rec.policy
    if policy is not None and policy.ladder:
        rung = policy.rung_of(a.option)
        i = policy.rung(a.option)
        return i, (rung.label if rung else "other options")
    return STEPS.index(a.step), a.step


def examined(rec: Recommendation) -> list[Assessment]:
    """Every option examined, in ladder order: by step (or policy rung), kept before excluded."""
    kept = [(_group(rec, a)[0], 0, i, a) for i, a in enumerate(rec.options)]
    gone = [(_group(rec, a)[0], 1, i, a) for i, a in enumerate(rec.excluded)]
    return [a for *_, a in sorted(kept + gone, key=lambda t: t[:3])]


def _risk_lines(risks: dict) -> list[str]:
    out = []
    for name, risk in risks.items():
        if risk.level == "low":
            out.append(f"* Good, because the {RISK_NAMES[name].lower()} risk is low: {md(risk.reason)}")
        else:
            out.append(f"* Bad, because the {RISK_NAMES[name].lower()} risk is {risk.level}: {md(risk.reason)}")
    return out


def _link(text: str, url: str) -> str:
    """A Markdown link whose URL cannot close it early or carry markup."""
    safe = md_url(url)
    return f"[{md(text)}]({safe})" if safe else md(text)


def _security(a: Assessment) -> str:
    """The option's security assessments (scheme, level, scope) and bare certifications."""
    from recommender.policy import _assessment_text

    held = a.option.value("assurance.assessments") or ()
    parts = [_assessment_text(x) for x in held]
    parts += [c for c in a.option.value("assurance.certifications", ()) or () if c not in {x.scheme for x in held}]
    return md("; ".join(parts)) or "not stated"


def _fence(text: str, lang: str = "") -> list[str]:
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, run + 1)
    return [fence + lang, *text.rstrip("\n").split("\n"), fence]


def _value(a: Assessment, key: str) -> str:
    value = a.option.value(key)
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return md(", ".join(str(v) for v in value)) or "none"
    return md(str(value))


# -- the record --------------------------------------------------------------------------------
def to_madr(rec: Recommendation, meta: RecordMeta | None = None) -> str:
    """The recommendation as a MADR 4.0 decision record."""
    meta = meta or RecordMeta()
    as_of = meta.as_of or rec.profile.context.today  # given with --as-of, or in the profile's context
    if as_of != meta.as_of:
        meta = replace(meta, as_of=as_of)
    when = meta.date or as_of or date.today()
    p, ctx = rec.profile, rec.profile.context
    packs: tuple[Pack, ...] = rec.policy.packs if rec.policy else ()
    chosen = outcome_of(rec)
    title = p.title or "Capability sourcing"
    out = _front_matter(meta, when)
    out += ["", f"# {md(title)}: {md(_title_outcome(chosen))}", ""]

    # Context and Problem Statement
    out += ["## Context and Problem Statement", ""]
    if p.description:
        out += [md(p.description), ""]
    caps = next((r for r in p.hard if r.kind == "capabilities"), None)
    need = f"needs {md(', '.join(caps.value))}" if caps else "needs " + (md(", ".join(p.goals)) or "a capability")
    agency = (
        f"The agency ({ctx.level or 'level not stated'} government, {ctx.country or 'country not stated'}; "
        f"ops capacity {ctx.ops_capacity or 'not stated'}; skills {md(', '.join(ctx.skills)) or 'not stated'}) {need}."
    )
    out.append(agency)
    out.append(
        "Which option should it adopt: share (reuse another agency's work or open source), buy, or, "
        "only as a last resort, build?"
    )
    out.append(
        f"{rec.in_scope} of the {rec.total_options} options in the catalogue were examined; {rec.summary()}."
        + (" Unknown hard facts exclude an option (strict)." if rec.strict else "")
    )
    out.append(f"ICT stance: {STANCE_LINES.get(ctx.stance, ctx.stance)}")
    if packs:
        out.append("Policies applied: " + "; ".join(f"{md(k.name)} (`{md(k.id)}`)" for k in packs) + ".")
    out.append("")

    # Decision Drivers
    out += ["## Decision Drivers", ""]
    for r in p.hard:
        out.append(f"* Must hold: {md(r.label)}")
    for r in p.soft:
        out.append(f"* Preference, weight {r.weight}: {md(r.label)}")
    if p.unique_requirements:
        out += [f"* Unique requirement stated: {md(u)}" for u in p.unique_requirements]
    if p.must_control_code:
        out.append("* The agency must control the code")
    if rec.policy is not None:
        if rec.policy.ladder:
            steps = " → ".join(md(r.label) for r in rec.policy.ladder) + " → build"
            out.append(f"* Ladder ({md(rec.policy.ladder_pack.id)}): {steps} ({md(citations(tuple(c for r in rec.policy.ladder for c in r.cites)))})")
        for gate in rec.policy.gates:
            out.append(f"* Must hold for {gate.selector.describe()}: {md(gate.label)} ({md(citations(gate.cites))})")
        for pack in packs:
            for pref in pack.preferences:
                if any(r.kind == pref.requirement for r in p.requirements):
                    continue
                out.append(f"* Preference, weight {pref.weight} ({md(pack.id)}): {md(pref.requirement.replace('_', ' '))} ({md(citations(pref.cites))})")
    else:
        out.append("* Ladder: share before buy; build only as a last resort")
    out.append("")

    # Considered Options
    out += ["## Considered Options", ""]
    rows = examined(rec)
    for a in rows:
        if a.status == EXCLUDED:
            why = "; ".join(_verdict_text(v) for v in _blocking(a, rec.strict))
            out.append(f"* {md(a.name)} ({_where(a, rec)}): excluded by {why}")
        else:
            score = f", score {a.score}/{a.score_max}" if a.score_max else ""
            out.append(f"* {md(a.name)} ({_where(a, rec)}): {_state(a)}{score}")
    if rec.build:
        out.append(f"* {BUILD_NAME}: on the table because {md('; '.join(rec.build.reasons))}")
    else:
        out.append(f"* {BUILD_NAME}: not justified (share or buy options meet the hard requirements; no unique requirement stated)")
    if not rows:
        out.append("* No catalogue option offers the capabilities asked for")
    out.append("")

    # Decision Outcome
    out += ["## Decision Outcome", ""]
    reason = chosen.reason.rstrip(".")
    out.append(f'Chosen option: "{md(chosen.name)}", because {md(reason)}.')
    out += ["", f"Answer: **{md(chosen.headline)}**"]
    if chosen.conditions:
        out += ["", "Conditions:", ""]
        out += [f"* {md(c)}" for c in chosen.conditions]
    if rec.build and chosen.option is None and rec.build.foundations:
        out += ["", "Build on: " + ", ".join(f"`{a.key}`" for a in rec.build.foundations) + "."]
    if rec.integration_work:
        out += ["", md(rec.integration_work)]
    out.append("")

    # Consequences
    out += ["### Consequences", ""]
    if chosen.option is not None:
        out += _risk_lines(chosen.option.risks)
        if chosen.option.used_by:
            out.append(f"* Good, because other agencies already use it: {md(', '.join(chosen.option.used_by))}")
    elif rec.build:
        out += _risk_lines(rec.build.risks)
    out.append("")

    # Confirmation
    out += ["### Confirmation", ""]
    out += _confirmation(rec, chosen, packs)
    out.append("")

    # Pros and Cons of the Options
    out += ["## Pros and Cons of the Options", ""]
    leading = list(rec.options[:LEADING]) or list(rec.near_misses[:LEADING])
    for a in leading:
        out += [f"### {md(a.name)}", ""]
        score = f"; score {a.score}/{a.score_max}" if a.score_max else ""
        used = f"; used by {md(', '.join(a.used_by))}" if a.used_by else ""
        out += [f"{_where(a)}; {_state(a)}{score}{used}", ""]
        for v in a.verdicts:
            kind = "must hold" if v.hard else f"weight {v.weight}"
            if v.requirement.startswith("policy:") and v.fact.startswith("does not apply"):
                continue
            if v.result == PASS:
                out.append(f"* Good, because {_verdict_text(v)} ({kind})")
            elif v.result == FAIL:
                out.append(f"* Bad, because {_verdict_text(v)} ({kind})")
            else:
                out.append(f"* Neutral, because {md(v.label)} is not stated in the catalogue ({kind})")
        out.append("")
    if rec.build:
        out += [f"### {BUILD_NAME}", ""]
        out += [f"* Good, because {md(r)}" for r in rec.build.reasons if not r.startswith("no share")]
        out += _risk_lines(rec.build.risks)
        if rec.build.foundations:
            out.append("* Neutral, because it can build on " + ", ".join(f"`{a.key}`" for a in rec.build.foundations))
        out.append("")

    # More Information
    out += ["## More Information", ""]
    out += _reproduce(rec, meta, when)
    option = chosen.option
    if option is not None:
        out += [f"### Who does what ({ctx.stance} stance, {option.option.deployment})", ""]
        out += ["| role | carried by | how |", "|---|---|---|"]
        for d in duties(ctx.stance, option.option.deployment, option.option.provider):
            out.append(f"| {ROLE_LABELS[d.role]} | {d.carrier} | {md(d.note)} |")
        out.append("")
    for pack in packs:
        for section in pack.sections:
            out += _section(rec, pack, section, chosen)
    out += ["### Sources of the facts", ""]
    shown = leading + ([chosen.option] if chosen.option and chosen.option not in leading else [])
    pages = {s.url: s.title for a in shown for v in a.verdicts for s in v.sources}
    out += [f"* {_link(pages[u] or u, u)}" for u in sorted(pages)] or ["* No verdict above rests on a cited page."]
    return "\n".join(out).rstrip() + "\n"


def _confirmation(rec: Recommendation, chosen: Outcome, packs) -> list[str]:
    out: list[str] = []
    a = chosen.option
    if a is not None:
        for v in a.verdicts:
            if v.result == UNKNOWN:
                kind = "must hold" if v.hard else f"preference, weight {v.weight}"
                out.append(f"* [ ] {md(v.label)}: not stated in the catalogue ({kind})")
            if getattr(v, "disputed", False) or "CONFLICT" in v.fact:
                out.append(f"* [ ] {md(v.label)}: catalogue sources disagree: {md(v.fact)}")
        for need in getattr(a, "needs", ()):
            out.append(f"* [ ] Resourcing: {md(need)}")
        if rec.policy is not None:
            for gate in rec.policy.gates:
                if gate.confirm and gate.selector.matches(a.option) is not False:
                    out.append(f"* [ ] {md(gate.confirm)} ({md(citations(gate.cites))})")
        out.append(f"* [ ] The catalogue entry was last reviewed on {a.tool.last_reviewed.isoformat()}: check the facts above against their sources")
    else:
        out.append("* [ ] A feasibility study of the custom development: activities, costs and time")
    reuse_rejected = a is None or a.step != "share"
    for pack, ev, gap in missing_evidence(rec.profile, packs, reuse_rejected):
        out.append(f"* [ ] {md(ev.label)}: {md(gap)} ({md(citations(ev.cites))})")
    return out


def _reproduce(rec: Recommendation, meta: RecordMeta, when: date) -> list[str]:
    out = [
        f"This record was produced by {md(meta.tool_version or tool_version())}"
        + (f" as of {meta.as_of.isoformat()}" if meta.as_of else f" on {when.isoformat()} (no --as-of date was given)")
        + (", strict" if rec.strict else "")
        + (f", from the profile `{md(meta.profile_ref)}`" if meta.profile_ref else "")
        + ". The same catalogue content, profile, policies and as-of date give the same record.",
        "",
    ]
    if meta.sources:
        out += ["| catalogue source | kind | location | commit | content digest | tools |", "|---|---|---|---|---|---|"]
        for s in meta.sources:
            out.append(f"| {md(s.name)} | {s.kind} | {md(s.location)} | {s.commit or '—'} | {s.digest} | {s.tools} |")
        out.append("")
    packs = rec.policy.packs if rec.policy else ()
    for pack in packs:
        out.append(f"* Policy `{md(pack.id)}`: {md(pack.name)}. " + "; ".join(_link(c.title, c.url) for c in pack.sources))
    if packs:
        out.append("")
    out += ["The profile as applied:", ""]
    out += _fence(rec.profile.to_toml(), "toml")
    out.append("")
    return out


# -- sections that policies add -----------------------------------------------------------------
def _section(rec: Recommendation, pack: Pack, section: Section, chosen: Outcome) -> list[str]:
    out = [f"### {md(section.title)}", ""]
    body = {
        "comparative-assessment": _comparative,
        "impossibility": _impossibility,
        "evidence-table": _evidence_table,
        "checklist": _checklist,
        "statement": lambda rec, pack, section, chosen: [md(section.text), ""],
    }[section.kind](rec, pack, section, chosen)
    out += body
    out += [f"Required by {md(pack.name)}: " + "; ".join(_link(c.text(), c.url) for c in section.cites) + ".", ""]
    return out


def _outcome_cell(rec: Recommendation, a: Assessment, chosen: Outcome) -> str:
    if chosen.option is not None and a.key == chosen.option.key:
        return "chosen"
    if a.status == EXCLUDED:
        return "excluded: " + "; ".join(_verdict_text(v) for v in _blocking(a, rec.strict))
    return _state(a)


def _comparative(rec: Recommendation, pack: Pack, section: Section, chosen: Outcome) -> list[str]:
    out = [
        "Each solution examined, on the ladder of this policy, against the criteria of the comparative "
        "assessment: total cost (with the cost of leaving), open formats and interfaces, and the supplier's "
        "guarantees on security and data protection.",
        "",
        "| solution | category | outcome | cost model and band | exit cost | open formats and interfaces | security and data protection |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in examined(rec):
        _, category = _group(rec, a)
        formats = f"export: {_value(a, 'data.export_formats')}; standards: {_value(a, 'lock_in.open_standards')}; API: {_value(a, 'integration.api')}"
        security = f"assessments: {_security(a)}; data owner: {_value(a, 'data.owner')}; residency: {_value(a, 'data.residency') if a.option.deployment == 'hosted' else 'chosen by the agency'}"
        out.append(
            f"| {md(a.name)} (`{a.key}`) | {md(category)} | {_outcome_cell(rec, a, chosen)} | "
            f"{_value(a, 'cost.model')}, {_value(a, 'cost.band')} | {_value(a, 'lock_in.exit_cost')} | {formats} | {security} |"
        )
    if rec.build:
        out.append(f"| {BUILD_NAME} | development from scratch | {'chosen' if chosen.option is None else 'considered'} | to be estimated in a feasibility study | — | designed by the agency | designed by the agency |")
    out.append("")
    return out


def _impossibility(rec: Recommendation, pack: Pack, section: Section, chosen: Outcome) -> list[str]:
    policy = rec.policy
    ladder = policy.ladder if policy and policy.ladder else ()
    top = policy.rung(chosen.option.option) if chosen.option is not None and ladder else len(ladder)
    # The steps whose options must be ruled out: those the section names, else those above the choice.
    steps = [i for i, r in enumerate(ladder) if r.id in section.rungs] if section.rungs else list(range(top))
    if not ladder or not steps or top in steps or top < min(steps):
        a = chosen.option
        if a is None:
            return ["Not required: no steps of the ladder to rule out.", ""]
        pending = " once its open facts are confirmed (see Confirmation)" if _state(a) == TO_VERIFY else ""
        return [f"Not required: the chosen option, {md(a.name)}, is on the step {md(_group(rec, a)[1])}, which meets the need{pending}.", ""]
    above = [ladder[i].label for i in steps]
    out = [
        f"No solution in {md(' or '.join(above))} meets the agency's requirements, so the assessment "
        f"moves to {md(ladder[top].label) if top < len(ladder) else 'development from scratch'}. "
        "Each solution examined and what rules it out:",
        "",
    ]
    shown = False
    for a in examined(rec):
        if policy.rung(a.option) not in steps:
            continue
        shown = True
        if a.status == EXCLUDED:
            out.append(f"* {md(a.name)} (`{a.key}`): " + "; ".join(_verdict_text(v) for v in _blocking(a, rec.strict)))
        else:
            out.append(f"* {md(a.name)} (`{a.key}`): {_state(a)}, ranked below the chosen option")
    if not shown:
        out.append("* The catalogue holds no solution of these kinds for the capabilities asked for.")
    out.append("")
    return out


def _evidence_table(rec: Recommendation, pack: Pack, section: Section, chosen: Outcome) -> list[str]:
    out: list[str] = []
    for ev in pack.evidence:
        rows = evidence_rows(rec.profile, ev.id)
        out += [f"{md(ev.label)}, as recorded by the agency:", ""]
        if rows:
            out += ["| " + " | ".join(ev.fields) + " |", "|" + "---|" * len(ev.fields)]
            for row in rows:
                out.append("| " + " | ".join(md(row.get(f, "")) or "not recorded" for f in ev.fields) + " |")
        else:
            out.append(f"None recorded: add `[[evidence.{ev.id}]]` tables to the profile.")
        out.append("")
    first = rec.policy.ladder[0] if rec.policy and rec.policy.ladder else None
    gov = [a for a in examined(rec) if first is not None and first.selector.matches(a.option) is True]
    out += ["Government services examined from the catalogue:", ""]
    if gov:
        out += ["| system | provider | users (agencies) | security assessments | outcome |", "|---|---|---|---|---|"]
        for a in gov:
            users = f"{len(a.used_by)}: {md(', '.join(a.used_by))}" if a.used_by else "not stated"
            out.append(f"| {md(a.name)} (`{a.key}`) | {md(a.option.provider) or 'not stated'} | {users} | {_security(a)} | {_outcome_cell(rec, a, chosen)} |")
    else:
        out.append("None in the catalogue for the capabilities asked for.")
    out.append("")
    return out


def _checklist(rec: Recommendation, pack: Pack, section: Section, chosen: Outcome) -> list[str]:
    options = list(rec.options[:LEADING])
    if chosen.option is not None and chosen.option not in options:
        options.insert(0, chosen.option)
    if not options:
        return ["No share or buy option remains; the points apply to what the agency builds.", ""]
    out = ["| option | open source (point 3) | open standards (point 4) | reuse (point 8) | exit (point 11, Service Standard 11) |", "|---|---|---|---|---|"]
    for a in options:
        licence = _value(a, "lock_in.licence")
        reuse = f"used by {len(a.used_by)} agencies" if a.used_by else "no reuse evidence stated"
        exit_ = f"exit cost {_value(a, 'lock_in.exit_cost')}; full export {_value(a, 'data.full_export')}; independent providers {_value(a, 'lock_in.independent_providers')}"
        out.append(f"| {md(a.name)} (`{a.key}`) | licence {licence} | {_value(a, 'lock_in.open_standards')} | {reuse} | {exit_} |")
    out.append("")
    return out
