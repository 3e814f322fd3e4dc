"""`sbb catalog` commands for sharing catalogues between agencies: sources, pull, conflicts, import, export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

from recommender.cli.app import catalog_app
from recommender.cli.helpers import err, fail
from recommender.exits import BAD_INPUT, OK, PROBLEMS

# The shape version of the JSON these commands print (see recommender/OUTPUT.md).
JSON_VERSION = 1

import_app = typer.Typer(
    help="Import entries from other catalogue formats.\n\n\b\nExamples:\n"
    "  sbb catalog import publiccode publiccode.yml --into ./our-catalogue\n"
    "  sbb catalog import sbb-json export.json --into ./merged --check",
    rich_markup_mode=None,
    no_args_is_help=True,
)
catalog_app.add_typer(import_app, name="import")

CATALOG_HELP = "Catalogue directory added for this run (repeatable; see `sbb catalog sources`)."


def _plain(text) -> str:
    from recommender.render import plain

    return plain(str(text))


def _value(value) -> str:
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _plain(value)


# -- sources and pull -------------------------------------------------------------------------
@catalog_app.command("sources")
def sources_command(
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help=CATALOG_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List the catalogue sources of this run in precedence order, with their state.

    For each: kind, location, the commit read and last pull (git sources), tools read,
    problems; for a source held back, the refused commit and every problem that refused it.
    Exit 1 while a config file has errors, or a source is skipped, held back or has errors.

    \b
    Examples:
      sbb catalog sources
      sbb catalog sources --catalog ./our-catalogue -f json
    """
    from catalog.sources import configured_sources, short
    from recommender.catalogs import load_for_cli

    config = configured_sources(list(catalog) if catalog else None)
    result = load_for_cli(catalog, notify=None)
    bad = any(p.severity == "error" for p in config.problems) or any(
        s.skipped or s.held_back or s.errors for s in result.statuses
    )
    if fmt == "json":
        typer.echo(json.dumps({
            "schema_version": JSON_VERSION,
            "config_files": [str(f) for f in config.files],
            "sources": [s.as_dict() for s in result.statuses],
            "tools": len(result.catalog),
            "conflicts": len(result.conflicts),
            "problems": [p.as_dict() for p in config.problems],
            "ok": not bad,
        }, indent=2, ensure_ascii=False))
    elif fmt == "text":
        files = ", ".join(str(f) for f in config.files) or "none (no sbb.toml found, no user sources.toml)"
        lines = [f"config: {files}", ""]
        lines.append(f"{'#':>2}  {'name':<16} {'kind':<9} {'commit':<10} {'last pull':<20} {'tools':>5} {'problems':>8}  location")
        for index, status in enumerate(result.statuses, 1):
            spec = status.spec
            problems = f"{status.errors}e/{status.warnings}w" if (status.errors or status.warnings) else "0"
            lines.append(
                f"{index:>2}  {_plain(spec.name):<16} {spec.kind:<9} {short(status.commit) or '-':<10} "
                f"{(status.pulled_at or '-').replace('+00:00', 'Z'):<20} {status.tools:>5} {problems:>8}  {_plain(spec.location)}"
            )
            if status.held_back:
                errors = sum(p.severity == "error" for p in status.rejected_problems)
                at = status.rejected_at.replace("+00:00", "Z")
                held = f"held back at {short(status.commit)}" if status.commit else "not read: no commit accepted yet"
                lines.append(f"    {held}: refused {short(status.rejected)} on {at}, {errors} error(s):")
                lines += [f"      {_plain(p)}" for p in status.rejected_problems]
                lines.append(f"    once fixed upstream, `sbb catalog pull {_plain(spec.name)}` accepts it")
            if status.skipped and not (status.held_back and not status.commit):
                lines.append(f"    skipped: {status.skipped}")
            elif status.errors:
                lines.append(f"    {status.errors} entry error(s): those entries are skipped (`sbb catalog validate {_plain(status.directory)}` lists them)")
            if status.terms:
                lines.append(f"    vocabulary adds: {_plain(', '.join(status.terms))}")
        lines += ["", f"merged: {len(result.catalog)} tools, {len(result.conflicts)} conflict(s) (see `sbb catalog conflicts`)"]
        for problem in config.problems:
            lines.append(str(problem))
        typer.echo("\n".join(lines))
    else:
        err(f"unknown format `{fmt}`: use text or json")
        raise typer.Exit(BAD_INPUT)
    raise typer.Exit(PROBLEMS if bad else OK)


