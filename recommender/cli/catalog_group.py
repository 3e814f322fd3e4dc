"""`sbb catalog …`: what a catalogue maintainer runs, locally and in CI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

from recommender.cli.app import catalog_app
from recommender.cli.helpers import err, fail, load
from recommender.exits import BAD_INPUT, OK, PROBLEMS

# The shape version of the JSON the catalogue commands print (see recommender/OUTPUT.md).
JSON_VERSION = 1


@catalog_app.command()
def validate(
    paths: Optional[List[Path]] = typer.Argument(None, help="Catalogue directories or single tool files, in any mix (default: the bundled catalogue)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, github (Actions annotations) or sarif (2.1.0), for CI."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
) -> None:
    """Check catalogues against the schema; report every problem with file, line and key.

    A single tool file is checked against the vocabulary of its catalogue (the bundled one
    plus the capabilities.toml of the directory holding it, or of the one above `tools/`);
    a capabilities.toml given alone is checked as a vocabulary.
    Exit 0 when valid, 1 when problems were found, 2 when a path cannot be read.

    \b
    Examples:
      sbb catalog validate                           # the bundled catalogue
      sbb catalog validate ./our-catalogue --strict  # warnings fail too
      sbb catalog validate ./our-catalogue -f json
      sbb catalog validate ./our-catalogue -f github  # annotations in a GitHub Actions step
      sbb catalog validate ./our-catalogue -f sarif > catalogue.sarif
      sbb catalog validate ./our-catalogue/tools/our-forms.toml       # one entry
    """
    from catalog.loader import BUNDLED_CATALOG, load_catalog
    from catalog.problems import Problem

    given = list(paths) if paths else [BUNDLED_CATALOG]
    files = [p for p in given if p.is_file()]
    dirs = [p for p in given if p.is_dir()]
    missing = [p for p in given if not p.is_file() and not p.is_dir()]
    result = load_catalog(dirs) if dirs else None
    problems, tools, options = check_files(files, dirs, result.catalog.tools if result is not None else {})
    problems += [
        Problem(str(p), 0, "", "not a catalogue directory or tool file" if p.exists() else "no such file or directory")
        for p in dict.fromkeys(missing)
    ]
    problems = sorted(problems + (result.problems if result is not None else []))
    if result is not None:
        tools += len(result.catalog)
        options += result.catalog.option_count()
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    bad = bool(errors) or (strict and bool(warnings))
    if fmt == "json":
        typer.echo(
            json.dumps(
                {
                    "schema_version": JSON_VERSION,
                    "ok": not bad,
                    "tools": tools,
                    "options": options,
                    "errors": len(errors),
                    "warnings": len(warnings),
                    "problems": [p.as_dict() for p in problems],
                },
                indent=2,
            )
        )
    elif fmt in CI_FORMATS:
        ci_output(fmt, problems, "validate")
    elif fmt == "text":
        for p in problems:
            typer.echo(str(p))
        typer.echo(
            f"{tools} tools, {options} options checked: "
            f"{len(errors)} error(s), {len(warnings)} warning(s)"
        )
    else:
        err(f"unknown format `{fmt}`: use text, json, github or sarif")
        raise typer.Exit(BAD_INPUT)
    if missing:
        raise typer.Exit(BAD_INPUT)
    raise typer.Exit(PROBLEMS if bad else OK)


def check_files(files: List[Path], directories: List[Path], taken=None):
    """(problems, tools, options) for tool files named one by one.

    A file inside one of `directories` was checked with it and is skipped here; a tool id
    already read (from another file, or in `taken`: the directories' tools) is a duplicate,
    as it is within one catalogue.
    """
    from catalog.loader import VOCABULARY_FILE, load_vocabulary, read_tool
    from catalog.problems import duplicate_tool
    from catalog.vocabulary import read_vocabulary

    problems, seen, options = [], {tool_id: tool.path for tool_id, tool in (taken or {}).items()}, 0
    already = len(seen)
    inside = [d.resolve() for d in directories if d.is_dir()]
    for path in dict.fromkeys(files):
        if any(d in path.resolve().parents for d in inside):
            continue
        if path.name == VOCABULARY_FILE:
            problems += read_vocabulary(path)[1]
            continue
        root = path.parent.parent if path.parent.name == "tools" else path.parent
        vocabulary, found = load_vocabulary([root])
        problems += [p for p in found if p not in problems]  # once per catalogue, not per file
        tool, found = read_tool(path, vocabulary, str(root))
        problems += found
        if tool is None:
            continue
        if tool.id in seen:
            problems.append(duplicate_tool(path, tool.id, seen[tool.id]))
            continue
        seen[tool.id] = path
        options += len(tool.options)
    return sorted(problems), len(seen) - already, options


CI_FORMATS = ("github", "sarif")


def ci_output(fmt: str, problems, command: str) -> None:
    """Problems as GitHub Actions workflow commands or as a SARIF 2.1.0 log (catalog/ci.py)."""
    from catalog import ci

    if fmt == "github":
        typer.echo(ci.github(problems, command), nl=False)
    else:
        typer.echo(json.dumps(ci.sarif(problems, command), indent=2, ensure_ascii=False))


@catalog_app.command("lint")
def lint_command(
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    max_age: int = typer.Option(12, "--max-age-months", help="Entries reviewed longer ago than this are stale."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, github (Actions annotations) or sarif (2.1.0)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when there are warnings."),
    sources_only: bool = typer.Option(False, "--sources", help="Only the source check (weak source URLs)."),
) -> None:
    """Warn about stale entries, missing sources and facts, weak source URLs, and likely duplicates.

    The source check warns about bare homepages and repository roots cited for facts, licence
    files cited for other facts, copies, shorteners, redirects, tracking parameters, plain
    http and staging hosts; a source's `accept` and `note` explain a warning that is right.

    \b
    Examples:
      sbb catalog lint --catalog ./our-catalogue
      sbb catalog lint --sources --strict          # only the source check; exit 1 on a warning
      sbb catalog lint --max-age-months 6 -f json
      sbb catalog lint -f sarif > lint.sarif       # for code scanning
    """
    from catalog import source_check
    from catalog.lint import lint, source_problem

    if fmt not in ("text", "json", *CI_FORMATS):
        err(f"unknown format `{fmt}`: use text, json, github or sarif")
        raise typer.Exit(BAD_INPUT)
    loaded = load(catalog)
    findings = source_check.check(loaded.catalog)
    if sources_only:
        found = sorted(source_problem(f) for f in findings if not f.explained)
    else:
        found = lint(loaded.catalog, max_age, findings=findings)
    by_kind = source_check.counts(findings)
    if fmt == "json":
        report = {
            "schema_version": JSON_VERSION,
            "warnings": [p.as_dict() for p in found],
            "source_check": {
                "by_kind": by_kind,
                "unexplained": sum(r["warnings"] - r["explained"] for r in by_kind.values()),
                # Every finding with its kind, explained ones included (with the entry's note).
                "findings": [f.as_dict() for f in findings],
            },
        }
        typer.echo(json.dumps(report, indent=2))
    elif fmt in CI_FORMATS:
        ci_output(fmt, found, "lint")
    else:
        for p in found:
            typer.echo(str(p))
        typer.echo(f"{len(loaded.catalog)} tools linted: {len(found)} warning(s)")
        typer.echo(source_summary(by_kind))
    raise typer.Exit(PROBLEMS if strict and found else OK)


def source_summary(by_kind: dict[str, dict[str, int]]) -> str:
    """"source check: 7 unexplained (tracking 3, not-https 4); 2 explained by their entries"."""
    open_ = {k: r["warnings"] - r["explained"] for k, r in by_kind.items() if r["warnings"] - r["explained"]}
    explained = sum(r["explained"] for r in by_kind.values())
    detail = f" ({', '.join(f'{k} {n}' for k, n in open_.items())})" if open_ else ""
    return f"source check: {sum(open_.values())} unexplained{detail}; {explained} explained by their entries"


@catalog_app.command()
def search(
    query: str = typer.Argument(..., help="Words to look for; typos are forgiven."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    limit: int = typer.Option(10, "--limit", "-n", help="How many results."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Search tools by name, alias, capability and summary, best first.

    \b
    Examples:
      sbb catalog search "web analytics"
      sbb catalog search helpdesk -n 5 -f json
    """
    from catalog.search import SearchIndex
    from recommender.render import plain

    loaded = load(catalog)
    hits = SearchIndex(loaded.catalog).search(query, limit)
    if fmt == "json":
        results = [{"id": h.tool.id, "name": h.tool.name, "score": round(h.score, 1), "matched": h.matched, "field": h.field} for h in hits]
        typer.echo(json.dumps({"schema_version": JSON_VERSION, "query": query, "results": results}, indent=2))
        return
    if not hits:
        typer.echo(f"no tool matches {query!r}")
        return
    for h in hits:
        typer.echo(f"{h.score:5.1f}  {h.tool.id:<28} {plain(h.tool.name)}  ({h.field}: {plain(h.matched)[:40]})")


@catalog_app.command()
def show(
    tool_id: str = typer.Argument(..., help="Tool id (or exact name)."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Show one tool with all its options, facts and sources.

    \b
    Examples:
      sbb catalog show matomo
      sbb catalog show plausible -f json
    """
    from catalog.export import tool_to_data
    from catalog.search import find_tool
    from recommender.render import one_line, plain

    loaded = load(catalog)
    tool, close = find_tool(loaded.catalog, tool_id)
    if tool is None:
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        err(f"no tool `{tool_id}` in the catalogue{hint}")
        raise typer.Exit(BAD_INPUT)
    if fmt == "json":
        typer.echo(json.dumps({"schema_version": JSON_VERSION, **tool_to_data(tool)}, indent=2, ensure_ascii=False))
        return
    lines = [f"{one_line(tool.name)}  [{tool.id}]", plain(tool.summary), ""]
    lines.append(f"homepage: {plain(tool.homepage)}")
    if tool.repository:
        lines.append(f"repository: {plain(tool.repository)}")
    if tool.aliases:
        lines.append(f"aliases: {plain(', '.join(tool.aliases))}")
    lines.append(f"capabilities: {', '.join(tool.capabilities)}")
    lines.append(f"last reviewed: {tool.last_reviewed}  ·  file: {tool.path}")
    for option in tool.options:
        lines += ["", f"option {option.id}: {plain(option.name)}", f"  {option.step} · {option.origin} · {option.deployment}" + (f" · {plain(option.provider)}" if option.provider else "")]
        if option.summary:
            lines.append(f"  {plain(option.summary)}")
        for key in sorted(option.facts):
            fact = option.facts[key]
            value = ", ".join(map(str, fact.value)) if isinstance(fact.value, tuple) else fact.value
            cites = ", ".join(s.id for s in fact.sources)
            lines.append(f"  {key:<32} {plain(str(value))}" + (f"  [{cites}]" if cites else ""))
        for caveat in option.caveats:
            lines.append(f"  caveat ({caveat.risk}): {plain(caveat.text)}" + (f"  [{caveat.source.id}]" if caveat.source else ""))
    if tool.sources:
        lines += ["", "sources:"]
        lines += [f"  [{s.id}] {plain(s.url)}" + (f"  {plain(s.title)}" if s.title else "") for s in tool.sources]
    typer.echo("\n".join(lines))


@catalog_app.command("stats")
def stats_command(
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    show_gaps: bool = typer.Option(
        False, "--gaps", help="Also list each option with deciding facts unknown, and which: buy and cross-agency first."
    ),
) -> None:
    """Tool and option counts by area, origin and step, and how many facts are unknown.

    The deciding facts (full export, API, webhooks, SSO, ops effort, cost model, licence; for
    hosted options also residency and assurance) are measured per step, for buy and
    cross-agency options together, and overall. `--gaps` lists the options that leave some
    unknown: the work list for whoever researches the catalogue.

    \b
    Examples:
      sbb catalog stats
      sbb catalog stats --gaps
      sbb catalog stats --catalog ./our-catalogue -f json
    """
    from catalog.stats import gaps, stats

    loaded = load(catalog)
    data = stats(loaded.catalog)
    if show_gaps:
        data["gaps"] = gaps(loaded.catalog)
    if fmt == "json":
        typer.echo(json.dumps({"schema_version": JSON_VERSION, **data}, indent=2))
        return
    lines = [f"{data['tools']} tools, {data['options']} options", "", f"{'area':<20} {'tools':>5} {'share':>6} {'buy':>5}"]
    for area, row in data["by_area"].items():
        lines.append(f"{area:<20} {row['tools']:>5} {row['share']:>6} {row['buy']:>5}")
    lines += ["", "by origin: " + ", ".join(f"{k} {v}" for k, v in data["by_origin"].items())]
    lines.append("by step:   " + ", ".join(f"{k} {v}" for k, v in data["by_step"].items()))
    facts = data["facts"]
    share = 100 * facts["unknown"] / facts["possible"] if facts["possible"] else 0
    lines += ["", f"facts: {facts['known']} stated, {facts['unknown']} unknown ({share:.0f}% of {facts['possible']} possible, most of them optional)"]
    main = 100 * facts["main_unknown"] / facts["main_possible"] if facts["main_possible"] else 0
    lines.append(f"main facts (export, licence, API, ops effort, cost model): {facts['main_unknown']} of {facts['main_possible']} unknown ({main:.0f}%)")
    lines += ["", "deciding facts unknown (full export, API, webhooks, SSO, ops effort, cost model, licence;",
              "  for hosted options also residency and certifications or assessments):"]
    labels = {"share": "share", "buy": "buy", "buy_and_cross_agency": "buy + cross-agency", "overall": "overall"}
    for group, label in labels.items():
        row = data["deciding_facts"][group]
        lines.append(f"  {label:<20} {row['unknown']:>5} of {row['possible']:<5} {100 * row['unknown_share']:>4.0f}%   ({row['options']} options)")
    for group, label in (("buy_and_cross_agency", "buy + cross-agency"), ("overall", "overall")):
        by_fact = data["deciding_facts"][group]["unknown_by_fact"]
        lines.append(f"  unknown by fact, {label}: " + ", ".join(f"{name} {n}" for name, n in by_fact.items()))
    lines += ["", "most often unknown:"]
    worst = sorted(facts["unknown_by_fact"].items(), key=lambda kv: (-kv[1], kv[0]))[:8]
    lines += [f"  {key:<34} unknown in {n} of {data['options']} options" for key, n in worst]
    if show_gaps:
        lines += ["", f"options with deciding facts unknown ({len(data['gaps'])}; buy and cross-agency first, most unknown first):"]
        width = max((len(row["option"]) for row in data["gaps"]), default=0)
        lines += [
            f"  {row['option']:<{width}}  {row['step']:<5} {'B/X' if row['buy_or_cross_agency'] else '   '}"
            f"  {len(row['unknown'])} of {row['of']}: {', '.join(row['unknown'])}"
            for row in data["gaps"]
        ]
    typer.echo("\n".join(lines))


@catalog_app.command("sample")
def sample_command(
    seed: int = typer.Option(..., "--seed", help="Seed of the draw: the same catalogue and seed give the same facts."),
    count: int = typer.Option(40, "--count", "-n", min=1, help="How many facts to draw."),
    deciding: bool = typer.Option(False, "--deciding", help="Draw only deciding facts (export, API, webhooks, SSO, ops effort, cost model, licence, residency, assurance)."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable)."),
    fmt: str = typer.Option("markdown", "--format", "-f", help="markdown (a table to fill in) or json."),
) -> None:
    """Draw stated facts at random (seeded) with the pages they cite, for an audit.

    A reviewer opens each cited page and records whether it states the fact: stated, wrong,
    not-stated or unreachable. The draw is reproducible, so an audit can be repeated and
    compared; a fact that cites no page is marked in the table.

    \b
    Examples:
      sbb catalog sample --seed 20261130 > audit.md
      sbb catalog sample --seed 7 -n 20 --deciding --catalog ./our-catalogue -f json
    """
    from catalog.audit import draw, to_json, to_markdown

    if fmt not in ("markdown", "json"):
        err(f"--format: expected markdown or json, found {fmt!r}")
        raise typer.Exit(BAD_INPUT)
    loaded = load(catalog)
    drawn, size = draw(loaded.catalog, count, seed, deciding)
    if fmt == "json":
        typer.echo(json.dumps({"schema_version": JSON_VERSION, **to_json(drawn, size, seed, deciding)}, indent=2))
        return
    typer.echo(to_markdown(drawn, size, seed, deciding), nl=False)


@catalog_app.command()
def new(
    tool_id: Optional[str] = typer.Option(None, "--id", help="Slug; becomes the file name."),
    name: Optional[str] = typer.Option(None, "--name", help="Display name."),
    summary: Optional[str] = typer.Option(None, "--summary", help="One or two sentences."),
    homepage: Optional[str] = typer.Option(None, "--homepage", help="Home page URL."),
    capability: Optional[List[str]] = typer.Option(None, "--capability", "-c", help="Capability (repeatable)."),
    origin: Optional[str] = typer.Option(None, "--origin", help="open-source, cross-agency or commercial."),
    deployment: Optional[str] = typer.Option(None, "--deployment", help="self-hosted or hosted."),
    source: Optional[str] = typer.Option(None, "--source", help="URL of a page backing the facts."),
    into: Path = typer.Option(Path("."), "--into", help="Catalogue directory to write into."),
) -> None:
    """Scaffold a valid entry; asks for what the flags leave out. Never overwrites a file.

    \b
    Examples:
      sbb catalog new --into ./our-catalogue                                                                                              # asks for each field
      sbb catalog new --id our-forms --name "Our Forms" --origin cross-agency --deployment hosted -c online-forms --into ./our-catalogue
    """
    from catalog.loader import load_vocabulary, read_tool_text
    from catalog.scaffold import scaffold
    from catalog.files import FileExists, UnsafePath, child_path, write_atomic

    def ask(value, prompt, default=None):
        if value:
            return value
        return typer.prompt(prompt, default=default) if default is not None else typer.prompt(prompt)

    tool_id = ask(tool_id, "id (slug, e.g. my-tool)")
    base = into / "tools" if (into / "tools").is_dir() else into
    try:
        path = child_path(base, tool_id)
    except UnsafePath as exc:
        err(f"--id: {exc}; nothing was written")
        raise typer.Exit(BAD_INPUT)
    name = ask(name, "name")
    summary = ask(summary, "summary")
    homepage = ask(homepage, "homepage URL")
    caps = capability or [c.strip() for c in ask(None, "capabilities (comma-separated)").split(",") if c.strip()]
    origin = ask(origin, "origin (open-source, cross-agency, commercial)", "open-source")
    deployment = ask(deployment, "deployment (self-hosted, hosted)", "self-hosted" if origin == "open-source" else "hosted")
    source = ask(source, "source URL backing the facts", homepage)
    vocabulary, _ = load_vocabulary([into])
    resolved = [vocabulary.resolve(c) or c for c in caps]
    text = scaffold(tool_id, name, summary, homepage, resolved, origin, deployment, source, date.today())
    tool, problems = read_tool_text(path, text, vocabulary)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise fail(errors, "the new entry")
    try:
        write_atomic(path, text)
    except FileExists as exc:
        err(f"{path}: {exc.strerror}: nothing was written")
        raise typer.Exit(BAD_INPUT)
    typer.echo(f"wrote {path}: fill in the facts you can source, then run `sbb catalog validate {into}`")


cache_app = typer.Typer(
    help="The parse cache: parsed and validated catalogue entries, kept per file so an unchanged "
    "file is never parsed twice.\n\n\b\nExamples:\n  sbb catalog cache clear",
    rich_markup_mode=None,
    no_args_is_help=True,
)
catalog_app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every parsed catalogue from the cache; the next run parses every file again.

    Pulled git sources are kept: they hold the last commit `sbb catalog pull` accepted.
    The cache directory is the user cache directory, or SBB_CACHE_DIR when set.

    \b
    Examples:
      sbb catalog cache clear
    """
    from catalog.federation import clear_cache
    from catalog.sources import cache_dir

    removed, freed = clear_cache()
    where = cache_dir() / "parsed"
    if not removed:
        typer.echo(f"the parse cache is empty ({where})")
        return
    typer.echo(f"removed {removed} parse cache file{'s' if removed != 1 else ''} ({freed / 1e6:.1f} MB) from {where}")
