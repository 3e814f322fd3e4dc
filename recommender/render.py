"""Recommendations as text: an 80-column table, versioned JSON, Markdown, a decision record.

Catalogue and profile text is shown literally: control characters are made visible, and
Markdown output escapes markup so that a tool's name cannot style or link anything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from catalog import cells
from catalog.text import md_url, neutralise
from recommender.engine import FITS, FITS_IF_RESOURCED, TIER_WORDS, TO_VERIFY, Answer, Assessment, Recommendation, Verdict
from recommender.requirements import FAIL, PASS, UNKNOWN
from recommender.stance import ROLE_LABELS, duties

if TYPE_CHECKING:
    from collections.abc import Iterator

OUTPUT_VERSION = 2  # 2: the answer, tiers, needs, the decision date, ended options
RISK_NAMES = {
    "resourcing": "Resourcing",
    "data_control": "Data control",
    "platform_control": "Platform control",
    "system_integration": "System integration",
}
MARK = {PASS: "✓", FAIL: "✗", UNKNOWN: "?"}
TIER_HEADINGS = {
    FITS: "meets every hard requirement, and the agency can run it",
    FITS_IF_RESOURCED: "meets every hard requirement, but needs capacity or skills the agency has not stated",
    TO_VERIFY: "fails no hard requirement, but the catalogue cannot decide some",
}
# Enough to stop emphasis, code, links, images, HTML and table breaks; `(` is inert without `[`.
_MD_SPECIAL = r"([\\`*_{}\[\]<>|~])"  # compiled (and kept) by `re` when Markdown is first drawn


def plain(text: str) -> str:
    """Text with control, escape, BiDi and zero-width characters made visible and harmless."""
    return neutralise(text)


def one_line(text: str) -> str:
    """`plain`, with line breaks and tabs as spaces: one value can never make a second row."""
    return neutralise(text, single_line=True)


def md(text: str) -> str:
    """Text safe inside Markdown: control characters visible, markup characters escaped."""
    return re.sub(_MD_SPECIAL, r"\\\1", plain(text)).replace("\n", " ")


# -- JSON -----------------------------------------------------------------------------------
def _verdict_json(v: Verdict) -> dict:
    return {
        "requirement": v.requirement,
        "label": v.label,
        "hard": v.hard,
        "weight": v.weight,
        "result": v.result,
        "fact": v.fact,
        "sources": [s.url for s in v.sources],
        "points": v.points,
        "stated_by": list(v.stated_by),
        "disputed": v.disputed,
        "provenance": [p.as_dict() for p in v.provenance],
    }


def _option_json(a: Assessment, stance: str) -> dict:
    return {
        "id": a.key,
        "tool": a.tool.id,
        "option": a.option.id,
        "name": a.name,
        "step": a.step,
        "origin": a.option.origin,
        "deployment": a.option.deployment,
        "provider": a.option.provider,
        "status": a.status,
        "tier": a.tier,
        "needs": list(a.needs),
        "to_verify": [v.label for v in a.unknown],
        "score": a.score,
        "score_max": a.score_max,
        "contributions": [
            {"requirement": v.requirement, "weight": v.weight, "result": v.result, "points": v.points}
            for v in a.verdicts
            if not v.hard
        ],
        "verdicts": [_verdict_json(v) for v in a.verdicts],
        "risks": {name: {"level": r.level, "reason": r.reason} for name, r in a.risks.items()},
        "used_by": list(a.used_by),
        "roles": {d.role: {"carrier": d.carrier, "note": d.note} for d in duties(stance, a.option.deployment, a.option.provider)},
        "homepage": a.tool.homepage,
        "last_reviewed": a.tool.last_reviewed.isoformat(),
    }


def _answer_json(answer: Answer | None) -> dict | None:
    if answer is None:
        return None
    return {
        "option": answer.option.key if answer.option is not None else None,
        "step": answer.step or None,
        "tier": answer.tier or None,
        "headline": answer.headline,
        "reason": answer.reason,
        "conditions": list(answer.conditions),
        "text": answer.text,
    }


def to_data(rec: Recommendation) -> dict:
    """The recommendation as plain data: the documented JSON shape (see OUTPUT.md)."""
    return _data(rec, list(_options_data(rec)))


def _options_data(rec: Recommendation) -> Iterator[dict]:
    """Each option remaining, as plain data, one at a time (then build, when it is an option)."""
    stance = rec.profile.context.stance
    for a in rec.options:
        yield _option_json(a, stance)
    if rec.build:
        yield {
            "id": "build",
            "tool": None,
            "option": None,
            "name": "Build (custom development)",
            "step": "build",
            "origin": "build",
            "deployment": "self-hosted",
            "provider": "",
            "status": "only-option" if rec.build.only_option else "justified",
            "tier": "build",
            "needs": [],
            "to_verify": [],
            "score": None,
            "score_max": None,
            "contributions": [],
            "verdicts": [],
            "risks": {n: {"level": r.level, "reason": r.reason} for n, r in rec.build.risks.items()},
            "reasons": list(rec.build.reasons),
            "foundations": [a.key for a in rec.build.foundations],
            "used_by": [],
            "roles": {},
        }


def _data(rec: Recommendation, options: list) -> dict:
    ctx = rec.profile.context
    return {
        "schema_version": OUTPUT_VERSION,
        "as_of": rec.as_of.isoformat() if rec.as_of else None,
        "answer": _answer_json(rec.answer),
        "profile": {
            "title": rec.profile.title,
            "goals": list(rec.profile.goals),
            "context": {
                "country": ctx.country,
                "level": ctx.level,
                "sectors": list(ctx.sectors),
                "stance": ctx.stance,
                "ops_capacity": ctx.ops_capacity,
                "skills": list(ctx.skills),
                "will_resource": ctx.will_resource,
                "uses_features": list(ctx.uses_features),
            },
            "hard": [{"requirement": r.kind, "value": _jsonable(r.value)} for r in rec.profile.hard],
            "soft": [{"requirement": r.kind, "value": _jsonable(r.value), "weight": r.weight} for r in rec.profile.soft],
            "unique_requirements": list(rec.profile.unique_requirements),
            "must_control_code": rec.profile.must_control_code,
            "policies": [{"id": k.id, "name": k.name, "sources": [c.url for c in k.sources]} for k in rec.profile.policies],
        },
        "strict": rec.strict,
        "summary": {
            "options_in_catalogue": rec.total_options,
            "in_scope": rec.in_scope,
            "remaining": len(rec.options),
            "share": rec.counts["share"],
            "buy": rec.counts["buy"],
            "fits": rec.counts[FITS],
            "fits_if_resourced": rec.counts[FITS_IF_RESOURCED],
            "to_verify": rec.counts["to_verify"],
            "unverified_removed": len(rec.unverified),
            "ended": len(rec.ended),
            "build": rec.build is not None,
            "only_build": rec.only_build,
            "scope_problem": rec.scope_problem or None,
        },
        "options": options,
        "near_misses": [
            {
                "id": a.key,
                "name": a.name,
                "step": a.step,
                "blocked_by": [v.requirement for v in a.blocking(rec.strict)],
                "facts": [v.fact for v in a.blocking(rec.strict)],
                "ended": a.ended.isoformat() if a.ended else None,
                "unverified": a in rec.unverified,
            }
            for a in rec.near_misses
        ],
        "relaxation": [{"requirement": r.requirement.kind, "removes": r.removes} for r in rec.relaxation],
        "integration_work": rec.integration_work,
    }


def _jsonable(value):
    return list(value) if isinstance(value, tuple) else value


def _blocked(v: Verdict) -> str:
    """What blocks an option: the requirement and its fact, without saying the name twice."""
    name = v.requirement.replace("_", " ")
    if v.requirement == "in_service" or v.fact.casefold().startswith(name):
        return v.fact
    return f"{v.requirement}: {v.fact}"


def to_json(rec: Recommendation) -> str:
    """Stable, indented JSON."""
    return "".join(json_pieces(rec))


def json_pieces(rec: Recommendation) -> Iterator[str]:
    """`to_json`'s text in pieces, one option at a time: the answer for 100,000 tools (over
    12,000 options, 39 MB of JSON) is never held whole, neither as data nor as text."""
    import json  # only here: a table or Markdown run does not pay for importing it
    import os
    from itertools import chain

    options = _options_data(rec)
    first = next(options, None)
    if first is None:
        yield json.dumps(_data(rec, []), indent=2, ensure_ascii=False) + "\n"
        return
    # The rest of the answer, with one stand-in for the options: its place in the text is where
    # the options go, each indented as the second level of the document. The stand-in is drawn
    # at random, so no text of the catalogue or the profile can be it.
    stand_in = f"\0options {os.urandom(12).hex()}\0"
    rest = json.dumps(_data(rec, [stand_in]), indent=2, ensure_ascii=False)
    before, _, after = rest.partition(json.dumps(stand_in))
    indent = "\n" + " " * 4
    separator = before
    for option in chain((first,), options):
        yield separator
        yield json.dumps(option, indent=2, ensure_ascii=False).replace("\n", indent)
        separator = "," + indent
    yield after + "\n"


# -- table ----------------------------------------------------------------------------------
def _short(level: str) -> str:
    return {"low": "low", "medium": "med", "high": "HIGH"}[level]


# Provenance marks after a requirement in the table: a fact another source disputes, and a
# fact only sources other than the highest-precedence one state.
DISPUTED, ELSEWHERE = "!", "*"


def provenance_mark(v: Verdict, home: str) -> str:
    """`!` when a fact behind the verdict is disputed, `*` when only other agencies' catalogues state it."""
    from recommender.provenance import from_elsewhere

    mark = DISPUTED if v.disputed else ""
    if from_elsewhere(v.stated_by, home):
        mark += ELSEWHERE
    return mark


