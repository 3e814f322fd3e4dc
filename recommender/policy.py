"""Policy packs: the written rules an agency answers to, as data, applied to a recommendation.

A pack is a TOML file (built-in ones live in `recommender/policies/`; an agency can write its
own, see POLICIES.md). It may

- reorder the ladder (`[[ladder]]`: rungs in order, each selecting options by origin and
  licence; options within a rung keep the engine's order, or are weighed on a level playing
  field when the rung says `level = true`);
- add hard gates (`[[gates]]`: a requirement that must hold for the options it applies to,
  e.g. AgID's five conditions on proprietary software);
- add soft preferences (`[[preferences]]`);
- require evidence from the profile (`[[evidence]]`, e.g. the government systems the agency
  investigated before rejecting reuse);
- add sections to the decision record (`[[sections]]`).

Every rule cites the clause it comes from (`cites`), each citation naming one of the pack's
`[[sources]]`. Packs are read once, validated like catalogue files (every problem with its
file, line and key), and are plain frozen records, so a profile that names them stays hashable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import tomli

from catalog.licences import is_open_source
from catalog.model import Option, Tool
from catalog.problems import Problem, did_you_mean, format_path, key_lines, line_of, read_text, toml_problem
from catalog.record import replace
from catalog.schema import ORIGINS
from catalog.text import unsafe_char
from recommender.requirements import FAIL, KINDS, PASS, UNKNOWN, Context, Outcome

POLICY_VERSION = 1
PACK_DIR = Path(__file__).parent / "policies"
LICENCES = ("open", "proprietary")
SECTION_KINDS = ("comparative-assessment", "impossibility", "evidence-table", "checklist", "statement")
EVIDENCE_WHEN = ("always", "reuse-rejected")
TOP_KEYS = ("schema_version", "id", "name", "jurisdiction", "summary", "sources", "ladder", "gates", "preferences", "evidence", "sections")
SOURCE_KEYS = ("id", "title", "short", "url")
RUNG_KEYS = ("id", "label", "origins", "licence", "level", "cites")
GATE_KEYS = ("id", "label", "requirement", "value", "origins", "licence", "confirm", "cites")
PREFERENCE_KEYS = ("requirement", "value", "weight", "cites")
EVIDENCE_KEYS = ("id", "label", "fields", "when", "cites")
SECTION_KEYS = ("kind", "title", "text", "rungs", "cites")
LEVEL_ORIGIN = "open-source"  # how options on a level step are ranked (see Policy.rank_key)


# -- records --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Citation:
    """A clause of a source: `CAD art. 68, comma 1-ter` at a URL."""

    source: str  # the pack's source id
    clause: str
    title: str
    url: str
    short: str = ""  # how the text is cited in a sentence: `CAD art. 68`

    def text(self) -> str:
        """`CAD art. 68, comma 1-ter`, or the source alone."""
        name = self.short or self.title
        return f"{name}, {self.clause}" if self.clause else name


@dataclass(frozen=True)
class Selector:
    """Which options a rung or a gate speaks of: by origin and by licence (empty = any)."""

    origins: tuple[str, ...] = ()
    licence: str = ""  # "", "open" or "proprietary"

    def matches(self, option: Option) -> bool | None:
        """True or False; None when the licence decides and the catalogue does not state it (an
        option filed as an open-source release counts as open-source-licensed)."""
        if self.origins and option.origin not in self.origins:
            return False
        if not self.licence:
            return True
        licence = option.value("lock_in.licence")
        if licence is None:
            if option.origin == "open-source":  # the catalogue files it as an open-source release
                return self.licence == "open"
            return None
        return is_open_source(licence) == (self.licence == "open")

    def describe(self) -> str:
        """`proprietary options`, `open-source or commercial options`."""
        parts = []
        if self.licence:
            parts.append("open-source-licensed" if self.licence == "open" else "proprietary")
        if self.origins:
            parts.append(" or ".join(self.origins))
        return (" ".join(parts) or "all") + " options"


@dataclass(frozen=True)
class Rung:
    """One step of a policy's ladder."""

    id: str
    label: str
    selector: Selector
    level: bool  # options within the rung are weighed equally, whatever their origin
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class Gate:
    """A hard condition a policy puts on the options it applies to."""

    pack: str
    id: str
    label: str
    requirement: str  # a requirement kind, or a check of this module (`free_open_export`)
    value: Any
    selector: Selector
    confirm: str  # what to confirm beyond the catalogue fact, for the record's checklist
    cites: tuple[Citation, ...]

    @property
    def kind(self) -> str:
        """The name the gate's verdicts carry: `policy:it-cad68/export`."""
        return f"policy:{self.pack}/{self.id}"


