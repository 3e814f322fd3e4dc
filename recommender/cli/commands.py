"""The top-level commands: `sbb recommend`, `sbb compare`, `sbb tui`.

No `from __future__ import annotations` here: Typer reads each command's annotations when it
builds the command, and annotations kept as strings are each compiled and evaluated then (about
7 M instructions of `sbb recommend`'s start-up for its 24 options)."""

from pathlib import Path
from typing import List, Optional

import typer

from catalog.record import replace
from recommender.exits import BAD_INPUT, ONLY_BUILD, OK
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
    echo_pieces,
    err,
    find_option,
    is_stdio,
    load,
    need_terminal,
    parse_as_of,
    profile_ref,
    write_output,
)


@app.command()
def recommend(
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Requirements profile (TOML); `-` reads it from standard input."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable). Default: the bundled catalogue plus configured sources."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, markdown, or madr (a MADR 4.0 decision record; `record` is the same)."),
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
    title: Optional[str] = typer.Option(None, "--title", help="Title of the report."),
    policy: Optional[List[str]] = typer.Option(None, "--policy", help="A policy pack to apply: it-cad68, au-dta-reuse, us-m-16-21, uk-tcop or a pack file (repeatable)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Decision date YYYY-MM-DD (default: today): options ended by then are not offered; with it, the same input gives the same bytes."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (never overwrites; see --force); `-` is standard output."),
    force: bool = typer.Option(False, "--force", help="Allow --output to replace an existing file."),
) -> None:
    """Recommend share, buy or build options for a requirements profile.

    Every output opens with the answer: one headline and its conditions.
    Exit codes: 0 share or buy options found; 3 only build remains; 2 bad input
    (including an empty catalogue or no tool in scope).

    \b
    Examples:
      sbb recommend --profile examples/b-web-analytics.toml
      sbb recommend -p examples/a-notifications.toml -f json > answer.json
      cat examples/d-enquiries.toml | sbb recommend --profile - -o -
      sbb recommend -c "web analytics" --hard residency=DE --soft open_source:2
      sbb recommend -p examples/c-agency-website.toml -f madr --as-of 2026-11-30 -o decision.md
    """
    from recommender.render import FORMATS

    if fmt not in FORMATS:
        err(f"unknown format `{fmt}`: use one of {', '.join(FORMATS)}")
        raise typer.Exit(BAD_INPUT)
    day = parse_as_of(as_of)
    if is_stdio(output):
        output = None
    if output is not None and output.exists() and not force:
        err(f"{output} already exists; choose another file or pass --force to replace it")
        raise typer.Exit(BAD_INPUT)
    loaded = load(catalog)
    the_profile = build_profile(loaded.catalog.vocabulary, profile, capability, hard, soft, country, level, stance, ops_capacity, skill, unique, must_control_code, title, goals=goal, policies=policy, as_of=day, sectors=sector)
    if will_resource:
        the_profile = replace(the_profile, context=replace(the_profile.context, will_resource=True))
    import gc

    from recommender.engine import recommend as run

    # Judging and drawing the answer make many small objects and no reference cycle (the
    # catalogue is frozen once loaded): with the collector on, its full collections walking
    # them were the longest pauses of a large run. It is off until the answer is made, and what
    # was made meanwhile is frozen, so no collection after it walks it either. JSON is encoded
    # while it is written, after that: each encoding leaves a cycle of the encoder's own
    # functions behind (65 MB of them for an answer of 12,000 options with the collector off).
    enabled = gc.isenabled()
    gc.disable()
    try:
        rec = run(loaded.catalog, the_profile, strict=strict)
        if rec.scope_problem:
            err(f"error: {rec.scope_problem}")
            raise typer.Exit(BAD_INPUT)
        if fmt in ("madr", "record"):
            from recommender.madr import RecordMeta, catalogue_sources, to_madr, tool_version

            meta = RecordMeta(as_of=day, tool_version=tool_version(), profile_ref=profile_ref(profile), sources=catalogue_sources(loaded))
            text = to_madr(rec, meta)
        elif fmt == "json":  # encoded as it is written (below): a large answer is never held whole
            from recommender.render import json_pieces

            text = json_pieces(rec)
        else:
            text = FORMATS[fmt](rec)
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
    if output is not None:
        write_output(output, text, force, "--force")
        err(f"wrote {output}")
    else:
        echo_pieces(text)
    raise typer.Exit(ONLY_BUILD if rec.only_build else OK)


@app.command()
def compare(
    first: str = typer.Argument(..., help="An option as tool-id/option-id (or a tool id with one option)."),
    second: str = typer.Argument(..., help="The other option."),
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Requirements profile (TOML); `-` reads it from standard input."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    capability: Optional[List[str]] = typer.Option(None, "--capability", "-c", help="A capability needed (hard; repeatable)."),
    hard: Optional[List[str]] = typer.Option(None, "--hard", help="A hard requirement KEY=VALUE (repeatable)."),
    soft: Optional[List[str]] = typer.Option(None, "--soft", help="A preference KEY[=VALUE][:WEIGHT] (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Compare two options side by side against a profile: verdicts, facts, score and risks.

    \b
    Examples:
      sbb compare plausible/cloud matomo/cloud --profile examples/b-web-analytics.toml
      sbb compare plausible/cloud matomo/cloud -c web-analytics -f json
    """
    import json as json_module

    from recommender.engine import evaluate
    from recommender.render import _option_json, to_comparison

    loaded = load(catalog)
    the_profile = build_profile(loaded.catalog.vocabulary, profile, capability, hard, soft, None, None, None, None, None, None, False, None, allow_empty=True)
    the_profile = the_profile.effective()
    picked = []
    for ident in (first, second):
        found = find_option(loaded.catalog, ident)
        if isinstance(found, str):
            err(found)
            raise typer.Exit(BAD_INPUT)
        picked.append(evaluate(found[0], found[1], the_profile))
    if fmt == "json":
        stance = the_profile.context.stance
        typer.echo(json_module.dumps({"schema_version": 1, "options": [_option_json(a, stance) for a in picked]}, indent=2, ensure_ascii=False))
    else:
        typer.echo(to_comparison(*picked), nl=False)


@app.command()
def tui(
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Start from this profile."),
) -> None:
    """Open the guided walk in the terminal (it needs one: exit 2 without).

    \b
    Examples:
      sbb tui
      sbb tui --profile examples/b-web-analytics.toml --catalog ./our-catalogue
    """
    from tui.app import run_tui

    if is_stdio(profile):
        err("--profile -: the terminal UI reads the keyboard from standard input, so it cannot read the profile there too; give a file")
        raise typer.Exit(BAD_INPUT)
    need_terminal()
    raise typer.Exit(run_tui(catalog or [], profile))
