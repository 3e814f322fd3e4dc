"""What every importer shares: entries, the import report, and writing entries safely."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from catalog.files import MAX_SLUG, FileExists, UnsafePath, child_path, write_atomic

from catalog.loader import URL, VOCABULARY_FILE, load_vocabulary, read_tool_text
from catalog.text import UNSAFE
from catalog.problems import Problem

# Imported entries whose source states no capability in this vocabulary's terms get this one,
# defined in the target catalogue's capabilities.toml: such an entry is searchable and
# listed, but never matches a capability requirement until a maintainer classifies it.
UNCLASSIFIED = "unclassified"
UNCLASSIFIED_TERM = f"""
[[capability]]
id = "{UNCLASSIFIED}"
label = "Not yet classified"
description = "Imported entry whose source names no capability of this vocabulary: replace it with the right capability ids."
goals = []
area = "unclassified"
"""
VOCABULARY_HEADER = (
    "# Capability terms this catalogue adds to the bundled vocabulary.\n"
    "schema_version = 1\n"
)


@dataclass
class Entry:
    """One tool an importer produced, in the catalogue file shape, with what it left out."""

    tool_id: str
    data: dict
    origin: str  # the file (and record) it came from
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how values were derived, for the file header


@dataclass
class ImportReport:
    """What an import did: entries created, entries skipped with the reason, and problems."""

    created: list[tuple[str, str]] = field(default_factory=list)  # (tool id, file written)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (tool id or record, reason)
    problems: list[Problem] = field(default_factory=list)
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)  # input file -> key -> count

    @property
    def errors(self) -> list[Problem]:
        """Problems that stopped a file or record from importing."""
        return [p for p in self.problems if p.severity == "error"]

    def note_unmapped(self, origin_file: str, keys: list[str]) -> None:
        """Count keys of an input file that could not be mapped."""
        counts = self.unmapped.setdefault(origin_file, {})
        for key in keys:
            counts[key] = counts.get(key, 0) + 1

    def as_dict(self) -> dict:
        """The report as plain data."""
        return {
            "created": [{"id": i, "file": f} for i, f in self.created],
            "skipped": [{"id": i, "reason": r} for i, r in self.skipped],
            "problems": [p.as_dict() for p in self.problems],
            "unmapped": self.unmapped,
        }


def clean_text(value: Any) -> str:
    """Text from another format, made safe for the catalogue: no control characters, one line."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(UNSAFE.sub(" ", text).split())


def slugify(text: str) -> str:
    """A catalogue id from a name: ASCII lowercase letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")
    if len(slug) > MAX_SLUG:  # a file name every filesystem takes: cut at a word
        slug = slug[: MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[: MAX_SLUG + 1] else slug[:MAX_SLUG]
    return slug


def web_url(value: Any) -> str:
    """An http(s) URL from a value, or "" — `git://` URLs of the big forges become https."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    match = re.match(r"^git://(github\.com|gitlab\.com|bitbucket\.org)/(.+?)(?:\.git)?/?$", url)
    if match:
        url = f"https://{match.group(1)}/{match.group(2)}"
    return url if URL.match(url) and not UNSAFE.search(url) else ""


