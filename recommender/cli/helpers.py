"""Helpers shared by every command group: messages, exits, loading, profiles from flags,
safe output. Command modules import them from here, never from each other."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer

from catalog.record import replace
from recommender.exits import BAD_INPUT

if TYPE_CHECKING:
    from collections.abc import Iterable


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


def echo_pieces(text: str | Iterable[str], size: int = 1 << 20) -> None:
    """Write text to standard output as it is made (one string, or pieces gathered into writes
    of about `size` characters)."""
    if isinstance(text, str):
        typer.echo(text, nl=False)
        return
    held: list[str] = []
    count = 0
    for piece in text:
        held.append(piece)
        count += len(piece)
        if count >= size:
            typer.echo("".join(held), nl=False)
            held, count = [], 0
    if held:
        typer.echo("".join(held), nl=False)


def write_output(path: Path, text: str | Iterable[str], overwrite: bool, flag: str) -> None:
    """Write an output file atomically (one string, or its pieces as they are made), or exit 2
    with one line naming the file and why."""
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


def _profile_cache() -> Path | None:
    """Where parsed profiles are kept between runs (with the parsed catalogues: `sbb catalog
    cache clear` removes them too), or None when this run neither reads nor writes the cache
    (`--no-cache`, `SBB_NO_CACHE=1`)."""
    from catalog.sources import cache_dir
    from recommender.catalogs import cache_enabled

    return cache_dir() / "parsed" if cache_enabled() else None


def build_profile(vocabulary, profile_path, capability, hard, soft, country, level, stance, ops_capacity, skill, unique, must_control_code, title, allow_empty=False, goals=None, policies=None, as_of=None, sectors=None):
    """A profile from a file and/or flags; flags add to or override the file. Exits 2 on problems."""
    from recommender.profile import Profile, Requirement, parse_flag_value, parse_profile, read_profile
    from recommender.profile import ProfileReader

    problems = []
    base = Profile()
    if is_stdio(profile_path):
        text, problem = read_stdin("profile")
        read, found = parse_profile(text, vocabulary, "<stdin>", _profile_cache()) if problem is None else (None, [problem])
        problems += found
        if read is not None:
            base = read
    elif profile_path is not None:
        read, found = read_profile(profile_path, vocabulary, _profile_cache())
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
    if sectors:
        ctx_data["sectors"] = list(dict.fromkeys(sectors))
    if ctx_data or skill:
        reader = ProfileReader("flags", "", vocabulary)
        merged = {
            "country": ctx.country, "level": ctx.level, "sectors": list(ctx.sectors), "stance": ctx.stance,
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


def need_terminal() -> None:
    """Exit 2 with a clear message when the TUI cannot have a terminal (a pipe, a CI job)."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return
    err("sbb: the terminal UI needs a terminal (standard input and output must both be one). "
        "Without one, run a command instead, e.g. `sbb recommend --profile FILE`; see `sbb --help`.")
    raise typer.Exit(BAD_INPUT)


# The flags that state a profile, shared by `recommend` and `decide` (one definition each).
STRICT_FLAG = typer.Option(False, "--strict", help="Exclude options whose hard requirements are unknown.")
CAPABILITY_FLAG = typer.Option(None, "--capability", "-c", help="A capability needed (hard; repeatable; typos forgiven).")
GOAL_FLAG = typer.Option(None, "--goal", help="An agency goal (monitoring, communication, engagement, collaboration, delivery); sets the scope when no capability is named.")
HARD_FLAG = typer.Option(None, "--hard", help="A hard requirement KEY=VALUE, e.g. residency=AU,NZ (repeatable).")
SOFT_FLAG = typer.Option(None, "--soft", help="A preference KEY[=VALUE][:WEIGHT], e.g. open_source:3 (repeatable).")
COUNTRY_FLAG = typer.Option(None, "--country", help="The agency's country (ISO 3166 alpha-2).")
LEVEL_FLAG = typer.Option(None, "--level", help="national, state, local or other-public.")
SECTOR_FLAG = typer.Option(None, "--sector", help="A function of the agency (COFOG division, e.g. health, education, social-protection; repeatable): services open only to some sectors are judged by it.")
STANCE_FLAG = typer.Option(None, "--stance", help="ICT stance: leader, supporter or observer.")
OPS_CAPACITY_FLAG = typer.Option(None, "--ops-capacity", help="none, low, medium or high.")
SKILL_FLAG = typer.Option(None, "--skill", help="A skill the agency has (repeatable).")
UNIQUE_FLAG = typer.Option(None, "--unique-requirement", help="A stated unique requirement (justifies build).")
MUST_CONTROL_CODE_FLAG = typer.Option(False, "--must-control-code", help="The agency must control the code (justifies build).")
WILL_RESOURCE_FLAG = typer.Option(False, "--will-resource", help="The agency will fund the capacity and skills an option needs (fits if resourced ranks with fits).")