def _disputed_anywhere(a: Assessment) -> bool:
    """Whether another source states something else for any fact of the option, or for what
    the tool is (its name, its capabilities)."""
    return any(f.conflicts for f in a.option.facts.values()) or any(len(claims) > 1 for _key, claims in a.tool.claims)


def _verdict_line(a: Assessment, home: str = "") -> str:
    # With one catalogue source (no home) and nothing about the option disputed, no verdict can
    # carry a mark: the facts behind each (every requirement judged again, noting what it
    # reads) are not worked out.
    marked = bool(home) or _disputed_anywhere(a)
    parts = []
    for v in a.verdicts:
        mark = provenance_mark(v, home) if marked else ""
        if v.result != PASS or not v.hard or mark:
            parts.append(f"{MARK[v.result]}{v.requirement}{mark}")
    return " ".join(parts)


def _nothing_fits(rec: Recommendation) -> str:
    """Why no option remains, honestly: failing, or only unverified under --strict."""
    if rec.strict and rec.unverified:
        return (
            f"No share or buy option is verified to meet the hard requirements: {len(rec.unverified)} "
            "removed under --strict because facts are unknown (see the near misses for what to verify)."
        )
    return "No share or buy option meets the hard requirements."


def answer_lines(rec: Recommendation, width: int = 80) -> list[str]:
    """The answer, wrapped: the first thing every text output shows."""
    text = rec.answer.text if rec.answer else ""
    return cells.wrap("Answer: " + one_line(text), width, subsequent_indent="  ") if text else []


