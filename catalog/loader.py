"""Read catalogue directories of TOML files into typed records, collecting every problem.

A catalogue directory holds one `<tool-id>.toml` per tool, either directly or under
`tools/`, and optionally a `capabilities.toml` that extends the vocabulary.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gc
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli

from catalog import schema
from catalog.countries import is_location
from catalog import licences
from catalog.files import SLUG
from catalog.fast import FastBuilder
from catalog.limits import check_shape, load_toml
from catalog.text import UNSAFE, URL, unsafe_char
from catalog import assurance
from catalog.listing import (  # noqa: F401 - the listing is part of the loader's interface
    BUNDLED_CATALOG,
    NOT_TOOLS,
    VOCABULARY_FILE,
    escapes,
    list_tool_files,
    list_tool_names,
    outside_problem,
    tool_files,
)
from catalog.model import Caveat, Catalog, Fact, Facts, LoadResult, Option, SecurityAssessment, Source, Tool
from catalog.problems import Problem, did_you_mean, duplicate_tool, format_path, key_lines, line_of, read_text, toml_problem
from catalog.schema import Field
from catalog.vocabulary import BUNDLED_VOCABULARY, Vocabulary, read_vocabulary

# Controls, escapes, BiDi and zero-width characters: never legitimate in catalogue text.
CONTROL = UNSAFE
MAX_PROBLEMS = 200  # problems listed per file; the rest are counted


def load_vocabulary(directories: list[Path]) -> tuple[Vocabulary, list[Problem]]:
    """The bundled vocabulary extended by any capabilities.toml in the given directories."""
    vocabulary, problems = read_vocabulary(BUNDLED_VOCABULARY)
    for directory in directories:
        extra = directory / VOCABULARY_FILE
        if escapes(extra, directory):
            problems.append(outside_problem(extra))
            continue
        if extra.is_file() and extra.resolve() != BUNDLED_VOCABULARY.resolve():
            more, found = read_vocabulary(extra)
            problems += found
            vocabulary = vocabulary.merged(more)
    return vocabulary, problems


def load_catalog(directories: list[Path] | None = None, label: str | None = None) -> LoadResult:
    """Read one or more catalogue directories; tool ids must be unique across them.

    Bulk parsing creates many small objects: the cyclic collector is paused while it runs
    and the result is frozen, which is most of the cost at 10k+ tools.
    """
    directories = [Path(d) for d in (directories or [BUNDLED_CATALOG])]
    vocabulary, problems = load_vocabulary(directories)
    tools: dict[str, Tool] = {}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for directory in directories:
            if not directory.is_dir():
                problems.append(Problem(str(directory), 0, "", "not a catalogue directory"))
                continue
            if escapes(directory / "tools", directory):
                problems.append(outside_problem(directory / "tools"))
                continue
            files, found = list_tool_files(directory)
            problems += found
            if found and not files and found[0].severity == "error":
                continue
            if not files:
                problems.append(
                    Problem(str(directory), 0, "", "no tool files (*.toml) found", "warning")
                )
            origin = label or str(directory)
            with building(vocabulary, origin):
                for path in files:
                    tool, found = read_tool(path, vocabulary, origin, root=directory)
                    problems += found
                    if tool is None:
                        continue
                    if tool.id in tools:
                        problems.append(duplicate_tool(path, tool.id, tools[tool.id].path))
                        continue
                    tools[tool.id] = tool
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    ordered = {tool_id: tools[tool_id] for tool_id in sorted(tools)}
    catalog = Catalog(ordered, vocabulary, tuple(str(d) for d in directories))
    return LoadResult(catalog, sorted(problems))


def read_tool(path: Path, vocabulary: Vocabulary, origin: str = "", root: Path | None = None) -> tuple[Tool | None, list[Problem]]:
    """Parse and validate one tool file. Returns (None, problems) when it cannot be used.

    With `root`, a file that resolves outside `root` (a symbolic link in a pulled repository
    pointing anywhere else on the machine) is not read: its contents never reach a message.
    """
    if root is not None and escapes(path, root):
        return None, [outside_problem(path)]
    active = _BUILDING.get()
    text, problem = read_text(path, limit=active[1].limits.file_bytes if active else None)
    if problem is not None:
        return None, [problem]
    return read_tool_text(path, text, vocabulary, origin)


def read_tool_text(
    path: Path, text: str, vocabulary: Vocabulary, origin: str = "", builder: FastBuilder | None = None
) -> tuple[Tool | None, list[Problem]]:
    """Parse and validate the text of a tool file that is (or will be) at `path`.

    A valid file is built by the fast path (`catalog/fast.py`); any other goes through the
    limits check and `ToolReader`, which word every problem. `builder` is the fast path of
    the caller's source (same vocabulary and `origin`), made once for all its files.
    """
    name = str(path)
    data, problem = load_toml(text, name)
    if problem is not None:
        return None, [problem]
    if builder is None:
        builder = _builder_for(vocabulary, origin)
    tool = builder.build(path, data)
    if tool is not None:
        return tool, []
    return read_tool_data(path, text, data, vocabulary, origin)


def read_tool_data(path: Path, text: str, data: Any, vocabulary: Vocabulary, origin: str = "") -> tuple[Tool | None, list[Problem]]:
    """A parsed tool file the fast path stepped aside for: the limits check, then the full walk,
    which words every problem."""
    problem = check_shape(data, str(path))
    if problem is not None:
        return None, [problem]
    return ToolReader(path, text, data, vocabulary, origin).read()


# The fast path of the source being read (see `building`), for callers that do not pass one.
_BUILDING: contextvars.ContextVar[tuple[Vocabulary, FastBuilder] | None] = contextvars.ContextVar("building", default=None)


@contextlib.contextmanager
def building(vocabulary: Vocabulary, origin: str):
    """Within: `read_tool_text` with this vocabulary and origin uses one fast path, made once."""
    builder = FastBuilder(vocabulary.capabilities, origin)
    token = _BUILDING.set((vocabulary, builder))
    try:
        yield builder
    finally:
        _BUILDING.reset(token)


def _builder_for(vocabulary: Vocabulary, origin: str) -> FastBuilder:
    active = _BUILDING.get()
    if active is not None and active[0] is vocabulary and active[1].origin == origin:
        return active[1]
    return FastBuilder(vocabulary.capabilities, origin)


class ToolReader:
    """Validates one parsed tool file against the schema, collecting all problems."""

    def __init__(self, path: Path, text: str, data: dict, vocabulary: Vocabulary, origin: str):
        self.path, self.text, self.data = path, text, data
        self.vocabulary, self.origin = vocabulary, origin
        self.problems: list[Problem] = []
        self.unlisted = 0  # problems past MAX_PROBLEMS: counted, not kept
        self.unlisted_errors = False
        self._lines: dict[tuple, int] | None = None
        self.sources: dict[str, Source] = {}

    # -- reporting -------------------------------------------------------------------
    def problem(self, path: tuple, message: str, severity: str = "error") -> None:
        """Record a problem at a key path, with the line it is on when that can be found."""
        if len(self.problems) >= MAX_PROBLEMS:  # a hostile file cannot fill memory with problems
            self.unlisted += 1
            self.unlisted_errors = self.unlisted_errors or severity == "error"
            return
        if self._lines is None:
            self._lines = key_lines(self.text)
        line = line_of(self._lines, path)
        self.problems.append(Problem(str(self.path), line, format_path(path), message, severity))

    # -- generic checks ----------------------------------------------------------------
    def check(self, value: Any, spec: Field, path: tuple) -> Any:
        """The value converted for the model, or None after recording a problem."""
        return _CHECKS[spec.kind](self, value, spec, path)

    def _text(self, value: Any, spec: Field, path: tuple) -> Any:
        if not isinstance(value, str) or not value.strip():
            return self.expected(path, "a non-empty string", value)
        # `str` fields are names, titles and labels: one line. `text` fields are prose.
        bad = unsafe_char(value.strip(), single_line=spec.kind == "str")
        if bad:
            return self.fail(path, bad)
        return value.strip()

    def _url(self, value: Any, spec: Field, path: tuple) -> Any:
        if isinstance(value, str):
            bad = unsafe_char(value, single_line=True)
            if bad:
                return self.fail(path, bad)
        if not isinstance(value, str) or not URL.match(value):
            return self.expected(path, "an http(s) URL", value)
        return value

    def _bool(self, value: Any, spec: Field, path: tuple) -> Any:
        return value if isinstance(value, bool) else self.expected(path, "true or false", value)

    def _int(self, value: Any, spec: Field, path: tuple) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return self.expected(path, "an integer", value)
        return value

    def _date(self, value: Any, spec: Field, path: tuple) -> Any:
        if isinstance(value, datetime):
            return self.expected(path, "a date like 2026-11-21 (no time)", value)
        if not isinstance(value, date):
            return self.expected(path, "a date like 2026-11-21 (unquoted)", value)
        return value

    def _slug(self, value: Any, spec: Field, path: tuple) -> Any:
        if not isinstance(value, str) or not SLUG.match(value):
            return self.expected(path, "a slug (lowercase letters, digits, dashes)", value)
        return value

    def _enum(self, value: Any, spec: Field, path: tuple) -> Any:
        if not isinstance(value, str):
            return self.expected(path, f"one of {_choices(spec.choices)}", value)
        if value not in spec.choices:
            return self.fail(
                path,
                f"`{value}` is not one of {_choices(spec.choices)}{did_you_mean(value, spec.choices)}",
            )
        return value

    def _country(self, value: Any, spec: Field, path: tuple) -> Any:
        if not isinstance(value, str) or not is_location(value):
            return self.expected(path, "an ISO 3166 alpha-2 country code (e.g. AU) or EU/EEA", value)
        return value

    def _spdx(self, value: Any, spec: Field, path: tuple) -> Any:
        if not isinstance(value, str) or not value.strip():
            return self.expected(path, "an SPDX licence expression", value)
        parsed = licences.parse(value)
        if parsed.licence is None:
            return self.fail(path, f"`{licences.shown(value)}`: {parsed.error}")
        for note in parsed.notes:
            self.problem(path, note, "warning")
        return parsed.licence

    def _retention(self, value: Any, spec: Field, path: tuple) -> Any:
        if value == "unlimited" or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            return value
        return self.expected(path, "a number of months or \"unlimited\"", value)

    def check_list(self, value: Any, spec: Field, path: tuple) -> tuple | None:
        """Lists: each item checked; duplicates dropped; capabilities and sources resolved."""
        if not isinstance(value, list):
            return self.expected(path, "an array", value)
        item_kind = spec.kind[len("list-"):]
        if item_kind == "capability":
            check_item = self.capability
        elif item_kind == "scheme":
            check_item = self.scheme
        elif item_kind == "source":
            check_item = self.source_ref
        else:
            item_spec = _item_spec(item_kind, spec.choices)

            def check_item(item, where):
                return self.check(item, item_spec, where)

        # Duplicates dropped in one pass (a set, not a scan of the list per item).
        out: dict = {}
        for item in value:
            good = check_item(item, path)
            if good is not None:
                out.setdefault(good, None)
        return tuple(out)

    def capability(self, item: Any, path: tuple) -> str | None:
        if not isinstance(item, str):
            return self.expected(path, "a capability id", item)
        if item in self.vocabulary:
            return item
        exact = self.vocabulary.exact(item)
        if exact:
            self.problem(path, f"`{item}` is a name of capability `{exact}`: write the id", "warning")
            return exact
        return self.fail(path, f"unknown capability `{item}`{self.vocabulary.suggestion(item)}")

    def source_ref(self, item: Any, path: tuple) -> Source | None:
        if not isinstance(item, str):
            return self.expected(path, "a source id", item)
        if item not in self.sources:
            return self.fail(
                path, f"no source with id `{item}` in [[sources]]{did_you_mean(item, self.sources)}"
            )
        return self.sources[item]

    def expected(self, path: tuple, what: str, got: Any) -> None:
        self.problem(path, f"expected {what}, found {_describe(got)}")
        return None

    def fail(self, path: tuple, message: str) -> None:
        self.problem(path, message)
        return None

    def table(self, value: Any, fields: dict[str, Field], path: tuple, extra: tuple = ()) -> dict | None:
        """Check a table's keys: unknown keys (with a suggestion) and missing required ones."""
        if not isinstance(value, dict):
            return self.expected(path, "a table", value)
        allowed, required = _shape(id(fields), extra)
        for key in value:
            if key not in allowed:
                self.problem(path + (key,), f"unknown key `{key}`{did_you_mean(key, (*fields, *extra))}")
        for key in required:
            if key not in value:
                self.problem(path, f"missing required key `{key}`")
        return value

    # -- the file ------------------------------------------------------------------------
    def read(self) -> tuple[Tool | None, list[Problem]]:
        """The tool, or None when the file has errors; with every problem (the first MAX_PROBLEMS listed)."""
        tool, problems = self._read()
        if self.unlisted:
            severity = "error" if self.unlisted_errors else "warning"
            problems.append(Problem(str(self.path), 0, "", f"{self.unlisted:,} more problem(s) not listed: the first {MAX_PROBLEMS} are", severity))
        return tool, problems

    def _read(self) -> tuple[Tool | None, list[Problem]]:
        data, stem = self.data, self.path.stem
        self.table(data, schema.TOOL_FIELDS, ())
        version = data.get("schema_version")
        if "schema_version" in data and version != schema.SCHEMA_VERSION:
            self.problem(("schema_version",), f"unsupported schema_version {version!r}; this release reads 1")
        if not SLUG.match(stem):
            self.problem((), f"file name `{stem}` is not a slug (lowercase letters, digits, dashes)")
        if "id" in data and data["id"] != stem:
            self.problem(("id",), f"id `{data['id']}` must equal the file name `{stem}`")

        self.read_sources(data.get("sources"))
        values: dict[str, Any] = {}
        for key in ("name", "summary", "homepage", "repository", "last_reviewed", "aliases", "capabilities"):
            if key in data:
                values[key] = self.check(data[key], schema.TOOL_FIELDS[key], (key,))
        if data.get("capabilities") == []:
            self.problem(("capabilities",), "at least one capability is required")
        reviewed = values.get("last_reviewed")
        if isinstance(reviewed, date) and reviewed > date.today():
            self.problem(("last_reviewed",), f"{reviewed} is in the future", "warning")
        if not self.sources and "sources" not in data:
            self.problem((), "no [[sources]]: facts cannot be checked", "warning")

        options: list[Option] = []
        raw_options = data.get("options")
        if "options" in data:
            if not isinstance(raw_options, list) or not raw_options:
                self.expected(("options",), "one or more [[options]] tables", raw_options)
            else:
                seen: set[str] = set()
                for index, raw in enumerate(raw_options):
                    option = self.read_option(raw, ("options", index))
                    if option is None:
                        continue
                    if option.id in seen:
                        self.problem(("options", index, "id"), f"duplicate option id `{option.id}`")
                        continue
                    seen.add(option.id)
                    options.append(option)

        if self.unlisted_errors or any(p.severity == "error" for p in self.problems):
            return None, self.problems
        tool = Tool(
            id=stem,
            name=values["name"],
            summary=values["summary"],
            homepage=values["homepage"],
            capabilities=values["capabilities"],
            last_reviewed=values["last_reviewed"],
            options=tuple(options),
            aliases=values.get("aliases") or (),
            repository=values.get("repository") or "",
            sources=tuple(self.sources.values()),
            path=str(self.path),
            origin=self.origin,
            origins=(self.origin,) if self.origin else (),
        )
        return tool, self.problems

    def read_sources(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            self.expected(("sources",), "an array of tables [[sources]]", raw)
            return
        for index, entry in enumerate(raw):
            path = ("sources", index)
            if self.table(entry, schema.SOURCE_FIELDS, path) is None:
                continue
            checked = {
                key: self.check(entry[key], spec, path + (key,))
                for key, spec in schema.SOURCE_FIELDS.items()
                if key in entry
            }
            if checked.get("id") and checked.get("url"):
                if checked["id"] in self.sources:
                    self.problem(path + ("id",), f"duplicate source id `{checked['id']}`")
                    continue
                if checked.get("accept") and not checked.get("note"):
                    self.problem(path + ("accept",), "`accept` needs a `note` saying why the warnings it accepts are right for this source")
                self.sources[checked["id"]] = Source(
                    checked["id"], checked["url"], checked.get("title") or "", checked.get("note") or "", checked.get("accept") or ()
                )

    def read_option(self, raw: Any, path: tuple) -> Option | None:
        if self.table(raw, schema.OPTION_FIELDS, path, tuple(schema.SECTIONS)) is None:
            return None
        values = {
            key: self.check(raw[key], spec, path + (key,))
            for key, spec in schema.OPTION_FIELDS.items()
            if key in raw and spec.kind not in ("caveats",)
        }
        option_sources = values.get("sources") or ()
        facts: dict[str, Fact] = {}
        for section, fields in schema.SECTIONS.items():
            if section in raw:
                facts.update(self.read_section(raw[section], section, fields, path + (section,), option_sources))
        caveats = self.read_caveats(raw.get("caveats"), path + ("caveats",)) if "caveats" in raw else ()
        if any(values.get(k) is None for k in ("id", "name", "origin", "deployment")):
            return None
        return Option(
            id=values["id"],
            name=values["name"],
            origin=values["origin"],
            deployment=values["deployment"],
            provider=values.get("provider") or "",
            summary=values.get("summary") or "",
            facts=Facts.of(facts),
            caveats=caveats,
        )

    def read_section(
        self, raw: Any, section: str, fields: dict[str, Field], path: tuple, option_sources: tuple
    ) -> dict[str, Fact]:
        if self.table(raw, fields, path, tuple(schema.SECTION_META)) is None:
            return {}
        section_sources = (
            self.check(raw["sources"], schema.SECTION_META["sources"], path + ("sources",)) or ()
            if "sources" in raw
            else ()
        )
        cite = self.read_cite(raw.get("cite"), fields, path + ("cite",)) if "cite" in raw else {}
        default = section_sources or option_sources or tuple(self.sources.values())
        facts: dict[str, Fact] = {}
        for key in raw:
            spec = fields.get(key)
            if spec is None:
                continue  # section meta (sources, cite) or an unknown key, reported by table()
            if spec.kind == "residency-exceptions":
                value = self.read_exceptions(raw[key], path + (key,))
            elif spec.kind == "assessments":
                value = self.read_assessments(raw[key], path + (key,))
            else:
                value = self.check(raw[key], spec, path + (key,))
            if value is not None:
                sources = cite.get(key) or default
                if spec.kind == "assessments":  # each assessment may cite its own page
                    own = tuple(a.source for a in value if a.source is not None)
                    sources = tuple(dict.fromkeys(own)) if own and key not in cite else sources
                facts[f"{section}.{key}"] = Fact(value, sources, self.origin)
        return facts

    def read_cite(self, raw: Any, fields: dict[str, Field], path: tuple) -> dict[str, tuple[Source, ...]]:
        if not isinstance(raw, dict):
            return self.expected(path, "an inline table of fact = source id", raw) or {}
        out: dict[str, tuple[Source, ...]] = {}
        for fact, ref in raw.items():
            if fact not in fields:
                self.problem(path + (fact,), f"cites unknown fact `{fact}`{did_you_mean(fact, fields)}")
                continue
            refs = ref if isinstance(ref, list) else [ref]
            found = tuple(s for s in (self.source_ref(r, path + (fact,)) for r in refs) if s)
            if found:
                out[fact] = found
        return out

    def read_caveats(self, raw: Any, path: tuple) -> tuple[Caveat, ...]:
        if not isinstance(raw, list):
            self.expected(path, "an array of tables [[options.caveats]]", raw)
            return ()
        out = []
        for index, entry in enumerate(raw):
            where = path + (index,)
            if self.table(entry, schema.CAVEAT_FIELDS, where) is None:
                continue
            risk = self.check(entry.get("risk"), schema.CAVEAT_FIELDS["risk"], where + ("risk",)) if "risk" in entry else None
            text = self.check(entry.get("text"), schema.CAVEAT_FIELDS["text"], where + ("text",)) if "text" in entry else None
            source = self.source_ref(entry["source"], where + ("source",)) if "source" in entry else None
            if risk and text:
                out.append(Caveat(risk, text, source))
        return tuple(out)

    def read_assessments(self, raw: Any, path: tuple) -> tuple | None:
        """Security assessments: scheme and level from the assurance vocabulary, and a scope."""
        if not isinstance(raw, list):
            return self.expected(path, "an array of tables {scheme, level, scope, source}", raw)
        out: list[SecurityAssessment] = []
        fields = schema.ASSESSMENT_FIELDS
        for index, entry in enumerate(raw):
            where = path + (index,)
            if self.table(entry, fields, where) is None:
                continue
            scheme = self.scheme(entry["scheme"], where + ("scheme",)) if "scheme" in entry else None
            scope = self.check(entry["scope"], fields["scope"], where + ("scope",)) if "scope" in entry else None
            source = self.source_ref(entry["source"], where + ("source",)) if "source" in entry else None
            level = ""
            if scheme is not None:
                levels = assurance.SCHEMES[scheme].levels
                raw_level = entry.get("level", levels[0] if len(levels) == 1 else None)
                if raw_level is None:
                    self.problem(where, f"missing key `level` (one of {_choices(levels)})")
                    scheme = None
                elif not isinstance(raw_level, str) or raw_level.casefold() not in levels:
                    self.fail(
                        where + ("level",),
                        f"`{raw_level}` is not a level of {scheme}: use one of {_choices(levels)}"
                        f"{did_you_mean(str(raw_level), levels)}",
                    )
                    scheme = None
                else:
                    level = raw_level.casefold()
            if scheme and scope:
                out.append(SecurityAssessment(scheme, level, scope, source))
        return tuple(dict.fromkeys(out))

    def scheme(self, item: Any, path: tuple) -> str | None:
        """An assessment scheme id from the assurance vocabulary."""
        if not isinstance(item, str):
            return self.expected(path, "an assessment scheme id", item)
        found = assurance.scheme_id(item)
        if found is None:
            return self.fail(
                path,
                f"unknown assessment scheme `{item}`: use one of {_choices(tuple(assurance.SCHEMES))}"
                f"{did_you_mean(item.casefold(), assurance.SCHEMES)}",
            )
        if found != item:
            self.problem(path, f"`{item}` is a name of scheme `{found}`: write the id", "warning")
        return found

    def read_exceptions(self, raw: Any, path: tuple) -> tuple | None:
        if not isinstance(raw, list):
            return self.expected(path, "an array of tables {country, feature}", raw)
        out = []
        for index, entry in enumerate(raw):
            where = path + (index,)
            if self.table(entry, schema.EXCEPTION_FIELDS, where) is None:
                continue
            country = self.check(entry.get("country"), schema.EXCEPTION_FIELDS["country"], where + ("country",)) if "country" in entry else None
            feature = self.check(entry.get("feature"), schema.EXCEPTION_FIELDS["feature"], where + ("feature",)) if "feature" in entry else None
            if country and feature:
                out.append((country, feature))
        return tuple(out)


_FIELD_TABLES = {
    id(table): table
    for table in (schema.TOOL_FIELDS, schema.SOURCE_FIELDS, schema.OPTION_FIELDS, schema.CAVEAT_FIELDS, schema.EXCEPTION_FIELDS, schema.ASSESSMENT_FIELDS, *schema.SECTIONS.values())
}


@functools.lru_cache(maxsize=None)
def _shape(fields_id: int, extra: tuple) -> tuple[frozenset, tuple[str, ...]]:
    """(allowed keys, required keys) of a schema table, worked out once."""
    fields = _FIELD_TABLES[fields_id]
    return frozenset(fields) | frozenset(extra), tuple(k for k, spec in fields.items() if spec.required)


_CHECKS = {
    "str": ToolReader._text,
    "text": ToolReader._text,
    "url": ToolReader._url,
    "bool": ToolReader._bool,
    "int": ToolReader._int,
    "date": ToolReader._date,
    "slug": ToolReader._slug,
    "enum": ToolReader._enum,
    "country": ToolReader._country,
    "spdx": ToolReader._spdx,
    "retention": ToolReader._retention,
    **{kind: ToolReader.check_list for kind in ("list-str", "list-enum", "list-country", "list-capability", "list-source", "list-scheme")},
}


@functools.lru_cache(maxsize=None)
def _item_spec(kind: str, choices: tuple[str, ...]) -> Field:
    """The spec of one item of a list field, made once per kind (not once per item)."""
    return Field(kind, "", choices)


def _choices(choices: tuple[str, ...]) -> str:
    return ", ".join(f"`{c}`" for c in choices)


def _describe(value: Any) -> str:
    """A value's TOML type, in TOML words."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"float {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "nothing" if value is None else type(value).__name__
