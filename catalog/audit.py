"""A seeded random sample of a catalogue's stated facts, each with the pages it cites, for an
audit: a reviewer opens each cited page and records whether it states the fact.

The draw is reproducible: the same catalogue, seed and count give the same facts in the same
order on any machine (facts are pooled in tool, option and key order before drawing), so an
audit can be repeated and its table compared.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from catalog.model import Catalog, Source
from catalog.stats import DECIDING_FACTS, HOSTED_DECIDING_FACTS

VERDICTS = ("stated", "wrong", "not-stated", "unreachable")  # what a reviewer records per row
DECIDING_KEYS = frozenset(key for _, keys in (*DECIDING_FACTS, *HOSTED_DECIDING_FACTS) for key in keys)


@dataclass(frozen=True, slots=True)
class Drawn:
    """One fact drawn for the audit."""

    tool: str
    option: str
    key: str
    value: Any
    sources: tuple[Source, ...]
    path: str  # the file that states it

    @property
    def where(self) -> str:
        return f"{self.tool}/{self.option}"


def pool(catalog: Catalog, deciding_only: bool = False) -> list[Drawn]:
    """Every stated fact of every option, in tool, option and key order."""
    out: list[Drawn] = []
    for tool in sorted(catalog, key=lambda t: t.id):
        for option in tool.options:
            for key in sorted(option.facts):
                if deciding_only and key not in DECIDING_KEYS:
                    continue
                fact = option.facts[key]
                out.append(Drawn(tool.id, option.id, key, fact.value, fact.sources, tool.path))
    return out


def draw(catalog: Catalog, count: int, seed: int, deciding_only: bool = False) -> tuple[list[Drawn], int]:
    """`count` facts drawn at random with `seed` (all of them when there are fewer), and the
    size of the pool they were drawn from."""
    facts = pool(catalog, deciding_only)
    rng = random.Random(seed)
    picked = rng.sample(range(len(facts)), min(count, len(facts)))
    return [facts[i] for i in sorted(picked)], len(facts)


def plain(value: Any) -> str:
    """A fact's value in words for the table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(plain(v) for v in value) if value else "none"
    if hasattr(value, "scheme"):  # an assessment
        level = f" {value.level}" if getattr(value, "level", "") else ""
        return f"{value.scheme}{level} ({value.scope})"
    return str(value)


def to_json(drawn: list[Drawn], size: int, seed: int, deciding_only: bool) -> dict:
    return {
        "seed": seed,
        "pool": size,
        "deciding_only": deciding_only,
        "verdicts": list(VERDICTS),
        "facts": [
            {
                "n": n,
                "tool": d.tool,
                "option": d.option,
                "fact": d.key,
                "value": plain(d.value),
                "file": d.path,
                "sources": [{"id": s.id, "url": s.url, "title": s.title} for s in d.sources],
                "verdict": None,
            }
            for n, d in enumerate(drawn, 1)
        ],
    }


def to_markdown(drawn: list[Drawn], size: int, seed: int, deciding_only: bool) -> str:
    """A table to fill in: one row per fact, its cited pages, and an empty verdict."""

    def cell(text: str) -> str:
        return " ".join(text.replace("|", "\\|").split())

    what = "deciding facts" if deciding_only else "facts"
    lines = [
        f"Audit sample: {len(drawn)} of {size} stated {what}, seed {seed}.",
        f"Verdict per row: {', '.join(VERDICTS)}.",
        "",
        "| # | option | fact | value | cited page | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for n, d in enumerate(drawn, 1):
        pages = "<br>".join(cell(s.url) for s in d.sources) or "**no source cited**"
        lines.append(f"| {n} | `{d.where}` | `{d.key}` | {cell(plain(d.value))} | {pages} |  |")
    return "\n".join(lines) + "\n"