def _scope_line(rec: Recommendation) -> str:
    return (
        f"{rec.in_scope} of {rec.total_options} catalogue options in scope · {rec.summary()}"
        + (" · strict" if rec.strict else "")
    )


def to_table(rec: Recommendation, width: int = 80) -> str:
    """A plain-text report readable at 80 columns: the answer, then the options by tier."""
    out: list[str] = []
    title = plain(rec.profile.title) or "Recommendation"
    out.append(title)
    out.append("=" * min(cells.width(title), width))
    out += answer_lines(rec, width)
    out += cells.wrap(_scope_line(rec), width)
    name_w = width - 38
    for tier in rec.tiers:
        rows = rec.in_tier(tier)
        if not rows:
            continue
        out.append("")
        out += cells.wrap(f"{TIER_WORDS[tier].upper()} ({len(rows)}): {TIER_HEADINGS[tier]}", width, subsequent_indent="  ")
        out.append(f"  {'#':>2} {'option':<{name_w}} {'step':<5} {'score':>5}  res  data plat intg")
        for i, a in enumerate(rows, 1):
            name = cells.ljust(cells.clip(one_line(a.name), name_w), name_w)  # in cells: wide names align
            r = a.risks
            score = f"{a.score}/{a.score_max}" if a.score_max else "-"
            out.append(
                f"  {i:>2} {name} {a.step:<5} {score:>5}  {_short(r['resourcing'].level):<5}"
                f"{_short(r['data_control'].level):<5}{_short(r['platform_control'].level):<5}{_short(r['system_integration'].level)}"
            )
            if a.needs:
                out += cells.wrap("needs: " + plain("; ".join(a.needs)), width - 7, initial_indent="       ", subsequent_indent="         ")
            if a.unknown:
                out += cells.wrap("verify: " + plain("; ".join(v.label for v in a.unknown)), width - 7, initial_indent="       ", subsequent_indent="         ")
            detail = _verdict_line(a, rec.home)
            if detail:
                for line in cells.wrap(detail, width - 8):
                    out.append(f"       {line}")
    if not rec.options and not rec.scope_problem:
        out += ["", _nothing_fits(rec)]
    out.append("")
    if rec.build:
        out.append("BUILD (last resort)")
        for reason in rec.build.reasons:
            out.extend(cells.wrap(plain(reason), width - 4, initial_indent="  - ", subsequent_indent="    "))
        if rec.build.foundations:
            names = ", ".join(a.key for a in rec.build.foundations)
            out.extend(cells.wrap(f"build on: {names}", width - 4, initial_indent="  ", subsequent_indent="    "))
        out.append(f"  resourcing risk: {rec.build.risks['resourcing'].level}")
    else:
        out.append("BUILD: not justified (share or buy options remain; no unique requirement stated)")
    if rec.integration_work:
        out.append("")
        out.extend(cells.wrap(rec.integration_work, width))
    if rec.near_misses:
        out.append("")
        out.append("NEAR MISSES")
        for a in rec.near_misses[:10]:
            blocked = "; ".join(plain(_blocked(v)) for v in a.blocking(rec.strict))
            out.extend(
                cells.wrap(
                    f"{a.key} ({a.step}) blocked by {blocked}", width - 2, initial_indent="  ", subsequent_indent="      "
                )
            )
        if len(rec.near_misses) > 10:
            out.append(f"  … and {len(rec.near_misses) - 10} more (see --format json)")
    if rec.relaxation:
        out.append("")
        out.append("WHAT EACH HARD REQUIREMENT COSTS (options it alone removes)")
        for r in rec.relaxation:
            out.append(cells.cut(f"  {r.removes:>3}  {one_line(r.requirement.label)}", width))
    if rec.unverified:
        out.append(f"  {len(rec.unverified):>3}  removed as unverified under --strict (listed among the near misses)")
    out.append("")
    out.append("✓ pass  ✗ fail  ? unknown (not stated in the catalogue) · risks: low/med/HIGH")
    if len(rec.sources) > 1:
        out.append(f"{DISPUTED} disputed by another catalogue source  {ELSEWHERE} stated only by another agency's catalogue (not {plain(rec.home)}, not the bundled one)")
    out.append("res/data/plat/intg: resourcing, data control, platform control, integration")
    if rec.as_of:
        out.append(f"Decision date {rec.as_of} (set it with --as-of to reproduce this run).")
    return "\n".join(out) + "\n"