@catalog_app.command("pull")
def pull_command(
    names: Optional[List[str]] = typer.Argument(None, help="Sources to pull (default: every git source)."),
) -> None:
    """Clone or update the configured git sources into the user cache, with the `git` command.

    Only configured git sources touch the network. Each fetched commit is checked before it
    is checked out: a commit with errors is refused, and the source stays at its last good
    commit (`sbb catalog sources` shows both). A source that fails keeps its previous
    checkout; the others are still pulled. Exit 1 when any was refused or failed.

    \b
    Examples:
      sbb catalog pull           # every git source
      sbb catalog pull agency-x  # one source, by name
    """
    from catalog.federation import pull_sources
    from catalog.problems import did_you_mean
    from catalog.sources import PullError, configured_sources, short

    config = configured_sources()
    for problem in config.problems:
        err(str(problem))
    git_sources = [s for s in config.sources if s.kind == "git"]
    if names:
        known = {s.name for s in git_sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            for name in unknown:
                err(f"no git source named `{name}`{did_you_mean(name, known)}")
            raise typer.Exit(BAD_INPUT)
    if not git_sources:
        typer.echo("no git sources configured: nothing to pull (see `sbb catalog sources`)")
        raise typer.Exit(OK)
    specs = {s.name: s for s in git_sources}
    failed = 0
    try:
        results = pull_sources(config, names or None)
    except PullError as exc:
        err(_plain(exc))
        raise typer.Exit(PROBLEMS)
    for result in results:
        spec = specs[result.name]
        name = _plain(spec.name)
        kept = f"keeping {short(result.previous)}" if result.previous else "not read until a good commit is pulled"
        if result.ok:
            change = f" {short(result.previous)} -> {short(result.commit)}" if result.previous and result.previous != result.commit else f" {short(result.commit)}"
            warned = f", {len(result.problems)} warning(s)" if result.problems else ""
            typer.echo(f"{name}: {result.message}{change}" + (f" ({_plain(spec.ref)})" if spec.ref else "") + warned)
            for problem in result.problems:
                err(f"  {_plain(problem)}")
        elif result.rejected:
            failed += 1
            errors = sum(p.severity == "error" for p in result.problems)
            err(f"{name}: refused {short(result.rejected)}: {errors} error(s); {kept}")
            for problem in result.problems:
                err(f"  {_plain(problem)}")
            err(f"  once fixed upstream, `sbb catalog pull {name}` accepts it")
        else:
            failed += 1
            first, *rest = _plain(result.message).split("\n")
            err(f"{name}: {first}")
            for line in rest:
                err(f"  {line}")
            err(f"  {kept}")
    raise typer.Exit(PROBLEMS if failed else OK)


# -- conflicts ---------------------------------------------------------------------------------
@catalog_app.command("conflicts")
def conflicts_command(
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help=CATALOG_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when there are conflicts, terms defined differently or likely duplicates."),
) -> None:
    """Facts on which sources disagree, capability terms they define differently, and likely
    duplicate tools across sources.

    \b
    Examples:
      sbb catalog conflicts
      sbb catalog conflicts --strict -f json
    """
    from catalog.federation import vocabulary_disagreements
    from recommender.catalogs import load_for_cli

    result = load_for_cli(catalog)
    if not result.ok:
        raise fail(result.problems, "the catalogue")
    duplicates = result.duplicates()
    terms = vocabulary_disagreements([(s.spec.name, s.directory) for s in result.statuses if not s.skipped])
    if fmt == "json":
        typer.echo(json.dumps({
            "schema_version": JSON_VERSION,
            "conflicts": [c.as_dict() for c in result.conflicts],
            "vocabulary": terms,
            "duplicates": [d.as_dict() for d in duplicates],
        }, indent=2, ensure_ascii=False))
    elif fmt == "text":
        lines = []
        for c in result.conflicts:
            tool = result.catalog.tools[c.tool]
            where = f"{c.tool}/{c.option}" if c.option else c.tool
            lines.append(f"{where}  {c.key}  ({_plain(tool.name)})")
            for index, (value, origins) in enumerate(c.claims):
                mark = "shown" if index == 0 else "other"
                lines.append(f"    {mark}: {_value(value):<40} per {', '.join(_plain(o) for o in origins)}")
        if terms:
            lines += ["", "capability terms defined differently (the first definition is used):"]
            for term in terms:
                lines.append(f"  {_plain(term['term'])}")
                for index, d in enumerate(term["definitions"]):
                    mark = "used " if index == 0 else "other"
                    goals = ", ".join(d["goals"]) or "no goals"
                    lines.append(f"    {mark}: {_plain(d['label'])} (area {_plain(d['area'])}; {_plain(goals)}) per {_plain(d['source'])}")
        if duplicates:
            lines += ["", "likely duplicates across sources:"]
            for d in duplicates:
                lines.append(f"  {d.first} ({', '.join(d.first_sources)}) ~ {d.second} ({', '.join(d.second_sources)}): {_plain(d.reason)}")
                lines.append(f"    suggested merge: {_plain(d.suggestion)}")
        lines.append(
            f"{len(result.conflicts)} conflict(s), {len(duplicates)} likely duplicate(s) across "
            f"{len(result.catalog.sources)} source(s): {', '.join(result.catalog.sources)}"
        )
        typer.echo("\n".join(lines))
    else:
        err(f"unknown format `{fmt}`: use text or json")
        raise typer.Exit(BAD_INPUT)
    raise typer.Exit(PROBLEMS if strict and (result.conflicts or duplicates or terms) else OK)


# -- import ------------------------------------------------------------------------------------
def _report(report, what: str, into: Path, fmt: str, hint: str = "") -> None:
    """Print an import summary and exit: 0 when every input was read, 1 otherwise."""
    if fmt == "json":
        typer.echo(json.dumps({"schema_version": JSON_VERSION, **report.as_dict()}, indent=2, ensure_ascii=False))
    else:
        errors = len(report.errors)
        lines = [f"{what} into {into}: {len(report.created)} created, {len(report.skipped)} skipped, {errors} problem(s)"]
        lines += [f"  created  {tool_id:<36} {path}" for tool_id, path in report.created]
        by_reason: dict[str, list[str]] = {}
        for tool_id, reason in report.skipped:
            by_reason.setdefault(reason, []).append(tool_id)
        for reason, ids in by_reason.items():
            if len(ids) <= 3:
                lines += [f"  skipped  {_plain(i)}: {_plain(reason)}" for i in ids]
            else:
                shown = ", ".join(_plain(i) for i in ids[:3])
                lines.append(f"  skipped  {len(ids)} records: {_plain(reason)} ({shown}, … and {len(ids) - 3} more)")
        if report.unmapped:
            lines.append("  not mapped (each file's entries carry this list in a header comment):")
            for source, keys in report.unmapped.items():
                counted = [f"{k} ×{n}" if n > 1 else k for k, n in keys.items()]
                lines.append(f"    {_plain(source)}: {_plain('; '.join(counted))}")
        for problem in report.problems:
            lines.append(f"  {problem}")
        typer.echo("\n".join(lines))
    if report.created:
        err(hint or f"check them with: sbb catalog validate {into}")
    raise typer.Exit(PROBLEMS if report.errors else OK)


def _fallback(into: Path, capability: Optional[List[str]]) -> list[str]:
    from catalog.loader import load_vocabulary

    vocabulary, _ = load_vocabulary([into] if into.is_dir() else [])
    out, bad = [], []
    for term in capability or []:
        found = vocabulary.resolve(term)
        (out if found else bad).append(found or term)
    if bad:
        for term in bad:
            err(f"--capability: unknown capability `{term}`{vocabulary.suggestion(term)}")
        raise typer.Exit(BAD_INPUT)
    return out


INTO_HELP = "Catalogue directory to write entries into (created if missing)."
OVERWRITE_HELP = "Replace entries that already exist (default: skip them)."
CAPABILITY_HELP = "Capability for entries whose categories map to none (repeatable; default: `unclassified`)."
REVIEWED_HELP = (
    "last_reviewed (YYYY-MM-DD) for entries whose source states no date of its own: the day you "
    "checked their facts. Without it such entries are not imported."
)


def _reviewed(value: Optional[str]) -> Optional[date]:
    """The --reviewed date, refused with a clear message when it is not a past or present date."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        err(f"--reviewed: `{value}` is not a date like 2026-11-21")
        raise typer.Exit(BAD_INPUT)
    if day > date.today():
        err(f"--reviewed: {day} is in the future")
        raise typer.Exit(BAD_INPUT)
    return day


@import_app.command("publiccode")
def import_publiccode(
    paths: List[Path] = typer.Argument(..., help="publiccode.yml files, or directories holding them."),
    into: Path = typer.Option(..., "--into", help=INTO_HELP),
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
    capability: Optional[List[str]] = typer.Option(None, "--capability", "-c", help=CAPABILITY_HELP),
    reviewed: Optional[str] = typer.Option(None, "--reviewed", help=REVIEWED_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Import publiccode.yml files (any version, any language) as catalogue entries.

    Prints what was created, skipped and could not be mapped; a file that cannot be read is
    reported and the others are still imported. Exit 1 when a file could not be imported.

    \b
    Examples:
      sbb catalog import publiccode publiccode.yml --into ./our-catalogue
      sbb catalog import publiccode ./repos --into ./our-catalogue -c online-forms --reviewed 2026-11-30
    """
    from catalog.importing import ImportReport, publiccode, write_entries
    from catalog.loader import load_vocabulary

    fallback = _fallback(into, capability)
    vocabulary, _ = load_vocabulary([into] if into.is_dir() else [])
    entries, problems = publiccode.import_files(paths, vocabulary, fallback, reviewed=_reviewed(reviewed))
    report = ImportReport(problems=problems)
    for entry in entries:
        report.note_unmapped(entry.origin.split(" (")[0], entry.unmapped)
    write_entries(entries, into, overwrite, report)
    _report(report, "publiccode.yml import", into, fmt)


@import_app.command("codejson")
def import_codejson(
    file: Path = typer.Argument(..., help="A code.json inventory (version 2.0)."),
    into: Path = typer.Option(..., "--into", help=INTO_HELP),
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
    capability: Optional[List[str]] = typer.Option(None, "--capability", "-c", help=CAPABILITY_HELP),
    reviewed: Optional[str] = typer.Option(None, "--reviewed", help=REVIEWED_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Import a code.json 2.0 inventory: openSource and governmentWideReuse releases become share options.

    Exempt releases, and releases whose usage type is not stated, are not offered as reusable.

    \b
    Examples:
      sbb catalog import codejson code.json --into ./our-catalogue --reviewed 2026-11-30
    """
    from catalog.importing import ImportReport, codejson, write_entries
    from catalog.loader import load_vocabulary

    fallback = _fallback(into, capability)
    vocabulary, _ = load_vocabulary([into] if into.is_dir() else [])
    entries, skipped, problems, unmapped = codejson.read_inventory(file, vocabulary, fallback, reviewed=_reviewed(reviewed))
    report = ImportReport(skipped=list(skipped), problems=problems)
    if unmapped:
        report.unmapped[str(file)] = unmapped
    write_entries(entries, into, overwrite, report)
    _report(report, "code.json import", into, fmt)


@import_app.command("sbb-json")
def import_sbbjson(
    file: Path = typer.Argument(..., help="An sbb-json export (`sbb catalog export --format json`)."),
    into: Path = typer.Option(..., "--into", help="Directory to write one catalogue per source and an sbb.toml into (created if missing)."),
    overwrite: bool = typer.Option(False, "--overwrite", help=OVERWRITE_HELP),
    check: bool = typer.Option(False, "--check", help="Only check the file: report every problem, write nothing."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Read an sbb-json export back: one catalogue directory per source, and an sbb.toml naming them.

    Every entry is checked against the schema and the vocabularies the export carries. Run
    `sbb` in the target directory (or point `--catalog` at one source) to read them merged
    again, with the same conflicts. Exit 1 when an entry could not be imported.

    \b
    Examples:
      sbb catalog import sbb-json export.json --into ./merged --check  # check only, write nothing
      sbb catalog import sbb-json export.json --into ./merged
    """
    from catalog.importing import ImportReport
    from catalog.sbbjson import read_export, write_import

    imported = read_export(file)
    if not imported.sources and imported.problems:
        raise fail(imported.problems, str(file))
    if check:
        entries = sum(len(s.entries) for s in imported.sources)
        for problem in imported.problems:
            typer.echo(str(problem))
        typer.echo(f"{file}: {len(imported.sources)} source(s), {entries} valid entries, {len(imported.skipped)} invalid")
        raise typer.Exit(PROBLEMS if imported.problems else OK)
    created, skipped, problems = write_import(imported, into, overwrite)
    report = ImportReport(created=created, skipped=skipped, problems=imported.problems + problems)
    _report(report, "sbb-json import", into, fmt, f"read them merged with: cd {into} && sbb catalog sources")


# -- export ------------------------------------------------------------------------------------
CSV_COLUMNS = ("tool", "tool_name", "option", "step", "fact", "value", "source", "stated_by", "citations", "conflicts")


@catalog_app.command("export")
def export_command(
    fmt: str = typer.Option(..., "--format", "-f", help="json, csv (one row per fact) or toml (a catalogue directory)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File (json, csv; default or `-`: standard output) or directory (toml, required)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing files."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help=CATALOG_HELP),
) -> None:
    """Export the merged catalogue with provenance: which source states each fact, and conflicts.

    \b
    Examples:
      sbb catalog export -f json -o catalogue.json
      sbb catalog export -f csv > facts.csv
      sbb catalog export -f toml -o ./copy
    """
    from recommender.catalogs import load_for_cli
    from recommender.cli.helpers import is_stdio, write_output

    if fmt not in ("json", "csv", "toml"):
        err(f"unknown format `{fmt}`: use json, csv or toml")
        raise typer.Exit(BAD_INPUT)
    result = load_for_cli(catalog)
    if not result.ok:
        raise fail(result.problems, "the catalogue")
    if fmt == "toml":
        if output is None or is_stdio(output):
            err("--format toml writes a catalogue directory: give it with --output DIR")
            raise typer.Exit(BAD_INPUT)
        _export_toml(result, output, overwrite)
        return
    text = _export_json(result) if fmt == "json" else _export_csv(result)
    if output is None or is_stdio(output):
        typer.echo(text, nl=False)
        return
    write_output(output, text, overwrite, "--overwrite")
    err(f"wrote {output}: {len(result.catalog)} tools")


def _export_json(result) -> str:
    from catalog.sbbjson import export_text

    return export_text(result)


def _export_csv(result) -> str:
    import csv
    import io

    from catalog.export import plain_value
    from catalog.text import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def cell(value) -> str:
        value = plain_value(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)

    for tool in result.catalog:
        for option in tool.options:
            for key in sorted(option.facts):
                fact = option.facts[key]
                writer.writerow([csv_cell(c) for c in [
                    tool.id, tool.name, option.id, option.step, key, cell(fact.value), fact.origin,
                    "; ".join(fact.origins or (fact.origin,)), " ".join(s.url for s in fact.sources),
                    "; ".join(f"{cell(v)} per {o}" for v, o in fact.conflicts),
                ]])
    return buffer.getvalue()


def _export_toml(result, directory: Path, overwrite: bool) -> None:
    import tomli_w

    from catalog.export import tool_to_toml_data
    from catalog.vocabulary import BUNDLED_VOCABULARY, read_vocabulary
    from recommender.render import one_line
    from catalog.files import FileExists, UnsafePath, child_path, write_atomic

    bundled, _ = read_vocabulary(BUNDLED_VOCABULARY)
    extra = [c for c in result.catalog.vocabulary if c.id not in bundled]
    written = skipped = failed = 0
    if extra:
        terms = [{k: v for k, v in (("id", c.id), ("label", c.label), ("description", c.description), ("goals", list(c.goals)), ("area", c.area), ("aliases", list(c.aliases))) if v or k == "goals"} for c in extra]
        try:
            write_atomic(directory / "capabilities.toml", tomli_w.dumps({"schema_version": 1, "capability": terms}), overwrite=overwrite)
        except FileExists:
            err(f"{directory / 'capabilities.toml'} exists: kept (pass --overwrite to replace)")
    tools_dir = directory / "tools"
    by_tool: dict[str, list] = {}
    for conflict in result.conflicts:
        by_tool.setdefault(conflict.tool, []).append(conflict)
    for tool in result.catalog:
        header = [f"# Exported from the federated catalogue; sources: {', '.join(tool.origins or (tool.origin,))}."]
        for c in by_tool.get(tool.id, []):
            claims = "; ".join(f"{_value(v)} per {', '.join(o)}" for v, o in c.claims)
            header.append(f"# CONFLICT {c.option}.{c.key}: {claims} (the first is written below)")
        # One comment line per header line, whatever a value holds: a line break would start TOML.
        text = "\n".join(one_line(h) for h in header) + "\n" + tomli_w.dumps(tool_to_toml_data(tool))
        try:
            write_atomic(child_path(tools_dir, tool.id), text, overwrite=overwrite)
            written += 1
        except FileExists:
            skipped += 1
        except (UnsafePath, OSError) as exc:  # this entry only: say which, go on with the others
            err(f"{tool.id}: not written: {exc}")
            failed += 1
    typer.echo(f"wrote {written} entries to {tools_dir}" + (f"; {skipped} existed and were kept (pass --overwrite)" if skipped else "") + (f"; {failed} could not be written" if failed else ""))
    err(f"check them with: sbb catalog validate {directory}")
    if failed:
        raise typer.Exit(PROBLEMS)
