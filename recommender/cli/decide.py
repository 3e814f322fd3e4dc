"""`sbb decide`: file the next numbered MADR decision record in a decisions folder.

The record is `NNNN-<slug of the title>.md` (e.g. `docs/decisions/0004-online-consultation.md`),
numbered one past the highest number already in the folder. It is written atomically and by
exclusive creation: an existing file is never replaced, and if another record takes the number
between the scan and the write, the next number is used.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional

import typer

from recommender.cli.app import app
from recommender.cli.helpers import (
    CAPABILITY_FLAG,
    COUNTRY_FLAG,
    GOAL_FLAG,
    HARD_FLAG,
    LEVEL_FLAG,
    SECTOR_FLAG,
    MUST_CONTROL_CODE_FLAG,
    OPS_CAPACITY_FLAG,
    SKILL_FLAG,
    SOFT_FLAG,
    STANCE_FLAG,
    STRICT_FLAG,
    UNIQUE_FLAG,
    WILL_RESOURCE_FLAG,
    build_profile,
    err,
    load,
    parse_as_of,
    profile_ref,
)
from recommender.exits import BAD_INPUT, ONLY_BUILD, OK

NUMBERED = re.compile(r"^(\d{4,})-.*\.md$")
ATTEMPTS = 20  # numbers tried when others keep taking the next one


def next_number(folder: Path) -> int:
    """One past the highest `NNNN-` number among the folder's Markdown files (1 when none)."""
    numbers = [int(m.group(1)) for p in folder.iterdir() if (m := NUMBERED.match(p.name))] if folder.is_dir() else []
    return max(numbers, default=0) + 1


def file_record(folder: Path, title_slug: str, text: str) -> Path:
    """Write `text` as the next numbered record; never replaces a file."""
    from catalog.files import FileExists, write_atomic

    number = next_number(folder)
    for _ in range(ATTEMPTS):
        path = folder / f"{number:04d}-{title_slug}.md"
        try:
            write_atomic(path, text, overwrite=False)
            return path
        except FileExists:
            number = max(number + 1, next_number(folder))
    raise FileExists(str(folder / f"{number:04d}-{title_slug}.md"))


@app.command()
def decide(
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Requirements profile (TOML); `-` reads it from standard input."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    folder: Path = typer.Option(Path("docs/decisions"), "--dir", help="The decisions folder (created if missing)."),
    title: Optional[str] = typer.Option(None, "--title", help="Title of the decision; the file name's slug comes from it."),
    status: str = typer.Option("proposed", "--status", help="proposed, accepted, rejected, deprecated or `superseded by ADR-NNNN`."),
    decision_maker: Optional[List[str]] = typer.Option(None, "--decision-maker", help="Someone who decides (repeatable)."),
    consulted: Optional[List[str]] = typer.Option(None, "--consulted", help="Someone whose opinion was sought (repeatable)."),
    informed: Optional[List[str]] = typer.Option(None, "--informed", help="Someone kept up to date (repeatable)."),
    when: Optional[str] = typer.Option(None, "--date", help="Date of the decision (YYYY-MM-DD); default the --as-of date, else today."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge as of this date (YYYY-MM-DD); with it, the same input gives the same record."),
    policy: Optional[List[str]] = typer.Option(None, "--policy", help="A policy pack to apply (repeatable)."),
    strict: bool = STRICT_FLAG,
    capability: Optional[List[str]] = CAPABILITY_FLAG,
    goal: Optional[List[str]] = GOAL_FLAG,
    hard: Optional[List[str]] = HARD_FLAG,
    soft: Optional[List[str]] = SOFT_FLAG,
    country: Optional[str] = COUNTRY_FLAG,
    level: Optional[str] = LEVEL_FLAG,
    sector: Optional[List[str]] = SECTOR_FLAG,
    stance: Optional[str] = STANCE_FLAG,
    ops_capacity: Optional[str] = OPS_CAPACITY_FLAG,
    skill: Optional[List[str]] = SKILL_FLAG,
    unique: Optional[List[str]] = UNIQUE_FLAG,
    must_control_code: bool = MUST_CONTROL_CODE_FLAG,
    will_resource: bool = WILL_RESOURCE_FLAG,
) -> None:
    """Recommend, then file the result as the next numbered MADR record in a decisions folder.

    Exit codes: 0 filed (share or buy options found); 3 filed, only build remains; 2 bad input
    or the record could not be filed.

    \b
    Examples:
      sbb decide --profile examples/c-agency-website.toml --policy au-dta-reuse --decision-maker CIO
      sbb decide -p examples/b-web-analytics.toml --dir docs/decisions --status accepted --as-of 2026-11-30
    """
    from datetime import date

    from recommender.madr import RecordMeta, catalogue_sources, slug, status_problem, to_madr, tool_version
    from recommender.policy import missing_evidence

    problem = status_problem(status.strip())
    if problem:
        err(f"--status: {problem}")
        raise typer.Exit(BAD_INPUT)
    day = parse_as_of(as_of)
    decided = None
    if when is not None:
        try:
            decided = date.fromisoformat(when.strip())
        except ValueError:
            err(f"--date: expected a date YYYY-MM-DD, found {when!r}")
            raise typer.Exit(BAD_INPUT) from None
    people = {"--decision-maker": decision_maker, "--consulted": consulted, "--informed": informed}
    for flag, names in people.items():
        if any(not n.strip() for n in names or ()):
            err(f"{flag}: a name cannot be empty")
            raise typer.Exit(BAD_INPUT)
    if folder.exists() and not folder.is_dir():
        err(f"{folder} is not a directory")
        raise typer.Exit(BAD_INPUT)
    loaded = load(catalog)
    the_profile = build_profile(
        loaded.catalog.vocabulary, profile, capability, hard, soft, country, level, stance, ops_capacity,
        skill, unique, must_control_code, title, goals=goal, policies=policy, as_of=day, sectors=sector,
    )
    if will_resource:
        from catalog.record import replace

        the_profile = replace(the_profile, context=replace(the_profile.context, will_resource=True))
    from recommender.engine import recommend as run
    from recommender.madr import outcome_of

    rec = run(loaded.catalog, the_profile, strict=strict)
    chosen = outcome_of(rec)
    if status.strip() == "accepted" and rec.policy is not None:
        gaps = missing_evidence(rec.profile, rec.policy.packs, chosen.option is None or chosen.option.step != "share")
        if gaps:
            for pack, ev, gap in gaps:
                err(f"{pack.id}: {ev.label}: {gap}")
            err("the policy requires this evidence before the decision is accepted: record it in the profile, or file the record as proposed; nothing was written.")
            raise typer.Exit(BAD_INPUT)
    meta = RecordMeta(
        status=status.strip(),
        date=decided,
        decision_makers=tuple(n.strip() for n in decision_maker or ()),
        consulted=tuple(n.strip() for n in consulted or ()),
        informed=tuple(n.strip() for n in informed or ()),
        as_of=day,
        tool_version=tool_version(),
        profile_ref=profile_ref(profile),
        sources=catalogue_sources(loaded),
    )
    text = to_madr(rec, meta)
    from catalog.files import FileExists

    try:
        path = file_record(folder, slug(rec.profile.title or "capability sourcing"), text)
    except FileExists as exc:
        err(f"could not file the record: {exc} and the next {ATTEMPTS} numbers are taken; nothing was overwritten.")
        raise typer.Exit(BAD_INPUT) from None
    typer.echo(str(path))
    err(f"filed {path.name} ({meta.status}): {chosen.headline}")
    raise typer.Exit(ONLY_BUILD if rec.only_build else OK)
