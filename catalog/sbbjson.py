"""The sbb-json export: a federated catalogue as one JSON file, and reading it back.

Format `sbb-json`, version 2 (documented in catalog/EXPORT.md). Besides the merged view
(`tools`, with each fact's sources and conflicting claims, and `conflicts`), it carries what
each source states — every entry in the catalogue file shape (`entries`) and each source's own
capability terms — so that importing it writes one catalogue directory per source and an
`sbb.toml` naming them in precedence order: read again, they merge into the same catalogue
with the same conflicts. Nothing is lost on the way TOML → JSON → TOML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from catalog.export import tool_to_data, tool_to_toml_data
from catalog.files import FileExists, UnsafePath, child_path, write_atomic
from catalog.loader import SLUG, VOCABULARY_FILE, read_tool_text
from catalog.vocabulary import Capability
from catalog.limits import parse_json, read_import_text
from catalog.problems import Problem, read_text
from catalog.schema import SCHEMA_VERSION, SECTIONS, TOOL_FIELDS
from catalog.vocabulary import BUNDLED_VOCABULARY, Vocabulary, read_vocabulary

FORMAT = "sbb-json"
VERSION = 2
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TERM_KEYS = ("id", "label", "description", "goals", "area", "aliases")


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def term_data(term: Capability) -> dict:
    """A capability term in the capabilities.toml shape."""
    return {
        "id": term.id, "label": term.label, "description": term.description,
        "goals": list(term.goals), "area": term.area, "aliases": list(term.aliases),
    }


def export_data(result, cache: Path | None = None) -> dict:
    """The sbb-json document for a federation result (see catalog/EXPORT.md)."""
    from catalog.federation import source_tools

    vocabulary = result.catalog.vocabulary
    bundled, _ = read_vocabulary(BUNDLED_VOCABULARY)
    sources, entries = [], []
    for status, tools in source_tools(result, cache):
        own: list[dict] = []
        path = status.directory / VOCABULARY_FILE
        if path.is_file() and path.resolve() != BUNDLED_VOCABULARY.resolve():
            terms, _ = read_vocabulary(path)
            own = [term_data(t) for t in terms]
        sources.append({**status.as_dict(), "vocabulary": own})
        entries += [{"source": status.spec.name, "id": tool.id, "entry": tool_to_toml_data(tool)} for tool in tools.values()]
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema_version": SCHEMA_VERSION,
        "sources": sources,
        "vocabulary": [
            {**term_data(t), "defined_by": list(vocabulary.origins.get(t.id, ()))}
            for t in vocabulary if t.id not in bundled
        ],
        "entries": entries,
        "tools": [tool_to_data(t) for t in result.catalog],
        "conflicts": [c.as_dict() for c in result.conflicts],
    }


def export_text(result, cache: Path | None = None) -> str:
    """The sbb-json document as text."""
    return json.dumps(export_data(result, cache), indent=2, ensure_ascii=False, default=_json_default) + "\n"


# -- reading it back --------------------------------------------------------------------------
@dataclass
class ImportedSource:
    """One source of an export, as it will be written: a directory of entries."""

    name: str
    directory: str  # under the target directory
    terms: list[dict] = field(default_factory=list)
    entries: list[tuple[str, str]] = field(default_factory=list)  # (tool id, TOML text)


@dataclass
class Imported:
    """What an sbb-json file holds once checked: its sources, and every problem found."""

    sources: list[ImportedSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)


DATE_FIELDS = {name for name, spec in TOOL_FIELDS.items() if spec.kind == "date"}
SECTION_DATES = {(s, name) for s, fields in SECTIONS.items() for name, spec in fields.items() if spec.kind == "date"}


def _dates(entry: dict) -> dict:
    """An entry from JSON with its dates (ISO strings there) as dates again, as TOML writes them."""

    def as_date(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value  # left for validation to report
        return value

    out = {k: (as_date(v) if k in DATE_FIELDS else v) for k, v in entry.items()}
    options = out.get("options")
    if isinstance(options, list):
        fixed = []
        for option in options:
            if isinstance(option, dict):
                option = dict(option)
                for section, name in SECTION_DATES:
                    table = option.get(section)
                    if isinstance(table, dict) and name in table:
                        option[section] = {**table, name: as_date(table[name])}
            fixed.append(option)
        out["options"] = fixed
    return out


def _safe_dir(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", name.rsplit("/", 1)[-1]).strip("-.") or "source"
    candidate, n = base, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate.casefold())
    return candidate


def read_export(path: Path) -> Imported:
    """Check an sbb-json file: every problem at once, with the JSON line or the entry it is in."""
    out = Imported()
    name = str(path)
    text, problem = read_import_text(path, "export")
    if problem is None:
        data, problem = parse_json(text, name, "invalid JSON")
    if problem is not None:
        out.problems.append(problem)
        return out
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        out.problems.append(Problem(name, 0, "format", f"not an {FORMAT} export (`format` must be \"{FORMAT}\")"))
        return out
    if data.get("version") != VERSION:
        out.problems.append(Problem(
            name, 0, "version",
            f"version {data.get('version')!r} cannot be read: this sbb reads version {VERSION} "
            "(export the catalogue again with `sbb catalog export --format json`)",
        ))
        return out
    raw_sources, raw_entries = data.get("sources"), data.get("entries")
    if not isinstance(raw_sources, list) or not isinstance(raw_entries, list):
        out.problems.append(Problem(name, 0, "", "`sources` and `entries` must be arrays"))
        return out
    by_name: dict[str, ImportedSource] = {}
    taken: set[str] = set()
    for index, raw in enumerate(raw_sources):
        where = f"sources[{index + 1}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
            out.problems.append(Problem(name, 0, where, "a source needs a `name`"))
            continue
        if raw["name"] in by_name:
            out.problems.append(Problem(name, 0, where, f"source `{raw['name']}` is listed twice"))
            continue
        terms = []
        raw_terms = raw.get("vocabulary") or []
        if not isinstance(raw_terms, list):
            out.problems.append(Problem(name, 0, f"{where}.vocabulary", "expected an array of terms"))
            raw_terms = []
        for t_index, term in enumerate(raw_terms):
            problem = _term_problem(term)
            if problem:
                out.problems.append(Problem(name, 0, f"{where}.vocabulary[{t_index + 1}]", problem))
                continue
            terms.append({k: term[k] for k in TERM_KEYS if k in term and term[k] not in (None, "")})
        source = ImportedSource(raw["name"], _safe_dir(raw["name"], taken), terms)
        by_name[source.name] = source
        out.sources.append(source)
    vocabulary = _vocabulary(out.sources)
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_entries):
        where = f"entries[{index + 1}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("entry"), dict):
            out.problems.append(Problem(name, 0, where, "expected {source, id, entry}"))
            continue
        raw_source = raw.get("source")
        source, tool_id = by_name.get(raw_source) if isinstance(raw_source, str) else None, raw.get("id")
        if source is None:
            out.problems.append(Problem(name, 0, where + ".source", f"no source named `{raw.get('source')}` in `sources`"))
            continue
        if not isinstance(tool_id, str) or not SLUG.match(tool_id):
            out.problems.append(Problem(name, 0, where + ".id", f"`{tool_id}` is not a tool id"))
            continue
        if (source.name, tool_id) in seen:
            out.problems.append(Problem(name, 0, where + ".id", f"`{tool_id}` is listed twice for source `{source.name}`"))
            continue
        seen.add((source.name, tool_id))
        try:
            text = tomli_w.dumps(_dates(raw["entry"]))
        except (TypeError, ValueError) as exc:
            out.problems.append(Problem(name, 0, where + ".entry", f"cannot be written as TOML: {exc}"))
            continue
        tool, found = read_tool_text(Path(source.directory) / "tools" / f"{tool_id}.toml", text, vocabulary, source.name)
        errors = [p for p in found if p.severity == "error"]
        if tool is None or errors:
            out.problems += [Problem(name, 0, f"{where}.entry.{p.key}".rstrip("."), f"{tool_id}: {p.message}") for p in errors]
            out.skipped.append((f"{source.name}/{tool_id}", "the entry does not pass validation"))
            continue
        source.entries.append((tool_id, text))
    return out


def _term_problem(term: Any) -> str:
    """What is wrong with a vocabulary term of the export, or ""."""
    if not isinstance(term, dict) or not isinstance(term.get("id"), str) or not isinstance(term.get("label"), str):
        return "a term needs `id` and `label` strings"
    for key in ("description", "area"):
        if key in term and term[key] is not None and not isinstance(term[key], str):
            return f"`{key}` must be a string"
    for key in ("goals", "aliases"):
        if key in term and term[key] is not None and not (isinstance(term[key], list) and all(isinstance(v, str) for v in term[key])):
            return f"`{key}` must be a list of strings"
    return ""


def _vocabulary(sources: list[ImportedSource]) -> Vocabulary:
    """The bundled vocabulary with every source's terms, as the federation would read them."""
    vocabulary, _ = read_vocabulary(BUNDLED_VOCABULARY)
    for source in sources:
        terms = []
        for term in source.terms:
            goals = term.get("goals", ())
            aliases = term.get("aliases", ())
            terms.append(Capability(
                str(term["id"]), str(term["label"]), str(term.get("description", "")),
                tuple(goals) if isinstance(goals, list) else (), str(term.get("area", "other")),
                tuple(str(a) for a in aliases) if isinstance(aliases, list) else (),
            ))
        vocabulary = vocabulary.merged(Vocabulary(terms))
    return vocabulary