# -- Markdown ---------------------------------------------------------------------------------
def _sources_md(v: Verdict) -> str:
    return " ".join(f"[{i}]({md_url(s.url)})" for i, s in enumerate(v.sources[:3], 1)) or "—"


def _option_md(a: Assessment, stance: str, level: int = 3) -> list[str]:
    h = "#" * level
    out = [f"{h} {md(a.name)}", ""]
    out.append(
        f"`{a.key}` · {a.step} ({a.option.origin}, {a.option.deployment}"
        + (f", {md(a.option.provider)}" if a.option.provider else "")
        + f") · {TIER_WORDS.get(a.tier, a.status)} · score {a.score}/{a.score_max}"
    )
    if a.needs:
        out.append(f"Needs: {md('; '.join(a.needs))}")
    if a.unknown:
        out.append(f"To verify: {md('; '.join(v.label for v in a.unknown))}")
    if a.used_by:
        out.append(f"Used by: {md(', '.join(a.used_by))}")
    out += ["", "| requirement | hard/soft | result | catalogue fact | sources |", "|---|---|---|---|---|"]
    for v in a.verdicts:
        kind = "hard" if v.hard else f"soft ×{v.weight}"
        out.append(f"| {md(v.label)} | {kind} | {MARK[v.result]} {v.result} | {md(v.fact)} | {_sources_md(v)} |")
    out += ["", "| risk | level | why |", "|---|---|---|"]
    for name, risk in a.risks.items():
        out.append(f"| {RISK_NAMES[name]} | {risk.level} | {md(risk.reason)} |")
    out += ["", f"Who does what ({stance} stance, {a.option.deployment}):", "", "| role | carried by | how |", "|---|---|---|"]
    for d in duties(stance, a.option.deployment, a.option.provider):
        out.append(f"| {ROLE_LABELS[d.role]} | {d.carrier} | {md(d.note)} |")
    out.append("")
    return out


