"""The `sbb` command line: one face on the engine (the TUI is the other).

Start-up matters for scripts: heavy modules (Textual, Rich, rapidfuzz-backed search) are
imported inside the commands that need them, never at module level.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

import typer

from recommender.exits import BAD_INPUT, INTERNAL, ONLY_BUILD, OK

app = typer.Typer(
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
catalog_app = typer.Typer(
    help="Read, check and maintain catalogues.\n\n\b\nExamples:\n"
    "  sbb catalog validate ./our-catalogue\n"
    '  sbb catalog search "web analytics"\n'
    "  sbb catalog show matomo\n"
    "  sbb catalog sources",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")


def err(message: str) -> None:
    """Print to standard error; values quoted from files (names, keys, ids) are shown inert."""
    from catalog.text import neutralise

    typer.echo(neutralise(message), err=True)


def fail(problems, what: str = "input") -> "typer.Exit":
    """Report every problem (errors and warnings) and return the bad-input exit."""
    for p in problems:
        err(str(p))
    errors = sum(1 for p in problems if p.severity == "error")
    err(f"{errors} error(s) in {what}; nothing was changed.")
    return typer.Exit(BAD_INPUT)


def write_output(path: Path, text: str, overwrite: bool, flag: str) -> None:
    """Write an output file atomically, or exit 2 with one line naming the file and why."""
    from catalog.files import FileExists, write_atomic

    try:
        write_atomic(path, text, overwrite=overwrite)
    except FileExists as exc:
        hint = f"; choose another file or pass {flag} to replace it" if exc.strerror == "already exists" else ""
        err(f"{path} {exc.strerror}{hint}")
        raise typer.Exit(BAD_INPUT)
    except OSError as exc:
        err(f"error: {exc.strerror or exc}: {exc.filename or path}")
        raise typer.Exit(BAD_INPUT)


STDIO = "-"  # as a path: standard input (to read) or standard output (to write)


def is_stdio(path: Optional[Path]) -> bool:
    """Whether a path given on the command line is `-`."""
    return path is not None and str(path) == STDIO


def profile_ref(path: Optional[Path]) -> str:
    """How a record names the profile it came from: its file, `standard input`, or ""."""
    if path is None:
        return ""
    return "standard input" if is_stdio(path) else str(path)


def read_stdin(what: str):
    """(text, None) from standard input, or (None, problem): the same size limit as a file."""
    from catalog.limits import current
    from catalog.problems import Problem

    limit = current().file_bytes
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return None, Problem("<stdin>", 0, "", f"cannot read {what}: no standard input")
    if sys.stdin.isatty():  # a person typing: say what is awaited and how to end it
        err(f"reading the {what} from standard input; end it with Ctrl-D (Ctrl-Z, Enter on Windows)")
    data = stream.read(limit + 1)
    if len(data) > limit:
        return None, Problem("<stdin>", 0, "", f"larger than the {limit:,}-byte limit for a {what} (set SBB_MAX_FILE_BYTES to change it)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, Problem("<stdin>", 0, "", f"not UTF-8 text (byte {exc.start})")


def load(catalog_dirs: Optional[List[Path]], quiet_warnings: bool = True):
    """The catalogue from the given directories (default: configured sources), or exit 2."""
    from recommender.catalogs import load_for_cli

    result = load_for_cli(catalog_dirs)
    if not result.ok:
        raise fail(result.problems, "the catalogue")
    if not quiet_warnings:
        for p in result.warnings:
            err(str(p))
    return result


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit (with -v: also the catalogue sources read and their commits or digests)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="With --version: more detail."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Read every catalogue file again: the parse cache is neither used nor written (also SBB_NO_CACHE=1)."),
) -> None:
    """Share, buy, or (last resort) build: find how to get a capability, with reasons.

    With no command, open the terminal UI (it needs a terminal).

    \b
    Examples:
      sbb                                   # the guided walk in the terminal
      sbb recommend --profile examples/b-web-analytics.toml
      sbb recommend -c web-analytics --hard residency=DE -f json
      sbb --version -v                      # version and catalogue sources, for a bug report
      sbb --no-cache catalog stats          # read every catalogue file again, bypassing the cache
      sbb --install-completion              # tab completion for this shell
    """
    from recommender import catalogs

    catalogs.USE_CACHE = not no_cache
    if no_cache:
        ctx.call_on_close(lambda: setattr(catalogs, "USE_CACHE", True))  # for this run only
    if version:
        typer.echo(version_text(verbose), nl=False)
        raise typer.Exit(OK)
    if ctx.invoked_subcommand is None:
        from tui.app import run_tui

        need_terminal()
        raise typer.Exit(run_tui([]))


def version_text(verbose: bool) -> str:
    """`sharebuybuild 0.1.0`; verbose adds Python, the main libraries and each catalogue source.

    Sources are described without parsing any catalogue: a git source by the commit it was
    last pulled at, a directory (and the bundled catalogue) by the digest of its TOML files.
    """
    from importlib.metadata import PackageNotFoundError, version

    from recommender.madr import tool_version

    lines = [tool_version()]
    if not verbose:
        return lines[0] + "\n"
    libraries = []
    for name in ("typer", "textual"):
        try:
            libraries.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libraries.append(f"{name} (not installed)")
    lines.append(f"Python {sys.version.split()[0]}, " + ", ".join(libraries))
    from catalog.sources import configured_sources, read_state
    from recommender.madr import directory_digest

    config = configured_sources()
    lines.append("catalogue sources (highest precedence first):")
    for spec in config.sources:
        if spec.kind == "git":
            state = read_state(spec)
            at = f"commit {state.commit}" if state and state.commit else "not pulled yet"
        else:
            directory = Path(spec.path)
            at = directory_digest(directory) if directory.is_dir() else "directory not found"
        lines.append(f"  {spec.name} ({spec.kind}) {at}  {spec.location}")
    lines += [f"  {problem}" for problem in config.problems]
    from catalog.text import neutralise

    return "\n".join(neutralise(line) for line in lines) + "\n"


def need_terminal() -> None:
    """Exit 2 with a clear message when the TUI cannot have a terminal (a pipe, a CI job)."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return
    err("sbb: the terminal UI needs a terminal (standard input and output must both be one). "
        "Without one, run a command instead, e.g. `sbb recommend --profile FILE`; see `sbb --help`.")
    raise typer.Exit(BAD_INPUT)


