"""Text measured in terminal cells, not characters: for tables that stay aligned with any name.

A wide character (CJK ideographs, kana, Hangul, fullwidth forms, most emoji) takes two cells
on a terminal; a combining mark or a zero-width format character takes none. `str.ljust` and
`len` count characters, so a Japanese or Chinese name pushes every column after it to the
right. Widths follow Unicode's East Asian Width property (UAX #11): `W` and `F` are two cells;
`A` (ambiguous) is one, as terminals draw it outside East Asian locales.
"""

from __future__ import annotations

import textwrap
import unicodedata
from functools import lru_cache

ELLIPSIS = "…"


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Cells one character takes: 0, 1 or 2."""
    if char.isascii():
        return 1 if char.isprintable() else 0
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    """Cells `text` takes on one line."""
    if text.isascii():
        return len(text)
    return sum(char_width(c) for c in text)


def clip(text: str, cells: int) -> str:
    """`text` cut to at most `cells` cells, ending in `…` when something was cut."""
    if width(text) <= cells:
        return text
    if cells <= 0:
        return ""
    out, used = [], 0
    for char in text:
        w = char_width(char)
        if used + w > cells - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + ELLIPSIS


def cut(text: str, cells: int) -> str:
    """`text` cut to at most `cells` cells, without a mark (for fixed-width columns)."""
    if width(text) <= cells:
        return text
    out, used = [], 0
    for char in text:
        w = char_width(char)
        if used + w > cells:
            break
        out.append(char)
        used += w
    return "".join(out)


def ljust(text: str, cells: int) -> str:
    """`text` padded with spaces on the right to `cells` cells."""
    return text + " " * max(0, cells - width(text))


def rjust(text: str, cells: int) -> str:
    """`text` padded with spaces on the left to `cells` cells."""
    return " " * max(0, cells - width(text)) + text


def wrap(text: str, cells: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """`textwrap.wrap`, measuring cells: no line is wider than `cells`.

    Text of narrow characters only is wrapped by textwrap itself (same lines as before); text
    with wide ones is broken between words, and a word wider than a line (CJK text has no
    spaces) between its characters.
    """
    if width(text) == len(text) and width(initial_indent + subsequent_indent) == len(initial_indent + subsequent_indent):
        fast = _plain_wrap(text, cells, initial_indent, subsequent_indent)
        if fast is not None:
            return fast
        return textwrap.wrap(text, cells, initial_indent=initial_indent, subsequent_indent=subsequent_indent)
    lines: list[str] = []
    line, used, indent = initial_indent, width(initial_indent), initial_indent
    for word in text.split():
        w = width(word)
        gap = 0 if line == indent else 1
        if used + gap + w <= cells:
            line, used = line + " " * gap + word, used + gap + w
            continue
        if line != indent:
            lines.append(line)
            indent = subsequent_indent
            line, used = indent, width(indent)
        for char in word:  # a word wider than what is left of the line: break it
            c = char_width(char)
            if used + c > cells and line != indent:
                lines.append(line)
                indent = subsequent_indent
                line, used = indent, width(indent)
            line, used = line + char, used + c
    if line != indent:
        lines.append(line)
    return lines



def _plain_wrap(text: str, cells: int, initial_indent: str, subsequent_indent: str) -> list[str] | None:
    """`textwrap.wrap`'s lines for plain text, or None when the text needs textwrap itself.

    Plain: printable words of narrow characters (the caller checks) one space apart, no hyphen
    (textwrap breaks after one) and no word wider than a line. textwrap then fills each line greedily with whole words, which is
    what this does, without its regular expressions (a table run wraps a few dozen texts).
    """
    if not text.isprintable() or "-" in text or "  " in text or text[:1] == " " or text[-1:] == " ":
        return None
    room = cells - max(len(initial_indent), len(subsequent_indent))
    words = text.split(" ") if text else []
    if room < 1 or any(len(word) > room for word in words):
        return None
    lines: list[str] = []
    indent, line = initial_indent, ""
    for word in words:
        if not line:
            line = word
        elif len(indent) + len(line) + 1 + len(word) <= cells:
            line += " " + word
        else:
            lines.append(indent + line)
            indent, line = subsequent_indent, word
    if line:
        lines.append(indent + line)
    return lines
