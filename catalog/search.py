"""Typo-tolerant search over tool names, aliases, capabilities and summaries."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from catalog.model import Catalog, Tool

# How much a match in each field counts: a name beats a capability beats a summary word.
FIELD_WEIGHT = {"name": 1.0, "alias": 0.95, "capability": 0.85, "summary": 0.75}


@dataclass(frozen=True)
class Hit:
    """One tool found, with its score (0–100) and the text that matched."""

    tool: Tool
    score: float
    matched: str
    field: str


class SearchIndex:
    """Strings to search, built once per catalogue; each query is one rapidfuzz pass."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.texts: list[str] = []
        self.owners: list[tuple[str, str]] = []  # (tool id, field)
        for tool in catalog:
            self._add(tool.name, tool.id, "name")
            for alias in tool.aliases:
                self._add(alias, tool.id, "alias")
            for cap_id in tool.capabilities:
                cap = catalog.vocabulary.capabilities.get(cap_id)
                self._add(cap.label if cap else cap_id, tool.id, "capability")
                for alias in cap.aliases if cap else ():
                    self._add(alias, tool.id, "capability")
            self._add(tool.summary, tool.id, "summary")
        self._processed = [utils.default_process(t) for t in self.texts]

    def _add(self, text: str, tool_id: str, field: str) -> None:
        self.texts.append(text)
        self.owners.append((tool_id, field))

    def search(self, query: str, limit: int = 10, cutoff: float = 60) -> list[Hit]:
        """Tools best matching `query`, best first; ties broken by name."""
        query = utils.default_process(query)
        if not query:
            return []
        best: dict[str, Hit] = {}
        for _, score, index in process.extract(
            query, self._processed, scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=cutoff
        ):
            tool_id, field = self.owners[index]
            weighted = score * FIELD_WEIGHT[field]
            if tool_id not in best or weighted > best[tool_id].score:
                best[tool_id] = Hit(self.catalog.tools[tool_id], weighted, self.texts[index], field)
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.tool.name.casefold(), h.tool.id))
        return ranked[:limit]


def find_tool(catalog: Catalog, ident: str) -> tuple[Tool | None, list[str]]:
    """A tool by exact id (or name, case aside), else None with close ids to suggest."""
    if ident in catalog.tools:
        return catalog.tools[ident], []
    lowered = ident.casefold()
    for tool in catalog:
        if tool.name.casefold() == lowered or lowered in (a.casefold() for a in tool.aliases):
            return tool, []
    close = process.extract(ident, list(catalog.tools), scorer=fuzz.WRatio, limit=3, score_cutoff=70)
    return None, [c[0] for c in close]
