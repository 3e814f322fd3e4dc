"""Catalogue hygiene beyond validity: stale entries, missing facts, likely duplicates."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from catalog.model import Catalog
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


def lint(catalog: Catalog, max_age_months: int = 12, today: date | None = None) -> list[Problem]:
    """Warnings a maintainer should look at; none of them makes the catalogue unusable."""
    today = today or date.today()
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
    out += duplicates(catalog)
    return sorted(out)


def duplicates(catalog: Catalog) -> list[Problem]:
    """Pairs of tools that are probably the same: same homepage or repository, or near-identical names."""
    out: list[Problem] = []
    by_url: dict[str, str] = {}
    tools = list(catalog)
    for tool in tools:
        for url in {normal_url(u) for u in (tool.homepage, tool.repository) if u}:
            other = by_url.get(url)
            if other and other != tool.id:
                out.append(Problem(tool.path, 0, "", f"likely duplicate of `{other}`: same URL {url}", "warning"))
            by_url.setdefault(url, tool.id)
    names = [(t.id, " ".join(t.name.casefold().split())) for t in tools]
    for i, (a_id, a_name) in enumerate(names):
        for b_id, b_name in names[i + 1 :]:
            if fuzz.ratio(a_name, b_name) >= NAME_SIMILARITY:
                out.append(Problem(catalog.tools[b_id].path, 0, "name", f"likely duplicate of `{a_id}`: names `{a_name}` and `{b_name}` are nearly identical", "warning"))
    return out