def to_markdown(rec: Recommendation) -> str:
    """A Markdown report: every option's verdicts with their facts and sources."""
    stance = rec.profile.context.stance
    out = [f"# {md(rec.profile.title or 'Recommendation')}", ""]
    if rec.answer:
        out += [f"**Answer:** {md(rec.answer.text)}", ""]
    out.append(md(_scope_line(rec)) + (f" · decision date {rec.as_of}" if rec.as_of else ""))
    out.append("")
    if not rec.options:
        out += [md(_nothing_fits(rec)), ""]
    for tier in rec.tiers:
        rows = rec.in_tier(tier)
        if not rows:
            continue
        out += [f"## {TIER_WORDS[tier].capitalize()} ({len(rows)})", "", f"{TIER_HEADINGS[tier].capitalize()}; share before buy.", ""]
        for a in rows:
            out += _option_md(a, stance)
    out += ["## Build", ""]
    if rec.build:
        out += [f"- {md(r)}" for r in rec.build.reasons]
        if rec.build.foundations:
            out.append("- Foundations to build on: " + ", ".join(f"`{a.key}`" for a in rec.build.foundations))
        out += ["", "| risk | level | why |", "|---|---|---|"]
        out += [f"| {RISK_NAMES[n]} | {r.level} | {md(r.reason)} |" for n, r in rec.build.risks.items()]
    else:
        out.append("Not justified: share or buy options meet the hard requirements and no unique requirement is stated.")
    out.append("")
    if rec.integration_work:
        out += [rec.integration_work, ""]
    out += _near_and_relax_md(rec)
    return "\n".join(out).rstrip() + "\n"


def _near_and_relax_md(rec: Recommendation) -> list[str]:
    out: list[str] = []
    if rec.near_misses:
        out += ["## Near misses", "", "| option | step | blocked by |", "|---|---|---|"]
        for a in rec.near_misses:
            blocked = "; ".join(md(_blocked(v)) for v in a.blocking(rec.strict))
            out.append(f"| `{a.key}` | {a.step} | {blocked} |")
        out.append("")
    if rec.relaxation:
        out += ["## What each hard requirement costs", "", "| hard requirement | options it alone removes |", "|---|---|"]
        out += [f"| {md(r.requirement.label)} | {r.removes} |" for r in rec.relaxation]
        out.append("")
    return out


def to_record(rec: Recommendation) -> str:
    """The decision record for a governance board: a MADR 4.0 record (recommender/madr.py).
    `record` is the former name of the `madr` format and gives the same record."""
    from recommender.madr import to_madr

    return to_madr(rec)


FORMATS = {"table": to_table, "json": to_json, "markdown": to_markdown, "madr": to_record, "record": to_record}


# -- side by side -----------------------------------------------------------------------------
def comparison_rows(a: Assessment, b: Assessment) -> list[tuple[str, str, str]]:
    """(label, left, right) rows comparing two options: step, score, each verdict, each risk."""
    rows = [
        ("step", f"{a.step} ({a.option.origin}, {a.option.deployment})", f"{b.step} ({b.option.origin}, {b.option.deployment})"),
        ("tier", TIER_WORDS.get(a.tier, a.status), TIER_WORDS.get(b.tier, b.status)),
        ("score", f"{a.score}/{a.score_max}", f"{b.score}/{b.score_max}"),
    ]
    right = {v.requirement: v for v in b.verdicts}
    for v in a.verdicts:
        w = right.get(v.requirement)
        kind = "hard" if v.hard else f"soft ×{v.weight}"
        rows.append((f"{v.label} ({kind})", f"{MARK[v.result]} {plain(v.fact)}", f"{MARK[w.result]} {plain(w.fact)}" if w else ""))
    for name in RISK_NAMES:
        ra, rb = a.risks[name], b.risks[name]
        rows.append((RISK_NAMES[name], f"{ra.level}: {plain(ra.reason)}", f"{rb.level}: {plain(rb.reason)}"))
    rows.append(("used by", plain(", ".join(a.used_by)) or "none stated", plain(", ".join(b.used_by)) or "none stated"))
    return rows


def to_comparison(a: Assessment, b: Assessment, width: int = 80) -> str:
    """Two options side by side, readable at 80 columns."""
    col = (width - 3) // 2
    # Columns are measured in terminal cells, so wide (CJK) names and facts stay aligned.
    out = [
        f"{cells.ljust(cells.cut(one_line(a.name), col), col)} | {cells.cut(one_line(b.name), col)}",
        f"{cells.ljust(cells.cut(one_line(a.key), col), col)} | {cells.cut(one_line(b.key), col)}",
        "-" * width,
    ]
    for label, left, right_text in comparison_rows(a, b):
        out.append(label)
        lw = cells.wrap(left, col) or [""]
        rw = cells.wrap(right_text, col) or [""]
        for i in range(max(len(lw), len(rw))):
            l_part = lw[i] if i < len(lw) else ""
            r_part = rw[i] if i < len(rw) else ""
            out.append(f"{cells.ljust(l_part, col)} | {r_part}")
    return "\n".join(out) + "\n"
