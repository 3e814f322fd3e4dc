"""Problems found while reading a catalogue or a profile: collected, never raised one by one."""

from __future__ import annotations

import os
import re
from pathlib import Path

from catalog.record import record
from catalog.text import neutralise


@record(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file. Errors are fatal; warnings nudge the owner."""

    __slots__ = ("file", "line", "key", "message", "severity")
    file: str
    line: int  # 0 when the position is unknown
    key: str  # TOML key path, e.g. `options[1].data.residency`; "" for the whole file
    message: str
    severity: str  # "error" or "warning"

    def __init__(self, file: str, line: int, key: str, message: str, severity: str = "error") -> None:
        set_file, set_line, set_key, set_message, set_severity = self.__record_setters__
        set_file(self, file)
        set_line(self, line)
        set_key(self, key)
        set_message(self, message)
        set_severity(self, severity)

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


def duplicate_tool(path, tool_id: str, first) -> Problem:
    """A tool file whose id another file of the same catalogue already defines."""
    return Problem(str(path), 0, "", f"duplicate tool id `{tool_id}`: also defined in {first}")


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
            # Sized by the file, not the limit: a buffer of the limit's size for every small file
            # costs a large allocation (and its release) per file. A file longer than its size
            # said (growing, or a device) is read on, still no further than the limit.
            want = min(os.fstat(handle.fileno()).st_size, limit) + 1
            data = handle.read(want)
            if len(data) == want:
                data += handle.read(limit + 1 - len(data))
    except OSError as exc:
        return None, unreadable(name, exc, what)
    return decode_text(name, data, limit, what, encoding, variable)


def unreadable(name: str, exc: OSError, what: str = "file") -> Problem:
    """The problem of a file that cannot be opened or read."""
    return Problem(name, 0, "", f"cannot read {what}: {exc.strerror or exc}")


def decode_text(
    name: str, data: bytes, limit: int, what: str = "file", encoding: str = "utf-8", variable: str = "SBB_MAX_FILE_BYTES"
) -> tuple[str | None, Problem | None]:
    """The text of a file's bytes (read up to `limit` + 1), or None with the problem: too large, or not text."""
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

    Paths use ints for array-of-tables indices: ("options", 0, "data", "residency"); the
    elements of an array value get theirs too: ("sources", 2) is the line the third starts on.
    A light scan, not a parser, but it reads strings (multi-line ones included), comments and
    brackets as TOML does: a line inside a multi-line string or array is never taken for a key
    or a table header, so every key after one is found on its own line.
    """
    lines: dict[tuple, int] = {}
    current: tuple = ()
    counters: dict[tuple, int] = {}
    scan = _ValueScan(lines)
    # Lines end at LF only, as in TOML (and its parser's line numbers): str.splitlines would
    # also break at form feeds, U+2028 and others a string may hold, and count too many.
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if scan.busy:  # inside a multi-line string or array begun on an earlier line
            scan.feed(raw, number)
            continue
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            names = _split_key(line[2:], "]]")[0]
            parent = _resolve(names[:-1], counters)
            array = parent + tuple(names[-1:])
            counters[array] = counters.get(array, -1) + 1
            current = array + (counters[array],)
            lines.setdefault(current, number)
            lines.setdefault(array, number)
        elif line.startswith("["):
            names = _split_key(line[1:], "]")[0]
            current = _resolve(names, counters)
            lines.setdefault(current, number)
        else:
            names, rest = _split_key(line, "=")
            if rest is None or not names:
                continue
            path = current + tuple(names)
            lines.setdefault(path, number)
            scan.start(path, rest, number)
    return lines


_ONE_LINE_STRING = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*')"""  # compiled (and kept) by `re` when first used


def _ends_on_its_line(text: str) -> bool:
    """True when a value ends on its line: no multi-line string opens, and its brackets close."""
    if "[" not in text and "{" not in text and '"""' not in text and "'''" not in text:
        return True  # a one-line string, number, boolean or date
    if '"""' in text or "'''" in text:
        return False
    bare = re.sub(_ONE_LINE_STRING, "", text)
    if '"' in bare or "'" in bare:
        return False
    bare = bare.split("#", 1)[0]
    return bare.count("[") + bare.count("{") == bare.count("]") + bare.count("}")


class _ValueScan:
    """Follows one value across lines: strings, comments and nested brackets.

    It records the line each element of an array starts on, at any depth of nesting.
    """

    def __init__(self, lines: dict[tuple, int]):
        self.lines = lines
        self.string = ""  # the open multi-line string's delimiter, else ""
        self.stack: list[list] = []  # open arrays and inline tables: [path, kind, next index, waiting]

    @property
    def busy(self) -> bool:
        return bool(self.string or self.stack)

    def start(self, path: tuple, text: str, number: int) -> None:
        self.string, self.stack = "", []
        self.path = path
        if not _ends_on_its_line(text):  # most values do: no walk needed (elements share the line)
            self.feed(text, number)

    def feed(self, text: str, number: int) -> None:
        i, n = 0, len(text)
        while i < n:
            if self.string:  # inside a multi-line string: look for its end
                delimiter = self.string
                j = i
                while j < n:
                    if delimiter == '"""' and text[j] == "\\":
                        j += 2
                        continue
                    if text.startswith(delimiter, j):
                        break
                    j += 1
                if j >= n:
                    return
                i = j + 3
                while i < n and text[i] == delimiter[0]:  # up to two quotes may end the content
                    i += 1
                self.string = ""
                continue
            char = text[i]
            if char in " \t":
                i += 1
                continue
            if char == "#":
                return
            if self.stack and self.stack[-1][1] == "[" and self.stack[-1][3] and char not in ",]":
                top = self.stack[-1]  # an element of an array starts here
                self.lines.setdefault(top[0] + (top[2],), number)
                top[3] = False
            if char in "\"'":
                triple = text[i : i + 3]
                if triple in ('"""', "'''"):
                    self.string = triple
                    i += 3
                    continue
                i = _end_of_string(text, i)
                continue
            if char in "[{":
                parent = self.stack[-1] if self.stack else None
                path = self.path if parent is None else parent[0] + ((parent[2],) if parent[1] == "[" else ())
                self.stack.append([path, char, 0, char == "["])
            elif char in "]}":
                if self.stack:
                    self.stack.pop()
            elif char == "," and self.stack and self.stack[-1][1] == "[":
                self.stack[-1][2] += 1
                self.stack[-1][3] = True
            i += 1


def _end_of_string(text: str, i: int) -> int:
    """The index after the one-line string that opens at `text[i]` (or the end of the line)."""
    quote, j = text[i], i + 1
    while j < len(text):
        if quote == '"' and text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    return j


def _split_key(text: str, end: str) -> tuple[list[str], str | None]:
    """The dotted key at the start of `text` up to `end` (outside quotes), and what follows it.

    `a."b.c" = 1` gives (["a", "b.c"], " 1"); no `end` gives (names, None).
    """
    head, found, rest = text.partition(end)
    if '"' not in head and "'" not in head:  # no quoted key: the common case, split directly
        names = [n.strip() for n in head.split(".")]
        return [n for n in names if n], (rest if found else None)
    names, part, i = [], "", 0
    while i < len(text):
        char = text[i]
        if char in "\"'":
            j = _end_of_string(text, i)
            part += text[i + 1 : j - 1] if j - 1 > i else text[i + 1 :]
            i = j
            continue
        if text.startswith(end, i):
            names.append(part.strip())
            return [n for n in names if n], text[i + len(end) :]
        if char == ".":
            names.append(part.strip())
            part = ""
        else:
            part += char
        i += 1
    names.append(part.strip())
    return [n for n in names if n], None


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
