"""Licences as SPDX expressions: parsed and normalised, and judged open source or not.

An expression (`MIT`, `MIT OR Apache-2.0`, `GPL-2.0-only WITH Classpath-exception-2.0`,
`LicenseRef-proprietary`) is parsed with the `license-expression` library against the SPDX
licence list it ships. Case and deprecated ids are normalised, with a note saying what
changed (`mit` is written `MIT`; the deprecated `GPL-3.0` is read as `GPL-3.0-only`).
`LicenseRef-<name>` (and `DocumentRef-<doc>:LicenseRef-<name>`) are the SPDX way to name a
licence that has no SPDX id: they are kept verbatim, and are never open source. Anything
else that is not an SPDX id, and any malformed expression (`MIT OR`), is an error.

Open source means approved by the Open Source Initiative: the ids in `reference/licences.toml`.
An expression is open source when the choice it offers is: `A OR B` when either is, `A AND
B` when both are, `A WITH exception` when `A` is (an SPDX exception only adds permissions).

Parsing costs the library's import and its licence index (about 50 ms): it happens when a
catalogue file is read, and the result — a `Licence`, the normalised text that knows whether
it is open source — is what the parse cache keeps, so a run that reads the cache (every
`sbb recommend` after the first) never imports the library.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from catalog.record import record

DATA_FILE = Path(__file__).parent / "reference" / "licences.toml"
# SPDX 2.3 annex D: a user-defined licence reference, optionally in another document.
# (Patterns as text: `re` compiles each once, when an expression is first parsed.)
LICENSE_REF = r"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$"
_WORD = r"[^\s()]+"
_OPERATORS = frozenset({"and", "or", "with"})


class Licence(str):
    """A normalised SPDX expression that knows whether it is open source.

    It is the text itself (compares, hashes and prints as the expression); `open_source` was
    worked out when it was parsed, so judging it needs no parsing again.
    """

    open_source: bool

    def __new__(cls, expression: str, open_source: bool) -> "Licence":
        obj = super().__new__(cls, expression)
        obj.open_source = open_source
        return obj

    def __reduce__(self):
        return (Licence, (str(self), self.open_source))


@record(frozen=True)
class Parsed:
    """What parsing an expression found: the licence, or the error; notes on what was changed."""

    licence: Licence | None
    error: str
    notes: tuple[str, ...]

    def __init__(self, licence: Licence | None, error: str = "", notes: tuple[str, ...] = ()) -> None:
        self.__dict__.update(licence=licence, error=error, notes=notes)  # frozen: filled as unpickling fills it


@functools.cache
def osi_approved() -> frozenset[str]:
    """The OSI-approved SPDX ids (from `reference/licences.toml`)."""
    import tomli

    data = tomli.loads(DATA_FILE.read_text(encoding="utf-8"))
    return frozenset(data["osi_approved"])


@functools.cache
def _licensing():
    """The library's SPDX licensing, minus its own `LicenseRef-` names.

    The library's index maps some `LicenseRef-` names to SPDX ids (`LicenseRef-MIT-Bootstrap`
    to `MIT`); a catalogue's `LicenseRef-` names its own licence text, so they are left alone.
    Approved ids newer than the library's index are added, so they parse too; and an approved
    id is a licence, never an exception (the index files `MPL-2.0-no-copyleft-exception` as one).
    """
    from license_expression import build_spdx_licensing, get_license_index

    index = []
    known = set()
    for entry in get_license_index():
        key = entry.get("spdx_license_key") or ""
        if not key or key.startswith("LicenseRef-"):
            continue
        aliases = [a for a in entry.get("other_spdx_license_keys") or () if not a.startswith("LicenseRef-")]
        entry = {**entry, "other_spdx_license_keys": aliases}
        if key in osi_approved():  # the index files a few SPDX licences as exceptions
            entry["is_exception"] = False
        index.append(entry)
        known.add(key.casefold())
        known.update(a.casefold() for a in aliases)
    index += [{"spdx_license_key": key} for key in sorted(osi_approved()) if key.casefold() not in known]
    return build_spdx_licensing(index)


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Parsed:
    """Parse and normalise an SPDX expression; an error says what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        return Parsed(None, "an empty licence expression")
    # Most catalogue licences are one approved id or one `LicenseRef-` name as written: each is
    # itself, with nothing to note (tested against the full parse), without building the SPDX
    # library's index (~26 ms and ~4 MB held, in every run that parses a changed file).
    if text in osi_approved():
        return Parsed(Licence(text, True))
    if _PLAIN_REF(text):
        return Parsed(Licence(text, False))
    return parse_expression(text)


