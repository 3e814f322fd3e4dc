"""Catalogue search: the indexed search gives the results of scoring every string."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz, utils

from benchmarks.synth import write_catalog
from catalog.loader import load_catalog
from catalog.search import FIELD_WEIGHT, SearchIndex

QUERIES = (
    "a", "an", "analytics", "web analytcs", "alpa analytcs", "helpdesk", "help desk", "survey",
    "surveys forms", "wiki", "chat", "archive", "notify", "gov", "x", "zzzz", "matomo", "open",
    "civic portal", "dat insigt", "pulse42", "survey forum 7", "7", "c", "ci", "civic", "hub",
)


def plain_search(catalog, query: str, limit: int = 10, cutoff: float = 60):
    """Every string of every tool scored, one by one: the meaning of a search."""
    query = utils.default_process(query)
    if not query:
        return []
    best: dict[str, tuple[float, str, str]] = {}
    for tool in catalog:
        entries = [(tool.name, "name")] + [(a, "alias") for a in tool.aliases]
        for cap_id in tool.capabilities:
            cap = catalog.vocabulary.capabilities.get(cap_id)
            entries.append((cap.label if cap else cap_id, "capability"))
            entries += [(a, "capability") for a in (cap.aliases if cap else ())]
        entries.append((tool.summary, "summary"))
        for text, field in entries:
            score = fuzz.WRatio(query, utils.default_process(text), processor=None, score_cutoff=cutoff)
            if score < cutoff:
                continue
            weighted = score * FIELD_WEIGHT[field]
            if tool.id not in best or weighted > best[tool.id][0]:
                best[tool.id] = (weighted, text, field)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], catalog.tools[item[0]].name.casefold(), item[0]))
    return [(tool_id, score, text, field) for tool_id, (score, text, field) in ranked[:limit]]


def found(index: SearchIndex, query: str, limit: int = 10):
    return [(h.tool.id, h.score, h.matched, h.field) for h in index.search(query, limit)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A few hundred synthetic tools sharing a small vocabulary: many ties, many repeats."""
    result = load_catalog([write_catalog(tmp_path_factory.mktemp("synth"), 600)])
    assert result.ok
    return result.catalog


@pytest.mark.parametrize("query", QUERIES)
def test_the_index_gives_what_scoring_every_string_gives(bundled, fixture_catalog, synthetic, query):
    for catalog in (bundled, fixture_catalog, synthetic):
        index = SearchIndex(catalog)
        for limit in (1, 3, 10, 40):
            assert found(index, query, limit) == plain_search(catalog, query, limit), (query, limit)
        assert [(h.tool.id, h.score) for h in index.search_all(query)] == [r[:2] for r in plain_search(catalog, query)]


def test_each_distinct_string_is_held_once(synthetic):
    index = SearchIndex(synthetic)
    strings = 0
    for tool in synthetic:
        strings += 2 + len(tool.aliases) + sum(
            1 + len(synthetic.vocabulary.capabilities[c].aliases) for c in tool.capabilities
        )
    assert len(index) < strings / 2
    assert len(set(index._strings)) == len(index)


def test_a_large_index_reads_only_strings_starting_like_the_query(synthetic):
    """Narrowed by word prefix (as a large catalogue is): every hit is scored as a full pass
    scores it, in the same order, and a typo that starts no word still finds what a full pass
    finds."""
    narrow = SearchIndex(synthetic, candidate_threshold=0)
    assert narrow._narrow
    full = {tool_id: score for tool_id, score, _, _ in plain_search(synthetic, "civic portal", limit=10_000)}
    for query in ("civic portal", "civic p", "notify hub", "dat insigt", "survey forum 7", "pulse4", "c"):
        hits = found(narrow, query)
        assert len(hits) == 10
        reference = {tool_id: score for tool_id, score, _, _ in plain_search(synthetic, query, limit=10_000)}
        for tool_id, score, _, _ in hits:
            assert reference[tool_id] >= score
        keys = [(-score, synthetic.tools[tool_id].name.casefold(), tool_id) for tool_id, score, _, _ in hits]
        assert keys == sorted(keys)
    # Every word of the query starts some name: the best names are found as a full pass finds them.
    assert found(narrow, "civic portal")[:5] == plain_search(synthetic, "civic portal")[:5]
    assert all(full[tool_id] == score for tool_id, score, _, _ in found(narrow, "civic portal"))
    # "qzx" starts no word of the index: it constrains nothing.
    assert found(narrow, "qzx civic portal") == found(SearchIndex(synthetic), "qzx civic portal")
    # Fewer than `limit` tools hold strings starting like the query: every string is read.
    assert len(narrow._best("hub 599", 10, 60, narrow._candidates("hub 599"))) < 10
    assert found(narrow, "hub 599") == plain_search(synthetic, "hub 599")


def test_empty_and_blank_queries_find_nothing(bundled):
    index = SearchIndex(bundled)
    assert index.search("") == [] and index.search("  -- ") == [] and index.search("analytics", limit=0) == []
