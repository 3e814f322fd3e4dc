"""Catalogue hygiene beyond validity: stale entries, missing facts, weak sources, likely duplicates."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit


from catalog.model import Catalog, Tool
from catalog.problems import Problem

# The facts the main requirements read; an option missing one of them answers "unknown".
MAIN_FACTS = (
    "data.full_export",
    "lock_in.licence",
    "integration.api",
    "resourcing.ops_effort",
    "cost.model",
)
NAME_SIMILARITY = 92  # rapidfuzz ratio over normalised names that flags a likely duplicate


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later`."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def normal_url(url: str) -> str:
    """A URL reduced to host and path, for comparing homepages and repositories."""
    parts = urlsplit(url.strip().lower())
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/").removesuffix(".git")
    return host + path


def lint(catalog: Catalog, max_age_months: int = 12, today: date | None = None, findings: list | None = None) -> list[Problem]:
    """Warnings a maintainer should look at; none of them makes the catalogue unusable.

    `findings` are the source check's (see `catalog.source_check`), when already worked out;
    the ones an entry explains (its source's `accept` and `note`) are not warnings.
    """
    from catalog import source_check

    today = today or date.today()
    if findings is None:
        findings = source_check.check(catalog)
    out: list[Problem] = []
    for tool in catalog:
        age = months_between(tool.last_reviewed, today)
        if age > max_age_months:
            out.append(Problem(tool.path, 0, "last_reviewed", f"stale: last reviewed {tool.last_reviewed}, {age} months ago (limit {max_age_months})", "warning"))
        if not tool.sources:
            out.append(Problem(tool.path, 0, "sources", "no sources: no fact of this tool can be checked", "warning"))
        for index, option in enumerate(tool.options, 1):
            missing = [key for key in MAIN_FACTS if option.fact(key) is None]
            if missing:
                out.append(
                    Problem(tool.path, 0, f"options[{index}]", f"option `{option.id}` leaves unknown: {', '.join(missing)}", "warning")
                )
    out += [source_problem(f) for f in findings if not f.explained]
    out += duplicates(catalog)
    return sorted(out)


def source_problem(finding) -> Problem:
    """A source-check finding as a lint warning, its kind named for `accept`."""
    return Problem(finding.file, finding.line, finding.key, f"{finding.message} [{finding.kind}]", "warning")


def name_key(name: str) -> str:
    """A name folded for comparison: case, spacing and a leading "The" do not count."""
    words = name.casefold().split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def duplicate_pairs(tools: list[Tool]) -> list[tuple[Tool, Tool, str]]:
    """(a, b, reason) for tools that are probably the same: same homepage or repository URL,
    or names whose rapidfuzz ratio is at least NAME_SIMILARITY.

    Names are compared within blocks of the same first letter, which keeps this near-linear
    at 10k+ tools; a pair whose names differ in the first letter is still caught by its URL.
    """
    from rapidfuzz import fuzz, process

    pairs: list[tuple[Tool, Tool, str]] = []
    by_url: dict[str, Tool] = {}
    for tool in tools:
        for url in sorted({normal_url(u) for u in (tool.homepage, tool.repository) if u}):
            other = by_url.get(url)
            if other is not None and other.id != tool.id:
                pairs.append((other, tool, f"same URL {url}"))
            by_url.setdefault(url, tool)
    blocks: dict[str, list[Tool]] = {}
    for tool in tools:
        blocks.setdefault(name_key(tool.name)[:1], []).append(tool)
    for block in blocks.values():
        names = [name_key(t.name) for t in block]
        for i in range(len(block) - 1):
            for _, _, j in process.extract(names[i], names[i + 1 :], scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=None):
                a, b = block[i], block[i + 1 + j]
                pairs.append((a, b, f"near-identical names `{a.name}` and `{b.name}`"))
    return pairs


def duplicates(catalog: Catalog) -> list[Problem]:
    """Warnings for pairs of tools that are probably the same (see `duplicate_pairs`)."""
    return [
        Problem(b.path, 0, "", f"likely duplicate of `{a.id}`: {reason}", "warning")
        for a, b, reason in duplicate_pairs(list(catalog))
    ]
