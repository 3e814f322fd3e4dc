"""Catalogue text is data: characters that could act on a terminal or a reader, found and neutralised.

Catalogues, profiles and import files come from other agencies. Their text must never clear
a screen, set a window title, open a link, reorder what a reader sees or hide characters.
`unsafe_char` finds the first such character, for validation (which rejects it with its
position); `neutralise` makes every one of them visible and inert, for every output.

The characters:

- C0 controls (escape, bell, backspace, carriage return, …) but tab and line feed, DEL, and
  C1 controls (including the 8-bit CSI and OSC introducers);
- bidirectional overrides, embeddings, isolates and marks (U+202A–U+202E, U+2066–U+2069,
  U+200E, U+200F, U+061C), which reorder text on screen;
- zero-width and invisible characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E,
  U+FFF9–U+FFFB), which hide text or make two names look equal;
- the line and paragraph separators U+2028 and U+2029, which some readers break lines at.
"""

from __future__ import annotations

import re
import unicodedata

# The unsafe characters as (first, last) code point ranges.
_UNSAFE_RANGES = (
    (0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x061C, 0x061C), (0x180E, 0x180E), (0x200B, 0x200F),
    (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x2069), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
)
_UNSAFE_CLASS = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in _UNSAFE_RANGES)
_UNSAFE_CODES = tuple(code for a, b in _UNSAFE_RANGES for code in range(a, b + 1))
_UNSAFE_CHARS = frozenset(map(chr, _UNSAFE_CODES))
# Every unsafe character is one Python does not count as printable (controls, format
# characters and the line and paragraph separators; a test checks it): text that
# `str.isprintable` accepts holds none of them, nor a tab or line break.

# The patterns, compiled on first use (`__getattr__` below): a class of Unicode ranges costs
# about 3 M instructions to compile, and most runs (a warm `sbb recommend`) never need one.
_PATTERNS = {
    "UNSAFE": f"[{_UNSAFE_CLASS}]",
    # The same, with tab and line breaks: what single-line outputs (a table cell, a title) flatten.
    "UNSAFE_OR_BREAK": f"[{_UNSAFE_CLASS}\t\n]",
    "LINE_BREAK": r"[\t\n]",
    # A catalogue URL: http(s) only; no whitespace, and none of the characters RFC 3986 never
    # allows in a URL (`<`, `>`, `"`, backtick, braces, `|`, backslash, `^`): they are how a link
    # breaks out of markup.
    "URL": r"^https?://[^\s/$.?#<>\"`{}|\\^][^\s<>\"`{}|\\^]*$",
}


def __getattr__(name: str) -> re.Pattern:
    """`UNSAFE`, `UNSAFE_OR_BREAK`, `LINE_BREAK` and `URL`, compiled the first time one is asked for."""
    if name in _PATTERNS:
        compiled = globals()[name] = re.compile(_PATTERNS[name])
        return compiled
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _pattern(name: str) -> re.Pattern:
    return globals().get(name) or __getattr__(name)


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# `str.translate` tables: each unsafe character to its escape; for one line, tab and line feed to a space.
_SHOWN = {code: _escape(code) for code in _UNSAFE_CODES}
_FLAT = {**_SHOWN, 0x09: " ", 0x0A: " "}


def describe_char(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`: a character named so a person can find it."""
    name = unicodedata.name(char, "")
    if not name:
        name = {"\x1b": "ESCAPE", "\x07": "BELL", "\x08": "BACKSPACE", "\r": "CARRIAGE RETURN", "\x7f": "DELETE"}.get(char, "CONTROL")
    return f"U+{ord(char):04X} ({name})"


def unsafe_char(text: str, single_line: bool = False) -> str | None:
    """A sentence naming the first character `text` may not contain, or None when it is clean.

    With `single_line`, a line break or tab is refused too (names, titles, ids, URLs).
    """
    if text.isprintable():
        return None
    if _UNSAFE_CHARS.isdisjoint(text) and not (single_line and ("\n" in text or "\t" in text)):
        return None
    match = _pattern("UNSAFE_OR_BREAK" if single_line else "UNSAFE").search(text)
    if match is None:
        return None
    char = match.group()
    where = f"at character {match.start() + 1}"
    if char in "\n\t":
        return f"contains a {'line break' if char == chr(10) else 'tab'} {where}; this must be one line"
    return f"contains {describe_char(char)} {where}; catalogue text must be plain"


def neutralise(text: object, single_line: bool = False) -> str:
    """`text` with every unsafe character shown as an inert escape (`\\x1b`, `\\u202e`).

    With `single_line`, tabs and line breaks become spaces, so one value stays on one row.
    """
    text = str(text)
    if text.isprintable():
        return text
    return text.translate(_FLAT if single_line else _SHOWN)


# Characters a URL keeps in Markdown: RFC 3986 unreserved and reserved ones that cannot close
# a link `(...)`, an autolink `<...>` or a table cell; everything else is percent-encoded.
_URL_SAFE = "/:?#@!$&*+,;=%-._~"


def md_url(url: object) -> str:
    """A URL safe as a Markdown link target or autolink: http(s) only, nothing that ends the link.

    Catalogue URLs are validated as http(s) already; this is the second line of defence, so
    a URL that reached an output some other way still cannot inject markup or a script link.
    """
    from urllib.parse import quote

    text = str(url)
    if not re.match(r"^https?://", text, re.IGNORECASE):
        return ""
    return quote(text, safe=_URL_SAFE)


# A spreadsheet reads a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula character is quoted with `'`."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
