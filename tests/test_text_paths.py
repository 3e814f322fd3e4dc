"""`neutralise` and `unsafe_char` take fast paths (`str.isprintable`, a translate table, a set
of characters) before any regular expression: they must answer exactly as the patterns do."""

from __future__ import annotations

import re

import pytest

from catalog import text as text_module
from catalog.text import LINE_BREAK, UNSAFE, UNSAFE_OR_BREAK, URL, neutralise, unsafe_char

EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def reference_neutralise(value: object, single_line: bool = False) -> str:
    out = UNSAFE.sub(_visible, str(value))
    return LINE_BREAK.sub(" ", out) if single_line else out


def test_no_unsafe_character_is_printable_so_printable_text_is_clean():
    unsafe = [c for c in EVERY_CHARACTER if UNSAFE_OR_BREAK.match(c)]
    assert len(unsafe) == len(text_module._UNSAFE_CODES) + 2  # and tab, line feed
    assert not any(c.isprintable() for c in unsafe)


@pytest.mark.parametrize("single_line", [False, True])
def test_neutralise_matches_the_patterns_on_every_character(single_line):
    for start in range(0, len(EVERY_CHARACTER), 4096):
        chunk = EVERY_CHARACTER[start:start + 4096]
        assert neutralise(chunk, single_line) == reference_neutralise(chunk, single_line)
    for value in ("plain", "tab\there", "line\nbreak", "\x1b[2Jclear", "a\u202eb", "nbsp\u00a0x", 42, None):
        assert neutralise(value, single_line) == reference_neutralise(value, single_line)


def test_unsafe_char_matches_the_patterns():
    samples = [
        "plain text", "nbsp\u00a0and\u3000wide", "tab\there", "line\nbreak", "\x1b[2J", "a\u202eb",
        "zero\u200bwidth", "ok\n\u2028sep", "", "emoji 😀 and CJK 漢字", "bell\x07", "\ufeffbom",
    ]
    for sample in samples:
        for single_line in (False, True):
            pattern = UNSAFE_OR_BREAK if single_line else UNSAFE
            found = pattern.search(sample)
            answer = unsafe_char(sample, single_line)
            assert (answer is None) == (found is None), (sample, single_line)
            if found:
                assert f"at character {found.start() + 1}" in answer


def test_the_patterns_are_compiled_on_first_use_and_keep_their_names():
    assert URL.match("https://example.org/a") and not URL.match("javascript:alert(1)")
    assert text_module.UNSAFE is UNSAFE  # the same compiled pattern once asked for
    with pytest.raises(AttributeError):
        text_module.NO_SUCH_PATTERN  # noqa: B018