def write_import(imported: Imported, into: Path, overwrite: bool = False) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[Problem]]:
    """Write each source as `into/<source>/` and an `into/sbb.toml` naming them, in precedence order.

    Returns (created, skipped, problems). An existing file is kept unless `overwrite`.
    """
    created: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = list(imported.skipped)
    problems: list[Problem] = []

    def write(path: Path, text: str, what: str) -> None:
        try:
            write_atomic(path, text, overwrite=overwrite)
            created.append((what, str(path)))
        except FileExists:
            skipped.append((what, f"{path} exists (pass --overwrite to replace it)"))
        except OSError as exc:
            problems.append(Problem(str(path), 0, "", f"cannot write: {exc.strerror or exc}"))

    for source in imported.sources:
        base = into / source.directory
        if source.terms:
            text = tomli_w.dumps({"schema_version": SCHEMA_VERSION, "capability": source.terms})
            write(base / VOCABULARY_FILE, text, f"{source.name}: {VOCABULARY_FILE}")
        for tool_id, text in source.entries:
            try:
                path = child_path(base / "tools", tool_id)
            except UnsafePath as exc:
                problems.append(Problem(str(base / "tools"), 0, "", f"not written: {exc}"))
                continue
            write(path, text, tool_id)
    lines = ["# The sources of an sbb-json export, in precedence order (highest first).", "bundled = false", ""]
    for source in imported.sources:
        name = source.name if NAME.match(source.name) else source.directory
        lines += ["[[sources]]", f"name = {json.dumps(name)}", f"path = {json.dumps(source.directory)}", ""]
    write(into / "sbb.toml", "\n".join(lines), "sbb.toml")
    return created, skipped, problems