@app.command()
def recommend(
    profile: Optional[Path] = typer.Option(None, "--profile", "-p", help="Requirements profile (TOML); `-` reads it from standard input."),
    catalog: Optional[List[Path]] = typer.Option(None, "--catalog", help="Catalogue directory (repeatable). Default: the bundled catalogue plus configured sources."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, markdown, or madr (a MADR 4.0 decision record; `record` is the same)."),
    strict: bool = typer.Option(False, "--strict", help="Exclude options whose hard requirements are unknown."),
    capability: Optional[List[str]] = typer.Option(None, "--capability", "-c", help="A capability needed (hard; repeatable; typos forgiven)."),
    goal: Optional[List[str]] = typer.Option(None, "--goal", help="An agency goal (monitoring, communication, engagement, collaboration, delivery); sets the scope when no capability is named."),
    hard: Optional[List[str]] = typer.Option(None, "--hard", help="A hard requirement KEY=VALUE, e.g. residency=AU,NZ (repeatable)."),
    soft: Optional[List[str]] = typer.Option(None, "--soft", help="A preference KEY[=VALUE][:WEIGHT], e.g. open_source:3 (repeatable)."),
    country: Optional[str] = typer.Option(None, "--country", help="The agency's country (ISO 3166 alpha-2)."),
    level: Optional[str] = typer.Option(None, "--level", help="national, state, local or other-public."),
    stance: Optional[str] = typer.Option(None, "--stance", help="ICT stance: leader, supporter or observer."),
    ops_capacity: Optional[str] = typer.Option(None, "--ops-capacity", help="none, low, medium or high."),
    skill: Optional[List[str]] = typer.Option(None, "--skill", help="A skill the agency has (repeatable)."),
    unique: Optional[List[str]] = typer.Option(None, "--unique-requirement", help="A stated unique requirement (justifies build)."),
    must_control_code: bool = typer.Option(False, "--must-control-code", help="The agency must control the code (justifies build)."),
    will_resource: bool = typer.Option(False, "--will-resource", help="The agency will fund the capacity and skills an option needs (fits if resourced ranks with fits)."),
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
    the_profile = build_profile(loaded.catalog.vocabulary, profile, capability, hard, soft, country, level, stance, ops_capacity, skill, unique, must_control_code, title, goals=goal, policies=policy, as_of=day)
    if will_resource:
        the_profile = replace(the_profile, context=replace(the_profile.context, will_resource=True))
    from recommender.engine import recommend as run

    rec = run(loaded.catalog, the_profile, strict=strict)
    if rec.scope_problem:
        err(f"error: {rec.scope_problem}")
        raise typer.Exit(BAD_INPUT)
    if fmt in ("madr", "record"):
        from recommender.madr import RecordMeta, catalogue_sources, to_madr, tool_version

        meta = RecordMeta(as_of=day, tool_version=tool_version(), profile_ref=profile_ref(profile), sources=catalogue_sources(loaded))
        text = to_madr(rec, meta)
    else:
        text = FORMATS[fmt](rec)
    if output is not None:
        write_output(output, text, force, "--force")
        err(f"wrote {output}")
    else:
        typer.echo(text, nl=False)
    raise typer.Exit(ONLY_BUILD if rec.only_build else OK)


def parse_as_of(text: Optional[str]):
    """The `--as-of` date, or None for today; exits 2 on a malformed date."""
    if text is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        err(f"--as-of: expected a date like 2026-11-30, found {text!r}")
        raise typer.Exit(BAD_INPUT) from None


def build_profile(vocabulary, profile_path, capability, hard, soft, country, level, stance, ops_capacity, skill, unique, must_control_code, title, allow_empty=False, goals=None, policies=None, as_of=None):
    """A profile from a file and/or flags; flags add to or override the file. Exits 2 on problems."""
    from recommender.profile import Profile, Requirement, parse_flag_value, parse_profile, read_profile
    from recommender.profile import ProfileReader

    problems = []
    base = Profile()
    if is_stdio(profile_path):
        text, problem = read_stdin("profile")
        read, found = parse_profile(text, vocabulary, "<stdin>") if problem is None else (None, [problem])
        problems += found
        if read is not None:
            base = read
    elif profile_path is not None:
        read, found = read_profile(profile_path, vocabulary)
        problems += found
        if read is not None:
            base = read
    elif not (capability or hard or soft or goals or allow_empty):
        err("no requirements: give --profile FILE, or --capability/--goal/--hard/--soft flags (see --help)")
        raise typer.Exit(BAD_INPUT)
    requirements = list(base.requirements)
    from catalog.problems import Problem

    hard_keys = {"capabilities"} if capability else set()
    hard_keys |= {item.partition("=")[0].strip() for item in hard or []}
    soft_keys = {(item.rpartition(":")[0] if ":" in item else item).partition("=")[0].strip() for item in soft or []}
    for key in sorted(hard_keys & soft_keys):
        flag = "--capability" if key == "capabilities" and capability else "--hard"
        problems.append(Problem("flags", 0, key, f"`{key}` is given both as hard ({flag}) and as a preference (--soft); keep one"))

    def put(req: Requirement) -> None:
        nonlocal requirements
        requirements = [r for r in requirements if r.kind != req.kind] + [req]

    if capability:
        value, found = parse_flag_value("capabilities", ",".join(capability), vocabulary, "--capability")
        problems += found
        if value is not None:
            existing = base.get("capabilities")
            merged = tuple(dict.fromkeys((existing.value if existing and existing.hard else ()) + tuple(value)))
            put(Requirement("capabilities", merged, True))
    for item in hard or []:
        key, _, raw = item.partition("=")
        value, found = parse_flag_value(key.strip(), raw or "true", vocabulary, "--hard")
        problems += found
        if value is not None:
            put(Requirement(key.strip(), value, True))
    for item in soft or []:
        spec, _, weight_text = item.rpartition(":") if ":" in item else (item, "", "1")
        key, _, raw = spec.partition("=")
        if not weight_text.strip().isdigit() or not 1 <= int(weight_text) <= 10:
            problems.append(Problem("--soft", 0, key, f"weight must be a whole number from 1 to 10, found {weight_text!r}"))
            continue
        value, found = parse_flag_value(key.strip(), raw or "true", vocabulary, "--soft")
        problems += found
        if value is not None:
            put(Requirement(key.strip(), value, False, int(weight_text)))
    if goals:
        reader = ProfileReader("--goal", "", vocabulary)
        goals = reader.read_goals(list(goals))
        problems += reader.problems
    ctx_data = {}
    for key, value in (("country", country), ("level", level), ("stance", stance), ("ops_capacity", ops_capacity)):
        if value is not None:
            ctx_data[key] = value
    ctx = base.context
    if ctx_data or skill:
        reader = ProfileReader("flags", "", vocabulary)
        merged = {
            "country": ctx.country, "level": ctx.level, "stance": ctx.stance,
            "ops_capacity": ctx.ops_capacity, "skills": list(ctx.skills),
            "will_resource": ctx.will_resource, "uses_features": list(ctx.uses_features),
        }
        merged.update({k: v for k, v in ctx_data.items()})
        if skill:
            merged["skills"] = list(dict.fromkeys(merged["skills"] + list(skill)))
        ctx = reader.read_context({k: v for k, v in merged.items() if v not in ("", [], None)})
        problems += reader.problems
    packs = base.policies
    if policies:
        from recommender.policy import load_packs

        extra, found = load_packs(policies)
        problems += found
        packs = packs + tuple(k for k in extra if all(k.id != have.id for have in packs))
    if as_of is not None:
        ctx = replace(ctx, today=as_of)
    if any(p.severity == "error" for p in problems):
        raise fail(problems, "the profile and its policy packs" if packs or policies else "the profile")
    for p in problems:
        err(str(p))
    return replace(
        base,
        title=title or base.title,
        requirements=tuple(requirements),
        context=ctx,
        unique_requirements=base.unique_requirements + tuple(unique or ()),
        must_control_code=base.must_control_code or must_control_code,
        goals=tuple(dict.fromkeys(base.goals + tuple(goals or ()))),
        policies=packs,
    )


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


def find_option(catalog, ident: str):
    """(tool, option) for `tool/option` (or a tool with a single option), else an error message."""
    from catalog.search import find_tool

    tool_id, _, option_id = ident.partition("/")
    tool, close = find_tool(catalog, tool_id)
    if tool is None:
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"no tool `{tool_id}` in the catalogue{hint}"
    if not option_id:
        if len(tool.options) == 1:
            return tool, tool.options[0]
        return f"`{tool.id}` has several options: {', '.join(f'{tool.id}/{o.id}' for o in tool.options)}"
    for option in tool.options:
        if option.id == option_id:
            return tool, option
    return f"`{tool.id}` has no option `{option_id}`: {', '.join(f'{tool.id}/{o.id}' for o in tool.options)}"


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


def main() -> None:
    """Console-script entry point: a person sees a message, never a traceback."""
    # A terminal whose encoding lacks a character (a cp1252 console and `✓`) shows an escape.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except OSError as exc:  # a file or directory the command had to read or write
        where = f": {exc.filename}" if exc.filename else ""
        err(f"error: {exc.strerror or exc}{where}")
        sys.exit(BAD_INPUT)
    except Exception as exc:  # a bug: keep the details for the report, show one line
        err(f"internal error ({type(exc).__name__}: {exc}); this is a bug in sbb. {crash_report()}")
        sys.exit(INTERNAL)


def crash_report() -> str:
    """Write the current traceback to the cache directory; a sentence saying where."""
    import traceback

    from catalog.sources import cache_dir

    text = traceback.format_exc()
    try:
        from catalog.files import write_atomic

        path = cache_dir() / "crash-report.txt"
        write_atomic(path, text, overwrite=True)
    except OSError:
        return "The details could not be saved."
    return f"Details for a bug report: {path}"
from recommender import catalog_cli  # noqa: E402,F401  (registers the `catalog` subcommands)
from recommender import sharing_cli  # noqa: E402,F401  (registers the sharing subcommands)
from recommender import decide_cli  # noqa: E402,F401  (registers `decide`)