_PLAIN_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+").fullmatch


def parse_expression(text: str) -> Parsed:
    """`parse` through the SPDX library, whatever the expression."""
    from license_expression import ExpressionError

    licensing = _licensing()
    try:
        tree = licensing.parse(text, strict=True)
    except ExpressionError as exc:
        return Parsed(None, f"not a valid SPDX expression: {_reason(exc)}")
    except Exception:  # the library fails on some malformed input with its own bugs, e.g. `()`
        return Parsed(None, "not a valid SPDX expression")
    if tree is None:
        return Parsed(None, "an empty licence expression")
    unknown = [k for k in licensing.unknown_license_keys(tree) if not re.match(LICENSE_REF, k)]
    if unknown:
        from catalog.problems import did_you_mean

        key = unknown[0]
        hint = did_you_mean(key, licensing.known_symbols) if " " not in key else ""
        return Parsed(
            None,
            f"`{shown(key)}` is not an SPDX licence id{hint}; name a licence without one `LicenseRef-<name>` "
            "(ids: https://spdx.org/licenses/)",
        )
    normalised = str(tree)
    return Parsed(Licence(normalised, _open(tree)), notes=_notes(text, normalised, licensing))


def _reason(exc: Exception) -> str:
    """The library's message, without its internal token positions or the expression itself."""
    message = str(exc).strip() or type(exc).__name__
    message = message.split(" for token:")[0].rstrip(".") if "for token" in message else message
    return shown(message.split(": '")[0] if "valid characters are" in message else message, 160)


def shown(text: str, limit: int = 60) -> str:
    """Text from a file as it may be shown in a message: printable, and cut when long."""
    plain = "".join(c if c.isprintable() else "?" for c in str(text))
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def _open(node) -> bool:
    """Whether the parsed expression offers an OSI-approved way to use the software."""
    from license_expression import AND, OR, LicenseWithExceptionSymbol

    if isinstance(node, OR):
        return any(_open(arg) for arg in node.args)
    if isinstance(node, AND):
        return all(_open(arg) for arg in node.args)
    if isinstance(node, LicenseWithExceptionSymbol):
        return node.license_symbol.key in osi_approved()
    return getattr(node, "key", None) in osi_approved()


def _notes(text: str, normalised: str, licensing) -> tuple[str, ...]:
    """What normalising changed: each id whose case or deprecated form was corrected."""
    if text == normalised:
        return ()
    notes: list[str] = []
    for word in dict.fromkeys(re.findall(_WORD, text)):
        if word.casefold() in _OPERATORS or word in licensing.known_symbols or re.match(LICENSE_REF, word):
            continue
        symbol = licensing.parse(word)
        key = getattr(symbol, "key", None) or str(symbol)
        if key.casefold() == word.casefold():
            notes.append(f"`{word}` is written `{key}` (SPDX ids are case-sensitive in the catalogue)")
        else:
            notes.append(f"`{word}` is a deprecated SPDX id: read as `{key}`")
    if not notes:
        notes.append(f"written `{shown(normalised)}` (SPDX operators in capitals, one space apart)")
    return tuple(notes)


@functools.cache
def inputs() -> tuple[Path, ...]:
    """The files whose change alters a parse: the approval list and the library's licence index
    (found without importing the library, once per process). Parse caches are keyed by them."""
    import importlib.util

    spec = importlib.util.find_spec("license_expression")
    library = Path(spec.origin).parent / "data" / "scancode-licensedb-index.json" if spec and spec.origin else None
    return (DATA_FILE,) + ((library,) if library else ())


def normalise(text: str) -> Licence | None:
    """The normalised licence of an expression, or None when it is not a valid one."""
    return parse(text).licence


def is_open_source(expression: str) -> bool:
    """Whether an SPDX expression lets the software be used under OSI-approved terms."""
    verdict = getattr(expression, "open_source", None)
    if verdict is not None:
        return verdict
    licence = normalise(expression)
    return bool(licence is not None and licence.open_source)
