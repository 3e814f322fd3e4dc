"""Problems found while reading a catalogue or a profile: collected, never raised one by one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from catalog.text import neutralise


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with an input file. Errors are fatal; warnings nudge the owner."""

    file: str
    line: int  # 0 when the position is unknown
    key: str  # TOML key path, e.g. `options[1].data.residency`; "" for the whole file
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        # File names, keys and messages quote what a file said: shown inert, on one line.
        where = neutralise(self.file, True) + (f":{self.line}" if self.line else "")
        key = f" {neutralise(self.key, True)}:" if self.key else ""
        return f"{where}: {self.severity}:{key} {neutralise(self.message, True)}"

    def as_dict(self) -> dict:
        """The problem as plain data, for JSON output."""
        return {
            "file": self.file,
            "line": self.line or None,
            "key": self.key,
            "severity": self.severity,
            "message": self.message,
        }


def read_text(
    path: Path, what: str = "file", encoding: str = "utf-8", limit: int | None = None, variable: str = "SBB_MAX_FILE_BYTES"
) -> tuple[str | None, Problem | None]:
    """A text file's contents, or None with the problem that says why it cannot be read.

    At most `limit` bytes are read (default: the file size limit in force, see catalog/limits.py):
    a larger file, or an endless one such as a device, is one problem naming the limit.
    """
    name = str(path)
    if limit is None:
        from catalog.limits import current

        limit = current().file_bytes
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return None, Problem(name, 0, "", f"cannot read {what}: {exc.strerror or exc}")
    if len(data) > limit:
        return None, Problem(name, 0, "", f"larger than the {limit:,}-byte limit for a {what} (set {variable} to change it)")
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        return None, Problem(name, 0, "", f"not UTF-8 text (byte {exc.start})")


def toml_problem(name: str, exc: Exception) -> Problem:
    """A TOML parse error as a problem on the line the parser names."""
    return Problem(name, getattr(exc, "lineno", 0) or 0, "", f"invalid TOML: {getattr(exc, 'msg', None) or exc}")


def did_you_mean(word: str, choices, cutoff: float = 70) -> str:
    """' (did you mean `x`?)' for the closest choice, or '' when nothing is close."""
    choices = list(choices)
    if not choices or not isinstance(word, str):
        return ""
    from rapidfuzz import fuzz, process  # only when there is a problem to word

    found = process.extractOne(word, choices, scorer=fuzz.WRatio, score_cutoff=cutoff)
    return f" (did you mean `{found[0]}`?)" if found else ""


def key_lines(text: str) -> dict[tuple, int]:
    """Map TOML key paths to the line that defines them, for locating schema errors.

    Paths use ints for array-of-tables indices: ("options", 0, "data", "residency").
    A light scan, not a parser: good enough to point a person at the right line.
    """
    lines: dict[tuple, int] = {}
    current: tuple = ()
    counters: dict[tuple, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            names = _split_key(line[2 : line.find("]]")])
            parent = _resolve(names[:-1], counters)
            array = parent + (names[-1],)
            counters[array] = counters.get(array, -1) + 1
            current = array + (counters[array],)
            lines.setdefault(current, number)
            lines.setdefault(array, number)
        elif line.startswith("["):
            names = _split_key(line[1 : line.find("]")])
            current = _resolve(names, counters)
            lines.setdefault(current, number)
        elif "=" in line:
            key = line.split("=", 1)[0]
            path = current + tuple(_split_key(key))
            lines.setdefault(path, number)
    return lines


def _split_key(key: str) -> list[str]:
    return [part.strip().strip('"').strip("'") for part in key.split(".") if part.strip()]


def _resolve(names: list[str], counters: dict[tuple, int]) -> tuple:
    """Insert the current index after each name that is an array of tables."""
    path: tuple = ()
    for name in names:
        path = path + (name,)
        if path in counters:
            path = path + (counters[path],)
    return path


def line_of(lines: dict[tuple, int], path: tuple) -> int:
    """The line of `path`, else of its nearest ancestor that has one, else 0."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 0


def format_path(path: tuple) -> str:
    """("options", 0, "data") -> `options[1].data` (1-based, as people count tables)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out
