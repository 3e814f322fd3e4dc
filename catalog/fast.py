"""The valid path of reading a tool file: checked and built in one pass, without messages.

Almost every catalogue file is valid, and `loader.ToolReader` spends most of a load on care a
valid file does not need: it walks each key through a generic check that can locate and word
a problem. `FastBuilder.build` checks the same rules with tables worked out once per schema
table, and builds the records directly. At the first thing it does not accept — anything
`ToolReader` would report, a warning included, or anything it was not written for — it gives
up and returns None; the caller then runs `ToolReader` (and the limits check) on the same
data, and those problems are the answer. So every message still comes from `ToolReader`, and
the fast path may be stricter than the full walk, never laxer: tests compare the two on the
bundled catalogue and on generated hostile input.

Records built here share what they can: fact keys, enum values and repeated list values
(`("csv", "json")`, `("rest",)`) are one object each, and every tool of a source shares its
`origins` tuple, so a catalogue of 100,000 tools does not hold millions of equal copies.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from catalog import assurance, licences, schema
from catalog.countries import ISO_COUNTRIES, REGION_MEMBERS
from catalog.files import SLUG
from catalog.limits import Limits, current
from catalog.model import Caveat, Facts, Option, SecurityAssessment, Source, Tool
from catalog.text import UNSAFE, UNSAFE_OR_BREAK, URL

# The deepest container a file the schema accepts can hold is at key depth 5
# (options -> option -> section -> cite -> list of refs); tables hold at most the keys of
# their schema table. Below these limits the fast path steps aside and the limits check runs.
_MIN_DEPTH = 8
_MIN_ITEMS = 32


class _Reject(Exception):
    """Not for the fast path: the full walk decides (and words the problems)."""


_LOCATIONS = {code: code for code in (*ISO_COUNTRIES, *REGION_MEMBERS)}
_URL_MATCH = URL.match
_unsafe_line = UNSAFE_OR_BREAK.search
_unsafe_text = UNSAFE.search
_slug = SLUG.match

# Kinds that need the tool's sources (resolved in the builder, not by a plain check).
_SOURCES, _ASSESSMENTS, _EXCEPTIONS = "list-source", "assessments", "residency-exceptions"


def _reject(_value: Any = None) -> Any:
    raise _Reject


def _line(value: Any) -> str:
    """A `str` field: one line, not blank, stripped."""
    if type(value) is not str:
        raise _Reject
    stripped = value.strip()
    if not stripped or _unsafe_line(stripped):
        raise _Reject
    return stripped


def _text(value: Any) -> str:
    """A `text` field: prose, not blank, stripped."""
    if type(value) is not str:
        raise _Reject
    stripped = value.strip()
    if not stripped or _unsafe_text(stripped):
        raise _Reject
    return stripped


def _url(value: Any) -> str:
    if type(value) is not str or _unsafe_line(value) or not _URL_MATCH(value):
        raise _Reject
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _Reject
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _Reject
    return value


def _date(value: Any) -> date:
    if type(value) is not date:  # a datetime is not a date here
        raise _Reject
    return value


def _slug_value(value: Any) -> str:
    if type(value) is not str or not _slug(value):
        raise _Reject
    return value


def _country(value: Any) -> str:
    if type(value) is not str:
        raise _Reject
    found = _LOCATIONS.get(value)
    if found is None:
        raise _Reject
    return found


def _spdx(value: Any) -> Any:
    if type(value) is not str or not value.strip():
        raise _Reject
    parsed = licences.parse(value)
    if parsed.licence is None or parsed.notes:
        raise _Reject
    return parsed.licence


def _retention(value: Any) -> Any:
    if value == "unlimited" and type(value) is str:
        return "unlimited"
    if type(value) is int and value > 0:
        return value
    raise _Reject


def _scheme(value: Any) -> str:
    """An assessment scheme written as its id (a name of it is a warning: the full walk)."""
    if type(value) is not str or value not in assurance.SCHEMES or assurance.scheme_id(value) != value:
        raise _Reject
    return value


def _enum(choices: tuple[str, ...]) -> Callable[[Any], str]:
    canonical = {c: c for c in choices}

    def check(value: Any) -> str:
        if type(value) is not str:
            raise _Reject
        found = canonical.get(value)
        if found is None:
            raise _Reject
        return found

    return check


def _item_check(kind: str, choices: tuple[str, ...]) -> Callable[[Any], Any]:
    """The check of a plain (context-free) value of a schema kind; one that rejects for others."""
    plain = {
        "str": _line, "text": _text, "url": _url, "bool": _bool, "int": _int, "date": _date,
        "slug": _slug_value, "country": _country, "spdx": _spdx, "retention": _retention, "scheme": _scheme,
    }
    if kind == "enum":
        return _enum(choices)
    return plain.get(kind, _reject)


def _own_sources(assessments: tuple) -> tuple:
    """The pages the assessments of a fact cite, without repeats (the fact's sources when any)."""
    return tuple(dict.fromkeys(a.source for a in assessments if a.source is not None))


class FastBuilder:
    """Builds the tools of one catalogue source from parsed files, or steps aside.

    One builder serves every file of a source read against one vocabulary: it holds the
    per-key tables, the limits in force, today's date and the shared values.
    """

    def __init__(self, capabilities, origin: str = "", limits: Limits | None = None):
        self.limits = limits = limits or current()
        # Below these limits a schema-valid file could still break one: the full walk decides.
        self.enabled = limits.depth >= _MIN_DEPTH and limits.items >= _MIN_ITEMS
        self.items = limits.items
        self.capabilities = {c: c for c in capabilities}  # each term's one string
        self.capability_lists: dict[tuple, tuple] = {}  # a list as written -> the tuple it stands for
        self.origin = origin
        self.origins = (origin,) if origin else ()
        self.today = date.today()
        self.shared: dict = {}  # equal values built once: tuples of facts, capability lists, dates
        self.ids: dict[str, str] = {}  # source and option ids already checked, one string each
        self.sections = [(name, self._table(name, fields)) for name, fields in schema.SECTIONS.items()]
        self.source_accept = self._list(_enum(schema.SOURCE_FIELDS["accept"].choices))
        self.aliases = self._list(_line)
        self.origin_check = _enum(schema.OPTION_FIELDS["origin"].choices)
        self.deployment_check = _enum(schema.OPTION_FIELDS["deployment"].choices)
        self.risk_check = _enum(schema.CAVEAT_FIELDS["risk"].choices)
        self.scope_check = _enum(schema.ASSESSMENT_FIELDS["scope"].choices)

    # -- tables ------------------------------------------------------------------------------
    def _list(self, item: Callable[[Any], Any]) -> Callable[[Any], tuple]:
        items = self.items

        def check(value: Any) -> tuple:
            if type(value) is not list or len(value) > items:
                raise _Reject
            return tuple(dict.fromkeys([item(v) for v in value]))

        return check

    def _table(self, section: str, fields: dict[str, schema.Field]) -> dict[str, tuple]:
        """key -> (fact key, check, whether the fact cites its own sources) for one section."""
        table = {}
        for key, spec in fields.items():
            fact_key = f"{section}.{key}"
            if spec.kind == _ASSESSMENTS:
                table[key] = (fact_key, self._assessments, True)
            elif spec.kind == _EXCEPTIONS:
                table[key] = (fact_key, self._exceptions, False)
            elif spec.kind.startswith("list-") and spec.kind != _SOURCES:
                table[key] = (fact_key, self._values(_item_check(spec.kind[5:], spec.choices)), False)
            else:
                table[key] = (fact_key, _item_check(spec.kind, spec.choices), False)
        return table

    def _values(self, item: Callable[[Any], Any]) -> Callable[[Any], tuple]:
        """A list fact of plain values: checked once per distinct list, one tuple for equal lists.

        The items of these kinds are strings, and no other TOML value equals a string, so a
        list equal to one already accepted is accepted as that one.
        """
        seen: dict[tuple, tuple] = {}
        shared = self.shared
        items = self.items

        def check(value: Any) -> tuple:
            if type(value) is not list:
                raise _Reject
            key = tuple(value)
            found = seen.get(key)  # TypeError (a table in the list) steps aside
            if found is None:
                if len(value) > items:
                    raise _Reject
                found = tuple(dict.fromkeys([item(v) for v in value]))
                found = seen[key] = shared.setdefault(found, found)
            return found

        return check

    def _slug_id(self, value: Any) -> str:
        """A source or option id, repeated across tools (`self-hosted`, `home`): checked once per
        distinct id, one string each."""
        found = self.ids.get(value) if type(value) is str else None
        if found is None:
            found = self.ids[value] = _slug_value(value)
        return found

    # -- the file ----------------------------------------------------------------------------
    def build(self, path: Path, data: Any) -> Tool | None:
        """The tool of a parsed file when it is valid without a single remark, else None."""
        return self.build_file(str(path), path.stem, data)

    def build_file(self, file: str, stem: str, data: Any) -> Tool | None:
        """`build` of the file named `file` (its path as a string) whose name without `.toml` is `stem`."""
        if not self.enabled:
            return None
        try:
            return self._tool(file, stem, data)
        except Exception:  # noqa: BLE001 - _Reject, or input this path was not written for
            return None

    def _tool(self, file: str, stem: str, data: Any) -> Tool:
        if type(data) is not dict:
            raise _Reject
        if not (data.keys() <= _TOOL_KEYS and _TOOL_REQUIRED <= data.keys()):
            raise _Reject
        if data["schema_version"] != schema.SCHEMA_VERSION or not _slug(stem):
            raise _Reject
        if "id" in data and data["id"] != stem:
            raise _Reject
        if "sources" not in data:
            raise _Reject  # no [[sources]]: a warning
        self.sources = sources = {}
        self._sources(data["sources"], sources)
        name = _line(data["name"])
        summary = _text(data["summary"])
        homepage = _url(data["homepage"])
        repository = _url(data["repository"]) if "repository" in data else ""
        reviewed = data["last_reviewed"]
        if type(reviewed) is not date or reviewed > self.today:
            raise _Reject
        aliases = self.aliases(data["aliases"]) if "aliases" in data else ()
        capabilities = self._capabilities(data["capabilities"])
        raw_options = data["options"]
        if type(raw_options) is not list or not raw_options or len(raw_options) > self.items:
            raise _Reject
        every_source = tuple(sources.values())
        options = []
        seen = set()
        for raw in raw_options:
            option = self._option(raw, sources, every_source)
            if option.id in seen:
                raise _Reject
            seen.add(option.id)
            options.append(option)
        return Tool(
            stem, name, summary, homepage, capabilities, self.shared.setdefault(reviewed, reviewed), tuple(options),
            aliases, repository, every_source, file, self.origin, self.origins,
        )

    def _capabilities(self, raw: Any) -> tuple[str, ...]:
        """A tool's capabilities: checked once per distinct list, one tuple of the vocabulary's own strings."""
        if type(raw) is not list:
            raise _Reject
        key = tuple(raw)
        found = self.capability_lists.get(key)  # TypeError (a table in the list) steps aside
        if found is None:
            if not raw or len(raw) > self.items:
                raise _Reject
            known = self.capabilities
            for capability in raw:
                if type(capability) is not str or capability not in known:
                    raise _Reject
            found = tuple(dict.fromkeys([known[c] for c in raw]))
            found = self.capability_lists[key] = self.shared.setdefault(found, found)
        return found

    def _sources(self, raw: Any, sources: dict[str, Source]) -> None:
        if type(raw) is not list or len(raw) > self.items:
            raise _Reject
        for entry in raw:
            if type(entry) is not dict:
                raise _Reject
            if not entry.keys() <= _SOURCE_KEYS:
                raise _Reject
            source_id = self._slug_id(entry["id"])  # KeyError (a missing key) steps aside too
            url = _url(entry["url"])
            title = _line(entry["title"]) if "title" in entry else ""
            note = _text(entry["note"]) if "note" in entry else ""
            accept = self.source_accept(entry["accept"]) if "accept" in entry else ()
            if source_id in sources or (accept and not note):
                raise _Reject
            sources[source_id] = Source(source_id, url, title, note, accept)

    def _refs(self, raw: Any, sources: dict[str, Source]) -> tuple[Source, ...]:
        """A list of source ids, resolved, without repeats."""
        if type(raw) is not list or len(raw) > self.items:
            raise _Reject
        for ref in raw:
            if type(ref) is not str or ref not in sources:
                raise _Reject
        return tuple([sources[ref] for ref in dict.fromkeys(raw)])

    def _ref(self, raw: Any, sources: dict[str, Source]) -> Source:
        if type(raw) is not str:
            raise _Reject
        return sources[raw]  # KeyError: an unknown source steps aside

    def _option(self, raw: Any, sources: dict[str, Source], every_source: tuple) -> Option:
        if type(raw) is not dict:
            raise _Reject
        if not (raw.keys() <= _OPTION_KEYS and _OPTION_REQUIRED <= raw.keys()):
            raise _Reject
        option_id = self._slug_id(raw["id"])
        name = _line(raw["name"])
        origin = self.origin_check(raw["origin"])
        deployment = self.deployment_check(raw["deployment"])
        provider = _line(raw["provider"]) if "provider" in raw else ""
        summary = _text(raw["summary"]) if "summary" in raw else ""
        fallback = (self._refs(raw["sources"], sources) if "sources" in raw else ()) or every_source
        values: dict[str, Any] = {}  # the facts by column: their values and, in the same order, sources
        cited: dict[str, tuple] = {}
        for section, table in self.sections:
            if section in raw:
                self._section(raw[section], table, sources, fallback, values, cited)
        caveats = self._caveats(raw["caveats"], sources) if "caveats" in raw else ()
        facts = Facts(tuple(values), tuple(values.values()), tuple(cited.values()), self.origin) if values else {}
        return Option(option_id, name, origin, deployment, provider, summary, facts, caveats)

    def _section(self, raw: Any, table: dict, sources: dict[str, Source], fallback: tuple, values: dict, cited: dict) -> None:
        if type(raw) is not dict:
            raise _Reject
        if "sources" in raw or "cite" in raw:
            self._cited_section(raw, table, sources, fallback, values, cited)
            return
        for key, value in raw.items():
            fact_key, check, own = table[key]  # KeyError: an unknown key steps aside
            if own:
                value = values[fact_key] = check(value)
                cited[fact_key] = _own_sources(value) or fallback
            else:
                values[fact_key] = check(value)
                cited[fact_key] = fallback

    def _cited_section(self, raw: dict, table: dict, sources: dict[str, Source], fallback: tuple, values: dict, cited: dict) -> None:
        """A section with its own `sources` or `cite`."""
        default = (self._refs(raw["sources"], sources) if "sources" in raw else ()) or fallback
        cite = self._cite(raw["cite"], table, sources) if "cite" in raw else {}
        for key, value in raw.items():
            if key == "sources" or key == "cite":
                continue
            fact_key, check, own = table[key]
            value = values[fact_key] = check(value)
            chosen = (key not in cite and _own_sources(value)) if own else ()
            cited[fact_key] = chosen or cite.get(key) or default

    def _cite(self, raw: Any, table: dict, sources: dict[str, Source]) -> dict[str, tuple]:
        if type(raw) is not dict:
            raise _Reject
        out = {}
        for fact, ref in raw.items():
            if fact not in table:
                raise _Reject
            if type(ref) is list:
                if len(ref) > self.items:
                    raise _Reject
                found = tuple([self._ref(r, sources) for r in ref])  # repeats kept, as the full walk does
            else:
                found = (self._ref(ref, sources),)
            if found:
                out[fact] = found
        return out

    def _caveats(self, raw: Any, sources: dict[str, Source]) -> tuple[Caveat, ...]:
        if type(raw) is not list or len(raw) > self.items:
            raise _Reject
        out = []
        for entry in raw:
            if type(entry) is not dict or entry.keys() != _CAVEAT_KEYS:
                raise _Reject
            out.append(Caveat(self.risk_check(entry["risk"]), _text(entry["text"]), self._ref(entry["source"], sources)))
        return tuple(out)

    def _assessments(self, raw: Any) -> tuple[SecurityAssessment, ...]:
        if type(raw) is not list or len(raw) > self.items:
            raise _Reject
        out = []
        for entry in raw:
            if type(entry) is not dict:
                raise _Reject
            if not entry.keys() <= _ASSESSMENT_KEYS:
                raise _Reject
            scheme = _scheme(entry["scheme"])
            scope = self.scope_check(entry["scope"])
            source = self._ref(entry["source"], self.sources) if "source" in entry else None
            levels = assurance.SCHEMES[scheme].levels
            level = entry.get("level", levels[0] if len(levels) == 1 else None)
            if type(level) is not str or level.casefold() not in levels:
                raise _Reject
            out.append(SecurityAssessment(scheme, level.casefold(), scope, source))
        return tuple(dict.fromkeys(out))

    def _exceptions(self, raw: Any) -> tuple[tuple[str, str], ...]:
        if type(raw) is not list or len(raw) > self.items:
            raise _Reject
        out = []
        for entry in raw:
            if type(entry) is not dict or entry.keys() != _EXCEPTION_KEYS:
                raise _Reject
            out.append((_country(entry["country"]), _line(entry["feature"])))
        return tuple(out)


def _required(fields: dict[str, schema.Field]) -> frozenset:
    return frozenset(k for k, spec in fields.items() if spec.required)


_TOOL_KEYS = frozenset(schema.TOOL_FIELDS)
_TOOL_REQUIRED = _required(schema.TOOL_FIELDS)
_SOURCE_KEYS = frozenset(schema.SOURCE_FIELDS)
_OPTION_KEYS = frozenset(schema.OPTION_FIELDS) | frozenset(schema.SECTIONS)
_OPTION_REQUIRED = _required(schema.OPTION_FIELDS)
_CAVEAT_KEYS = frozenset(schema.CAVEAT_FIELDS)  # every key is required
_ASSESSMENT_KEYS = frozenset(schema.ASSESSMENT_FIELDS)
_EXCEPTION_KEYS = frozenset(schema.EXCEPTION_FIELDS)  # every key is required
assert _CAVEAT_KEYS == _required(schema.CAVEAT_FIELDS) and _EXCEPTION_KEYS == _required(schema.EXCEPTION_FIELDS)
assert _required(schema.SOURCE_FIELDS) == {"id", "url"} and _required(schema.ASSESSMENT_FIELDS) == {"scheme", "scope"}
assert not any(spec.required for fields in schema.SECTIONS.values() for spec in fields.values())