@dataclass(frozen=True)
class Preference:
    """A soft preference a policy adds (ignored when the profile already weighs that kind)."""

    requirement: str
    value: Any
    weight: int
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class Evidence:
    """Evidence the policy requires the agency to record in its profile."""

    id: str
    label: str
    fields: tuple[str, ...]
    when: str  # "always" or "reuse-rejected" (the chosen option is not a share option)
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class Section:
    """A section the policy adds to the decision record."""

    kind: str
    title: str
    text: str
    cites: tuple[Citation, ...]
    rungs: tuple[str, ...] = ()  # impossibility: the ladder steps whose options must be ruled out


@dataclass(frozen=True)
class Pack:
    """One policy pack, validated."""

    id: str
    name: str
    jurisdiction: str
    summary: str
    ref: str  # how a profile names it: the id of a built-in pack, or the path given
    sources: tuple[Citation, ...]
    ladder: tuple[Rung, ...] = ()
    gates: tuple[Gate, ...] = ()
    preferences: tuple[Preference, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    sections: tuple[Section, ...] = ()


# -- checks a gate may use besides the requirement kinds -------------------------------------------
OPEN_FORMATS = ("csv", "json", "xml", "sql", "ods", "odt", "odf", "jsonl", "ndjson", "geojson", "warc", "pdf-a", "ical", "vcard", "mbox", "eml", "html", "markdown", "txt", "rdf", "ttl")


def _free_open_export(value, tool: Tool, option: Option, ctx: Context) -> Outcome:
    """The whole database leaves free of charge in an open, documented format (`value`: formats)."""
    fact = option.fact("data.full_export")
    if fact is None:
        return Outcome(UNKNOWN, "full export: not stated in the catalogue", ())
    if not fact.value:
        return Outcome(FAIL, "no full export", fact.sources)
    sources = fact.sources
    paid = option.fact("data.full_export_paid")
    if paid is not None and paid.value:
        return Outcome(FAIL, "full export only through a separately paid product", sources + paid.sources)
    formats = option.fact("data.export_formats")
    if formats is None:
        return Outcome(UNKNOWN, "full export; its formats are not stated in the catalogue", sources)
    wanted = {str(v).casefold() for v in (value if isinstance(value, (list, tuple)) else OPEN_FORMATS)}
    open_ = [f for f in formats.value if str(f).casefold() in wanted]
    shown = ", ".join(formats.value) or "none"
    if not open_:
        return Outcome(FAIL, f"full export ({shown}): no open format", sources + formats.sources)
    if paid is None:
        return Outcome(UNKNOWN, f"full export ({shown}); whether it is free of charge is not stated", sources + formats.sources)
    return Outcome(PASS, f"full export free of charge ({shown})", sources + formats.sources)


def _security_assessed(value, tool: Tool, option: Option, ctx: Context) -> Outcome:
    """A security assessment of the service itself, or a certification, under one of `value`'s schemes."""
    schemes = {str(v).casefold() for v in value}
    assessed = option.fact("assurance.assessments")
    certified = option.fact("assurance.certifications")
    if option.deployment == "self-hosted" and assessed is None and certified is None:
        return Outcome(UNKNOWN, "self-hosted: security depends on the agency's own hosting", ())
    held = [a for a in (assessed.value if assessed is not None else ()) if a.scheme in schemes]
    service = [a for a in held if a.scope == "service"]
    certs = [c for c in (certified.value if certified is not None else ()) if str(c).casefold() in schemes]
    sources = (assessed.sources if assessed is not None else ()) + (certified.sources if certified is not None else ())
    if service:
        return Outcome(PASS, "assessed: " + ", ".join(_assessment_text(a) for a in service), sources)
    if certs:
        return Outcome(PASS, "certified: " + ", ".join(certs), sources)
    if held:
        return Outcome(UNKNOWN, "only its hosting is assessed: " + ", ".join(_assessment_text(a) for a in held), sources)
    if assessed is None and certified is None:
        return Outcome(UNKNOWN, "security assessments: not stated in the catalogue", ())
    return Outcome(FAIL, "no security assessment or certification under a recognised scheme", sources)


def _assessment_text(a) -> str:
    """`IRAP (Australia) PROTECTED (service)`."""
    from catalog import assurance

    try:
        text = assurance.describe(a.scheme, a.level)
    except (KeyError, ValueError):
        text = f"{a.scheme} {a.level}".strip()
    return f"{text} ({'service' if a.scope == 'service' else 'hosting only'})"


CHECKS: dict[str, Callable[[Any, Tool, Option, Context], Outcome]] = {
    "free_open_export": _free_open_export,
    "security_assessed": _security_assessed,
}


# -- reading ----------------------------------------------------------------------------------
class PackReader:
    """Validates one pack's data; problems carry file, line and key."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        self._lines: dict | None = None
        self.problems: list[Problem] = []
        self.source_ids: dict[str, tuple[str, str]] = {}

    def problem(self, path: tuple, message: str, severity: str = "error") -> None:
        if self._lines is None:
            self._lines = key_lines(self.text)
        self.problems.append(Problem(self.name, line_of(self._lines, path), format_path(path), message, severity))

    def keys(self, data: dict, allowed: tuple[str, ...], path: tuple) -> None:
        for key in data:
            if key not in allowed:
                self.problem(path + (key,), f"unknown key `{key}`{did_you_mean(key, allowed)}")

    def text_of(self, data: dict, key: str, path: tuple, required: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(path + (key,), "expected a non-empty string" if required else "expected a string")
            return ""
        bad = unsafe_char(value.strip(), single_line=key not in ("summary", "text"))
        if bad:
            self.problem(path + (key,), bad)
            return ""
        return value.strip()

    def tables(self, data: dict, key: str) -> list[tuple[tuple, dict]]:
        raw = data.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
            self.problem((key,), f"expected an array of tables [[{key}]]")
            return []
        return [((key, i), t) for i, t in enumerate(raw)]

    def read(self, data: dict, ref: str) -> Pack | None:
        self.keys(data, TOP_KEYS, ())
        if data.get("schema_version") != POLICY_VERSION:
            self.problem(("schema_version",), f"expected schema_version = {POLICY_VERSION}, found {data.get('schema_version')!r}")
        pack_id = self.text_of(data, "id", ())
        name = self.text_of(data, "name", ())
        jurisdiction = self.text_of(data, "jurisdiction", (), required=False)
        summary = self.text_of(data, "summary", ())
        sources = []
        for path, table in self.tables(data, "sources"):
            self.keys(table, SOURCE_KEYS, path)
            sid, title, url = (self.text_of(table, k, path) for k in ("id", "title", "url"))
            short = self.text_of(table, "short", path, required=False)
            if url and not url.startswith(("https://", "http://")):
                self.problem(path + ("url",), f"expected an http(s) URL, found {url!r}")
            if sid in self.source_ids:
                self.problem(path + ("id",), f"duplicate source id `{sid}`")
            elif sid:
                self.source_ids[sid] = (title, url, short)
                sources.append(Citation(sid, "", title, url, short))
        if not sources:
            self.problem(("sources",), "a pack needs at least one [[sources]] entry: every rule cites its clause")
        ladder = tuple(r for r in (self.rung(p, t) for p, t in self.tables(data, "ladder")) if r)
        gates = tuple(g for g in (self.gate(p, t, pack_id) for p, t in self.tables(data, "gates")) if g)
        prefs = tuple(x for x in (self.preference(p, t) for p, t in self.tables(data, "preferences")) if x)
        evidence = tuple(e for e in (self.evidence(p, t) for p, t in self.tables(data, "evidence")) if e)
        sections = tuple(s for s in (self.section(p, t) for p, t in self.tables(data, "sections")) if s)
        for i, sec in enumerate(sections):
            for rung in sec.rungs:
                if rung not in {r.id for r in ladder}:
                    self.problem(("sections", i, "rungs"), f"`{rung}` is not a [[ladder]] id of this pack")
        for what, items in (("ladder", ladder), ("gates", gates), ("evidence", evidence)):
            ids = [x.id for x in items]
            for dup in sorted({i for i in ids if ids.count(i) > 1}):
                self.problem((what,), f"duplicate id `{dup}`")
        if not any(data.get(k) for k in ("ladder", "gates", "preferences", "evidence", "sections")):
            self.problem((), "the pack has no rules: give [[ladder]], [[gates]], [[preferences]], [[evidence]] or [[sections]]")
        if any(p.severity == "error" for p in self.problems):
            return None
        return Pack(pack_id, name, jurisdiction, summary, ref, tuple(sources), ladder, gates, prefs, evidence, sections)

    def cites(self, table: dict, path: tuple) -> tuple[Citation, ...]:
        raw = table.get("cites")
        if not isinstance(raw, list) or not raw or not all(isinstance(c, str) and c.strip() for c in raw):
            self.problem(path + ("cites",), "expected a non-empty array of citations, each `source-id` or `source-id: clause`")
            return ()
        out = []
        for item in raw:
            sid, _, clause = item.partition(":")
            sid = sid.strip()
            if sid not in self.source_ids:
                self.problem(path + ("cites",), f"`{sid}` is not a [[sources]] id{did_you_mean(sid, self.source_ids)}")
                continue
            title, url, short = self.source_ids[sid]
            out.append(Citation(sid, clause.strip(), title, url, short))
        return tuple(out)

    def selector(self, table: dict, path: tuple) -> Selector:
        origins = table.get("origins", [])
        if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
            self.problem(path + ("origins",), "expected an array of origins")
            origins = []
        for origin in origins:
            if origin not in ORIGINS:
                self.problem(path + ("origins",), f"`{origin}` is not one of {', '.join(ORIGINS)}{did_you_mean(origin, ORIGINS)}")
        licence = table.get("licence", "")
        if licence not in ("", *LICENCES):
            self.problem(path + ("licence",), f"expected one of {', '.join(LICENCES)}, found {licence!r}")
            licence = ""
        return Selector(tuple(o for o in origins if o in ORIGINS), licence)

    def rung(self, path: tuple, table: dict) -> Rung | None:
        self.keys(table, RUNG_KEYS, path)
        level = table.get("level", False)
        if not isinstance(level, bool):
            self.problem(path + ("level",), "expected true or false")
        return Rung(self.text_of(table, "id", path), self.text_of(table, "label", path), self.selector(table, path), level is True, self.cites(table, path))

    def requirement_value(self, table: dict, path: tuple, allow_checks: bool) -> tuple[str, Any]:
        name = table.get("requirement", "")
        known = [*KINDS, *(CHECKS if allow_checks else ())]
        if name not in known or name == "capabilities":
            self.problem(path + ("requirement",), f"unknown requirement `{name}`{did_you_mean(str(name), known)}")
            return "", None
        if name in CHECKS:
            value = table.get("value", list(OPEN_FORMATS) if name == "free_open_export" else [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.problem(path + ("value",), "expected an array of formats" if name == "free_open_export" else "expected an array of scheme ids")
                return "", None
            return name, tuple(value)
        if "value" not in table:
            self.problem(path + ("value",), "missing `value`")
            return "", None
        from recommender.profile import ProfileReader  # the profile's own value checks

        reader = ProfileReader(self.name, self.text, None)
        checked = reader.check_value(name, table["value"], path + ("value",))
        self.problems += reader.problems
        return (name, checked) if checked is not None else ("", None)

    def gate(self, path: tuple, table: dict, pack_id: str) -> Gate | None:
        self.keys(table, GATE_KEYS, path)
        name, value = self.requirement_value(table, path, allow_checks=True)
        gate = Gate(
            pack_id,
            self.text_of(table, "id", path),
            self.text_of(table, "label", path),
            name,
            value,
            self.selector(table, path),
            self.text_of(table, "confirm", path, required=False),
            self.cites(table, path),
        )
        return gate if name else None

    def preference(self, path: tuple, table: dict) -> Preference | None:
        self.keys(table, PREFERENCE_KEYS, path)
        name, value = self.requirement_value(table, path, allow_checks=False)
        weight = table.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 10:
            self.problem(path + ("weight",), "weight must be a whole number from 1 to 10")
            return None
        cites = self.cites(table, path)
        return Preference(name, value, weight, cites) if name else None

    def evidence(self, path: tuple, table: dict) -> Evidence | None:
        self.keys(table, EVIDENCE_KEYS, path)
        fields = table.get("fields", [])
        if not isinstance(fields, list) or not fields or not all(isinstance(f, str) and f for f in fields):
            self.problem(path + ("fields",), "expected a non-empty array of field names")
            fields = []
        when = table.get("when", "always")
        if when not in EVIDENCE_WHEN:
            self.problem(path + ("when",), f"expected one of {', '.join(EVIDENCE_WHEN)}{did_you_mean(str(when), EVIDENCE_WHEN)}")
        return Evidence(self.text_of(table, "id", path), self.text_of(table, "label", path), tuple(fields), str(when), self.cites(table, path))

    def section(self, path: tuple, table: dict) -> Section | None:
        self.keys(table, SECTION_KEYS, path)
        kind = table.get("kind", "")
        if kind not in SECTION_KINDS:
            self.problem(path + ("kind",), f"expected one of {', '.join(SECTION_KINDS)}{did_you_mean(str(kind), SECTION_KINDS)}")
        text = self.text_of(table, "text", path, required=kind == "statement")
        rungs = table.get("rungs", [])
        if not isinstance(rungs, list) or not all(isinstance(r, str) for r in rungs):
            self.problem(path + ("rungs",), "expected an array of ladder step ids")
            rungs = []
        return Section(str(kind), self.text_of(table, "title", path), text, self.cites(table, path), tuple(rungs))


def parse_pack(text: str, name: str, ref: str) -> tuple[Pack | None, list[Problem]]:
    """A pack from TOML text; problems are returned, never raised."""
    from catalog.limits import parse_toml

    data, problem = parse_toml(text, name)
    if problem is not None:
        return None, [problem]
    reader = PackReader(name, text)
    pack = reader.read(data, ref)
    return pack, sorted(reader.problems)


def builtin_ids() -> tuple[str, ...]:
    """The ids of the packs that ship with sbb."""
    return tuple(sorted(p.stem for p in PACK_DIR.glob("*.toml")))


@lru_cache(maxsize=64)
def _load(path: str, ref: str) -> tuple[Pack | None, tuple[Problem, ...]]:
    text, problem = read_text(Path(path), "policy pack")
    if problem is not None:
        return None, (problem,)
    pack, problems = parse_pack(text, path, ref)
    return pack, tuple(problems)


def load_pack(ref: str, base: Path | None = None) -> tuple[Pack | None, list[Problem]]:
    """A pack by built-in id (`it-cad68`) or by path to a TOML file (relative to `base`)."""
    if ref in builtin_ids():
        path = PACK_DIR / f"{ref}.toml"
        shown = f"recommender/policies/{ref}.toml"
        pack, problems = _load(str(path), ref)
        return pack, [Problem(shown, p.line, p.key, p.message, p.severity) for p in problems]
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        path = Path(ref)
        if base is not None and not path.is_absolute():
            path = base / path
        pack, problems = _load(str(path), ref)
        return pack, list(problems)
    hint = did_you_mean(ref, builtin_ids())
    return None, [Problem("--policy", 0, "policies", f"unknown policy `{ref}`: use one of {', '.join(builtin_ids())} or a path to a pack file{hint}")]


def load_packs(refs, base: Path | None = None) -> tuple[tuple[Pack, ...], list[Problem]]:
    """Several packs, each once, in the order given; every problem of every pack."""
    packs: list[Pack] = []
    problems: list[Problem] = []
    for ref in dict.fromkeys(refs):
        pack, found = load_pack(ref, base)
        problems += found
        if pack is not None:
            if any(p.id == pack.id for p in packs):
                problems.append(Problem(ref, 0, "id", f"policy `{pack.id}` is given twice"))
                continue
            packs.append(pack)
    return tuple(packs), problems


# -- evidence recorded in a profile -------------------------------------------------------------
def read_evidence(raw: Any, problem: Callable[[tuple, str], None]) -> tuple[tuple[str, tuple[tuple[tuple[str, str], ...], ...]], ...]:
    """`[[evidence.<id>]]` tables of strings from a profile, as nested tuples (hashable)."""
    if not isinstance(raw, dict):
        problem(("evidence",), "expected a table [evidence] of arrays of tables, e.g. [[evidence.systems_investigated]]")
        return ()
    out = []
    for eid, rows in raw.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            problem(("evidence", eid), f"expected an array of tables [[evidence.{eid}]]")
            continue
        items = []
        for i, row in enumerate(rows):
            for key, value in row.items():
                if not isinstance(value, str):
                    problem(("evidence", eid, i, key), "expected a string")
                elif unsafe_char(value, single_line=True):
                    problem(("evidence", eid, i, key), unsafe_char(value, single_line=True))
            items.append(tuple((k, v.strip()) for k, v in row.items() if isinstance(v, str) and not unsafe_char(v, single_line=True)))
        out.append((eid, tuple(items)))
    return tuple(out)


def evidence_rows(profile, evidence_id: str) -> list[dict[str, str]]:
    """The rows the profile records for one kind of evidence."""
    for eid, rows in getattr(profile, "evidence", ()):
        if eid == evidence_id:
            return [dict(r) for r in rows]
    return []


def missing_evidence(profile, packs, reuse_rejected: bool) -> list[tuple[Pack, Evidence, str]]:
    """Required evidence the profile lacks: (pack, evidence, what is missing)."""
    out = []
    for pack in packs:
        for ev in pack.evidence:
            if ev.when == "reuse-rejected" and not reuse_rejected:
                continue
            rows = evidence_rows(profile, ev.id)
            if not rows:
                out.append((pack, ev, f"no [[evidence.{ev.id}]] entries in the profile"))
                continue
            for i, row in enumerate(rows, 1):
                gaps = [f for f in ev.fields if not row.get(f)]
                if gaps:
                    out.append((pack, ev, f"entry {i} lacks {', '.join(gaps)}"))
    return out


# -- applying packs to a recommendation --------------------------------------------------------------
class GateRequirement:
    """A policy gate standing in the basis beside the profile's requirements."""

    __slots__ = ("gate",)
    hard = True
    weight = 1

    def __init__(self, gate: Gate):
        self.gate = gate

    @property
    def kind(self) -> str:
        return self.gate.kind

    @property
    def value(self) -> Any:
        return self.gate.value

    @property
    def label(self) -> str:
        g = self.gate
        return f"{g.pack} condition on {g.selector.describe()}: {g.label}"


def gate_evaluate(gate: Gate) -> Callable[[Any, Tool, Option, Context], Outcome]:
    """The check of one gate: the requirement's verdict where the gate applies, a pass elsewhere."""
    check = CHECKS.get(gate.requirement) or KINDS[gate.requirement].evaluate

    def evaluate(value: Any, tool: Tool, option: Option, ctx: Context) -> Outcome:
        applies = gate.selector.matches(option)
        if applies is False:
            return Outcome(PASS, f"does not apply: not one of the {gate.selector.describe()}", ())
        outcome = check(gate.value, tool, option, ctx)
        if applies is None:
            return Outcome(outcome.result, f"licence not stated, so the gate applies: {outcome.fact}", outcome.sources)
        return outcome

    return evaluate


class Policy:
    """The packs of one run, ready for the engine: extra rows for the basis and a ladder key."""

    def __init__(self, packs: tuple[Pack, ...]):
        self.packs = packs
        self.gates = tuple(g for p in packs for g in p.gates)
        # The first pack that reorders the ladder decides it; the others add gates and sections.
        self.ladder_pack = next((p for p in packs if p.ladder), None)
        self.ladder = self.ladder_pack.ladder if self.ladder_pack else ()

    def extend(self, basis):
        """The basis with each gate as a hard row and each new preference as a soft row."""
        from recommender.engine import Basis
        from recommender.profile import Requirement

        have = {r.kind for r in basis.requirements}
        extra: list[tuple[Any, str, Callable]] = []
        for gate in self.gates:
            extra.append((GateRequirement(gate), GateRequirement(gate).label, gate_evaluate(gate)))
        for pack in self.packs:
            for pref in pack.preferences:
                if pref.requirement in have:
                    continue
                have.add(pref.requirement)
                req = Requirement(pref.requirement, pref.value, False, pref.weight)
                extra.append((req, f"{req.label} ({pack.id})", KINDS[pref.requirement].evaluate))
        if not extra:
            return basis
        out = object.__new__(Basis)
        for name in Basis.__slots__:  # everything the engine keeps per call, then the rows added
            if hasattr(basis, name):
                setattr(out, name, getattr(basis, name))
        start = len(basis.requirements)
        out.requirements = basis.requirements + tuple(r for r, _, _ in extra)
        out.kinds = basis.kinds + tuple(None for _ in extra)
        out.labels = basis.labels + tuple(label for _, label, _ in extra)
        out.memos = basis.memos + tuple(None for _ in extra)
        out.demanded = {**basis.demanded, **{r.kind: r.value for r, _, _ in extra if not isinstance(r, GateRequirement)}}
        out.score_max = basis.score_max + sum(r.weight for r, _, _ in extra if not r.hard)
        out.rows = basis.rows + tuple(
            (start + i, r.value, r.hard, r.weight, fn, None) for i, (r, _, fn) in enumerate(extra)
        )
        return out

    def rung(self, option: Option) -> int:
        """The index of the option's rung on the policy ladder (options no rung selects come last)."""
        for i, rung in enumerate(self.ladder):
            if rung.selector.matches(option) is True:
                return i
        return len(self.ladder)

    def place(self, assessment) -> int:
        """Where an assessed option stands on the policy's ladder (lower is earlier)."""
        return self.rung(assessment.option)

    def rung_of(self, option: Option) -> Rung | None:
        """The rung that selects the option, if any."""
        i = self.rung(option)
        return self.ladder[i] if i < len(self.ladder) else None

    def rank_key(self, key: Callable) -> Callable:
        """Fit first (the engine's tier), then the policy's ladder in place of share-before-buy,
        then `key` (the engine's order); a level rung ignores the share/buy step.

        Fit stays first because the policies ask to reuse what meets the need: an unverified
        option on an earlier step is named as the preferred choice if its facts are confirmed,
        not adopted ahead of one that demonstrably fits.
        """
        if not self.ladder:
            return key

        def ranked(a) -> tuple:
            i = self.rung(a.option)
            fit = a.tier_rank() if hasattr(a, "tier_rank") else 0
            if i < len(self.ladder) and self.ladder[i].level and a.option.origin != LEVEL_ORIGIN:
                # On a level field the engine ranks the option as it would a share option of
                # the same facts: fit, score and reuse decide, not the origin.
                a = replace(a, option=replace(a.option, origin=LEVEL_ORIGIN))
            return (fit, i, *key(a))

        return ranked


def policy_for(profile) -> Policy | None:
    """The policy a profile asks for, or None."""
    packs = getattr(profile, "policies", ())
    return Policy(packs) if packs else None


def citations(cites: tuple[Citation, ...]) -> str:
    """`CAD art. 68, comma 1-ter; AgID guidelines, Fase 2.7` for a record."""
    return "; ".join(c.text() for c in cites)
