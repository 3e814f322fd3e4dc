"""Bounds on what one input file may hold, so that no file can exhaust time or memory.

Catalogues, vocabularies, profiles, config files and import files come from elsewhere. Each is
checked against these limits before anything else reads it, and a file over a limit is one
clear problem that names the limit and the variable that changes it:

| limit | default | variable |
|---|---|---|
| size of a catalogue, vocabulary, profile or config file | 1 MiB | `SBB_MAX_FILE_BYTES` |
| size of an import file (publiccode.yml, code.json) | 32 MiB | `SBB_MAX_IMPORT_BYTES` |
| nesting of tables and arrays (TOML, JSON, YAML) | 32 levels | `SBB_MAX_DEPTH` |
| items in one array, keys in one table | 10,000 | `SBB_MAX_ITEMS` |

YAML aliases (`*name`) are refused outright: publiccode.yml never needs them, and a few
hundred bytes of nested aliases expand to gigabytes.
"""

from __future__ import annotations

import os
from typing import Any

from catalog.problems import Problem, format_path, toml_problem
from catalog.record import record

VARIABLES = {
    "file_bytes": "SBB_MAX_FILE_BYTES",
    "import_bytes": "SBB_MAX_IMPORT_BYTES",
    "depth": "SBB_MAX_DEPTH",
    "items": "SBB_MAX_ITEMS",
}


@record(frozen=True)
class Limits:
    """The limits in force (defaults, or the environment's)."""

    file_bytes: int
    import_bytes: int
    depth: int
    items: int

    def __init__(
        self, file_bytes: int = 1024 * 1024, import_bytes: int = 32 * 1024 * 1024, depth: int = 32,
        items: int = 10_000,
    ) -> None:
        object.__setattr__(self, "file_bytes", file_bytes)
        object.__setattr__(self, "import_bytes", import_bytes)
        object.__setattr__(self, "depth", depth)
        object.__setattr__(self, "items", items)


def current() -> Limits:
    """The limits of this run: each default unless its variable holds a positive whole number."""
    values = {}
    for field, variable in VARIABLES.items():
        raw = os.environ.get(variable, "").strip().replace("_", "")
        if raw.isdigit() and int(raw) > 0:
            values[field] = int(raw)
    return Limits(**values)


def too_big(name: str, size: int, limit: int, what: str, variable: str) -> Problem:
    return Problem(name, 0, "", f"{size:,} bytes: larger than the {limit:,}-byte limit for a {what} (set {variable} to change it)")


def check_shape(data: Any, name: str, limits: Limits | None = None) -> Problem | None:
    """The first place where parsed data nests too deep or holds too many items, or None.

    The walk stops descending at the depth limit, so its own recursion is bounded by it.
    """
    limits = limits or current()
    try:
        found = _first_excess(data, (), limits.depth, limits.items)
    except RecursionError:  # a depth limit set higher than the interpreter can follow
        return nesting_problem(name, limits)
    if found is None:
        return None
    path, kind, size = found
    if kind == "depth":
        return Problem(name, 0, _shown(path), f"nested more than {limits.depth} levels deep (the limit; set {VARIABLES['depth']} to change it)")
    return Problem(name, 0, _shown(path), f"{size:,} {kind}: more than the limit of {limits.items:,} (set {VARIABLES['items']} to change it)")


def _first_excess(value: Any, path: tuple, depth: int, items: int) -> tuple | None:
    if len(value) > items:
        return path, "keys" if type(value) is dict else "items", len(value)
    pairs = value.items() if type(value) is dict else enumerate(value)
    for key, child in pairs:
        kind = type(child)
        if kind is dict or kind is list:
            if len(path) + 1 >= depth:
                return path + (key,), "depth", 0
            found = _first_excess(child, path + (key,), depth, items)
            if found is not None:
                return found
    return None


def _shown(path: tuple) -> str:
    shown = format_path(path[:6])
    return shown + ("…" if len(path) > 6 else "")


def nesting_problem(name: str, limits: Limits | None = None) -> Problem:
    """The problem of a file nested too deeply for the parser itself."""
    limits = limits or current()
    return Problem(name, 0, "", f"nested more than {limits.depth} levels deep (the limit; set {VARIABLES['depth']} to change it)")


def parse_toml(text: str, name: str) -> tuple[dict | None, Problem | None]:
    """TOML text as data within the limits, or None with the one problem that says why not."""
    data, problem = load_toml(text, name)
    if problem is None:
        problem = check_shape(data, name)
    return (None, problem) if problem else (data, None)


def load_toml(text: str, name: str) -> tuple[dict | None, Problem | None]:
    """TOML text as data, or None with the problem that says why not; the limits on nesting and
    items are not checked (`check_shape` does, or a reader that accepts only bounded shapes)."""
    import tomli

    try:
        return tomli.loads(text), None
    except tomli.TOMLDecodeError as exc:
        return None, toml_problem(name, exc)
    except RecursionError:
        return None, nesting_problem(name)


def parse_json(text: str, name: str, invalid: str = "not valid JSON") -> tuple[Any, Problem | None]:
    """JSON text as data within the limits, or None with the one problem that says why not."""
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, Problem(name, exc.lineno, "", f"{invalid}: {exc.msg}")
    except RecursionError:
        return None, nesting_problem(name)
    problem = check_shape(data, name)
    return (None, problem) if problem else (data, None)


def read_import_text(path, what: str = "file", encoding: str = "utf-8") -> tuple[str | None, Problem | None]:
    """An import file's text, within the import size limit."""
    from catalog.problems import read_text

    return read_text(path, what, encoding, limit=current().import_bytes, variable=VARIABLES["import_bytes"])


def parse_yaml(text: str, name: str) -> tuple[Any, Problem | None]:
    """YAML text (safe types only) as data within the limits, or None with the one problem.

    The events are read first, without building anything: an alias is refused where it
    stands, and so is nesting past the limit, before a single object is made.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    limits = current()
    try:
        depth = 0
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                return None, Problem(name, event.start_mark.line + 1, "", "YAML aliases (`*name`) are not accepted: write the value out in full")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.depth:
                    return None, Problem(
                        name, event.start_mark.line + 1, "",
                        f"nested more than {limits.depth} levels deep (the limit; set {VARIABLES['depth']} to change it)",
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark else 0
        if "nesting depth" in reason:  # the YAML parser's own bound, far past ours
            return None, Problem(name, line, "", f"nested more than {limits.depth} levels deep (the limit; set {VARIABLES['depth']} to change it)")
        return None, Problem(name, line, "", f"not valid YAML: {reason}")
    except RecursionError:
        return None, nesting_problem(name)
    problem = check_shape(data, name)
    return (None, problem) if problem else (data, None)