def short_summary(text: str, limit: int = 300) -> str:
    """At most `limit` characters, cut at a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _header(entry: Entry) -> str:
    lines = [f"# Imported from {clean_text(entry.origin)} on {date.today().isoformat()}."]
    lines += [f"# {clean_text(note)}" for note in entry.notes]
    if entry.unmapped:
        lines.append("# Not mapped (read the source for these): " + clean_text(", ".join(entry.unmapped)))
    lines.append("# Facts not stated here are unknown: add what you can source (see catalog/SCHEMA.md).")
    return "\n".join(lines) + "\n"


def entry_text(entry: Entry) -> str:
    """The TOML text of an entry, with a header naming its origin and what was not mapped."""
    return _header(entry) + tomli_w.dumps(entry.data)


def _write_new(path: Path, text: str, overwrite: bool) -> bool:
    """Write atomically; False when the file exists and may not be replaced."""
    try:
        write_atomic(path, text, overwrite=overwrite)
    except FileExists:
        return False
    return True


def _ensure_unclassified(into: Path, report: ImportReport) -> bool:
    """Make sure the target catalogue defines the `unclassified` term; False if it cannot."""
    path = into / VOCABULARY_FILE
    if not path.exists():
        try:
            _write_new(path, VOCABULARY_HEADER + UNCLASSIFIED_TERM, overwrite=False)
        except OSError as exc:
            report.problems.append(Problem(str(path), 0, "", f"cannot write the vocabulary: {exc.strerror or exc}"))
            return False
        return True
    vocabulary, _ = load_vocabulary([into])
    if UNCLASSIFIED in vocabulary:
        return True
    report.problems.append(
        Problem(str(path), 0, "", f"entries need the capability `{UNCLASSIFIED}`, which this file does not define: "
                "add the term (see catalog/importing/common.py) or pass --capability", "error")
    )
    return False


def write_entries(entries: list[Entry], into: Path, overwrite: bool = False, report: ImportReport | None = None) -> ImportReport:
    """Validate each entry against the schema and write it into the catalogue `into`.

    An existing entry is skipped unless `overwrite`; two imported records with the same id:
    the first wins and the second is skipped. Entries that fail validation are not written.
    """
    report = report or ImportReport()
    into.mkdir(parents=True, exist_ok=True)
    base = into / "tools" if (into / "tools").is_dir() else into
    needs_term = any(UNCLASSIFIED in e.data.get("capabilities", ()) for e in entries)
    term_ok = _ensure_unclassified(into, report) if needs_term else True
    vocabulary, _ = load_vocabulary([into])
    seen: dict[str, str] = {}
    for entry in entries:
        try:
            path = child_path(base, entry.tool_id)
        except UnsafePath as exc:
            report.skipped.append((clean_text(entry.tool_id) or entry.origin, f"no usable id: {exc}"))
            continue
        if entry.tool_id in seen:
            report.skipped.append((entry.tool_id, f"{entry.origin} gives the same id as {seen[entry.tool_id]}"))
            continue
        seen[entry.tool_id] = entry.origin
        if not term_ok and UNCLASSIFIED in entry.data.get("capabilities", ()):
            report.skipped.append((entry.tool_id, f"no capability: `{UNCLASSIFIED}` is not defined in {into / VOCABULARY_FILE}"))
            continue
        text = entry_text(entry)
        tool, found = read_tool_text(path, text, vocabulary, "import")
        errors = [p for p in found if p.severity == "error"]
        if tool is None or errors:
            report.problems += [Problem(entry.origin, 0, p.key, f"the entry made from it is invalid: {p.message}") for p in errors]
            report.skipped.append((entry.tool_id, "the entry made from it does not pass validation"))
            continue
        if path.exists() and not overwrite:
            report.skipped.append((entry.tool_id, f"{path} exists (pass --overwrite to replace it)"))
            continue
        try:
            written = _write_new(path, text, overwrite)
        except OSError as exc:  # this entry cannot be written: say so and go on with the next
            reason = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
            report.problems.append(Problem(entry.origin, 0, "", f"not written: {reason}"))
            report.skipped.append((entry.tool_id, f"not written: {reason}"))
            continue
        if written:
            report.created.append((entry.tool_id, str(path)))
        else:
            report.skipped.append((entry.tool_id, f"{path} exists (pass --overwrite to replace it)"))
    return report


def resolve_capabilities(terms: list[str], vocabulary, table: dict[str, str]) -> tuple[list[str], list[str]]:
    """Capability ids for another format's category terms: (mapped ids, terms that map to none).

    A term maps through the importer's table, or when it is exactly an id, label or alias of
    the vocabulary; never by fuzzy guess, which could claim a capability the tool lacks.
    """
    mapped: list[str] = []
    missed: list[str] = []
    for term in terms:
        if not isinstance(term, str):
            continue
        key = term.strip().casefold()
        found = table.get(key) or vocabulary.exact(key)
        if found and found in vocabulary:
            if found not in mapped:
                mapped.append(found)
        else:
            missed.append(term)
    return mapped, missed


def as_list(value: Any) -> list:
    """A value that may be one item, a list or nothing, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_date(value: Any) -> date | None:
    """A date from YAML: read as a date already, or an ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
