"""Typo-tolerant search over tool names, aliases, capabilities and summaries.

A tool's score is the best of its strings (name, aliases, capability labels and aliases,
summary): rapidfuzz's WRatio of the query against the string, times the weight of the field.
Results are the best `limit` tools, ties broken by name, then id.

The index holds each distinct string once (the same capability strings recur for thousands of
tools), with the tools holding it, so a string is scored once per query, not once per tool.
A query then reads the strings best first, by the most a string could score: WRatio is at most
100 when the lengths of query and string are within 1.5× of each other, 90 within 8×, else 60;
times the field's weight. Within one such bucket strings are read in the order of their tools'
names, so reading stops as soon as the best `limit` tools are settled — ties included.

In a large index (more than `CANDIDATE_THRESHOLD` distinct strings), names, aliases and
summaries are read only when they hold, for every word of the query found in the index, a word
starting with its first three letters (a word found nowhere, a typo, constrains nothing);
capability strings are few and always read. When that finds fewer than `limit` tools, every
string is read. A small index always reads every string, so its results are those of scoring
every string.
"""

from __future__ import annotations

import bisect
import gc
import heapq
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from catalog.model import Catalog, Tool

# How much a match in each field counts: a name beats a capability beats a summary word.
FIELD_WEIGHT = {"name": 1.0, "alias": 0.95, "capability": 0.85, "summary": 0.75}
FIELDS = tuple(FIELD_WEIGHT)
# Distinct strings above which names, aliases and summaries are first narrowed by word prefix.
CANDIDATE_THRESHOLD = 20_000
PREFIX = 3  # letters of a query word a candidate's word must start with


@dataclass(frozen=True)
class Hit:
    """One tool found, with its score (0–100) and the text that matched."""

    tool: Tool
    score: float
    matched: str
    field: str


def _bound(query_len: int, text_len: int) -> float:
    """The most WRatio can score for strings of these lengths (rapidfuzz's length classes)."""
    if not query_len or not text_len:
        return 0.0
    ratio = max(query_len, text_len) / min(query_len, text_len)
    if ratio < 1.5:
        return 100.0
    return 90.0 if ratio <= 8.0 else 60.0


NAME, ALIAS, CAPABILITY, SUMMARY = range(4)  # positions in FIELDS


def _capability_texts(catalog: Catalog, cap_id: str) -> tuple[str, ...]:
    cap = catalog.vocabulary.capabilities.get(cap_id)
    return ((cap.label,) + tuple(cap.aliases)) if cap else (cap_id,)


def _entries(tool: Tool, catalog: Catalog, capability_texts=None):
    """(text, field position) of every string of a tool, in index order (a tie goes to the first)."""
    yield tool.name, NAME
    for alias in tool.aliases:
        yield alias, ALIAS
    for cap_id in tool.capabilities:
        texts = capability_texts(cap_id) if capability_texts else _capability_texts(catalog, cap_id)
        for text in texts:
            yield text, CAPABILITY
    yield tool.summary, SUMMARY


def _merged(lists: list, first: list[int]):
    """The strings of several lists, each in first-tool order, merged in that order, once each."""
    if len(lists) == 1:
        yield from lists[0]
        return
    seen: set[int] = set()
    for sid in heapq.merge(*lists, key=first.__getitem__):
        if sid not in seen:
            seen.add(sid)
            yield sid


class SearchIndex:
    """Distinct strings with the tools holding them, built once per catalogue."""

    def __init__(self, catalog: Catalog, candidate_threshold: int = CANDIDATE_THRESHOLD):
        # Built with the collector paused, as the catalogue is: it makes a few objects per
        # string and nothing here forms a cycle.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(catalog, candidate_threshold)
        finally:
            if enabled:
                gc.enable()

    def _build(self, catalog: Catalog, candidate_threshold: int) -> None:
        self.catalog = catalog
        tools = list(catalog)
        order = sorted(range(len(tools)), key=lambda i: (tools[i].name.casefold(), tools[i].id))
        self._by_rank: list[Tool] = [tools[i] for i in order]  # rank: position in name order
        processed: dict[str, int] = {}  # raw text -> string id
        distinct: dict[str, int] = {}  # processed text -> string id
        self._strings: list[str] = []  # string id -> processed text
        self._stems: list[tuple[str, ...]] = []  # string id -> the first letters of its words
        self._first: list[int] = []  # string id -> the rank of the first tool holding it
        groups: dict[tuple[int, int], list[int]] = {}  # (string id, field) -> ranks holding it
        texts_of: dict[str, tuple[str, ...]] = {}

        def capability_texts(cap_id: str) -> tuple[str, ...]:
            found = texts_of.get(cap_id)
            if found is None:
                found = texts_of[cap_id] = _capability_texts(catalog, cap_id)
            return found

        stems: dict[str, str] = {}  # word -> its stem
        interned: dict[str, str] = {}  # stem -> itself, each stem held once
        for rank, tool in enumerate(self._by_rank):
            for text, fi in _entries(tool, catalog, capability_texts):
                sid = processed.get(text)
                if sid is None:
                    clean = utils.default_process(text)
                    sid = distinct.get(clean)
                    if sid is None:
                        sid = distinct[clean] = len(self._strings)
                        self._strings.append(clean)
                        own = []
                        for word in clean.split():
                            stem = stems.get(word)
                            if stem is None:
                                stem = stems[word] = interned.setdefault(word[:PREFIX], word[:PREFIX])
                            if stem not in own:
                                own.append(stem)
                        self._stems.append(tuple(own))
                        self._first.append(rank)
                    processed[text] = sid
                holders = groups.get((sid, fi))
                if holders is None:
                    groups[(sid, fi)] = [rank]
                elif holders[-1] != rank:
                    holders.append(rank)
        self._sorted_stems = sorted(interned)
        self._narrow = len(self._strings) > candidate_threshold
        # The ranks holding each (string, field); the strings to read per field and string
        # length and, in a large index, per field and stem; each in its first tool's order.
        self._holders: dict[tuple[int, int], list[int]] = groups
        by_length: list[dict[int, list[int]]] = [{} for _ in FIELDS]
        by_stem: list[dict[str, list[int]]] = [{} for _ in FIELDS]
        cap_field = FIELDS.index("capability")
        strings, own_stems = self._strings, self._stems
        for sid, fi in groups:  # made tool by tool in name order: in their first tool's order
            by_length[fi].setdefault(len(strings[sid]), []).append(sid)
            if self._narrow and fi != cap_field:
                postings = by_stem[fi]
                for stem in own_stems[sid]:
                    found = postings.get(stem)
                    if found is None:
                        postings[stem] = [sid]
                    else:
                        found.append(sid)
        self._by_length = by_length
        self._by_stem = by_stem

    def __len__(self) -> int:
        """How many distinct strings it holds."""
        return len(self._strings)

    # -- the query ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, cutoff: float = 60) -> list[Hit]:
        """Tools best matching `query`, best first; ties broken by name."""
        query = utils.default_process(query)
        if not query or limit <= 0:
            return []
        narrowed = self._candidates(query) if self._narrow else None
        ranked = self._best(query, limit, cutoff, narrowed)
        if narrowed is not None and len(ranked) < limit:
            ranked = self._best(query, limit, cutoff, None)
        return [self._hit(query, rank, score, cutoff) for score, rank in ranked]

    def search_all(self, query: str, limit: int = 10, cutoff: float = 60) -> list[Hit]:
        """The same ranking, scoring every string (the reference the index is checked against)."""
        query = utils.default_process(query)
        if not query or limit <= 0:
            return []
        best: dict[int, float] = {}
        for _, score, sid in process.extract(query, self._strings, scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=cutoff):
            for fi, field in enumerate(FIELDS):
                weighted = score * FIELD_WEIGHT[field]
                for rank in self._holders.get((sid, fi), ()):
                    if weighted > best.get(rank, -1.0):
                        best[rank] = weighted
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [self._hit(query, rank, score, cutoff) for rank, score in ranked]

    def _candidates(self, query: str) -> list[tuple[str, ...]] | None:
        """For each query word whose first letters begin some index word, the stems it
        matches; None when no word of the query is found (every string is then read)."""
        out = []
        stems = self._sorted_stems
        for token in dict.fromkeys(query.split()):
            stem = token[:PREFIX]
            if len(stem) == PREFIX:
                i = bisect.bisect_left(stems, stem)
                found = (stem,) if i < len(stems) and stems[i] == stem else ()
            else:
                start = bisect.bisect_left(stems, stem)
                found = tuple(stems[start:bisect.bisect_left(stems, stem + "\U0010ffff", start)])
            if found:
                out.append(found)
        return out or None

    def _best(self, query: str, limit: int, cutoff: float, narrowed: list[tuple[str, ...]] | None) -> list[tuple[float, int]]:
        """(score, rank) of the best `limit` tools, best first, ties in name order."""
        qlen = len(query)
        capability = FIELDS.index("capability")
        # Buckets: (most a string in it can score, field, its string lengths), best first.
        buckets = []
        for fi, field in enumerate(FIELDS):
            by_bound: dict[float, list[int]] = {}
            for length in self._by_length[fi]:
                top = _bound(qlen, length)
                if top >= cutoff:
                    by_bound.setdefault(top, []).append(length)
            for top, lengths in by_bound.items():
                buckets.append((top * FIELD_WEIGHT[field], fi, lengths))
        buckets.sort(key=lambda b: (-b[0], b[1]))
        scores: dict[int, float] = {}  # string id -> WRatio (or -1 below the cutoff)
        hits: list[tuple[float, int, int]] = []  # (weighted, string id, field)
        ranked: list[tuple[float, int]] = []
        first = self._first
        candidates: dict[int, list[list[int]]] = {}  # field -> candidate strings, to merge
        for top, fi, lengths in buckets:
            if len(ranked) == limit and top < ranked[-1][0]:
                break
            weight = FIELD_WEIGHT[FIELDS[fi]]
            if narrowed is None or fi == capability:
                sources = [self._by_length[fi][n] for n in lengths]
                stream = heapq.merge(*sources, key=first.__getitem__) if len(sources) > 1 else iter(sources[0])
            else:
                if fi not in candidates:
                    candidates[fi] = self._narrowed(fi, narrowed)
                wanted = set(lengths)
                strings = self._strings
                stream = (sid for sid in _merged(candidates[fi], first) if len(strings[sid]) in wanted)
            chunk: list[int] = []
            size = 64
            for sid in stream:
                if len(ranked) == limit:
                    kth, kth_rank = ranked[-1]
                    if top < kth or (top == kth and first[sid] > kth_rank):
                        break
                chunk.append(sid)
                if len(chunk) >= size:
                    self._score(query, chunk, scores, cutoff, hits, fi, weight)
                    ranked = self._select(hits, limit)
                    chunk, size = [], min(size * 2, 4096)
            if chunk:
                self._score(query, chunk, scores, cutoff, hits, fi, weight)
                ranked = self._select(hits, limit)
        return ranked

    def _narrowed(self, fi: int, narrowed: list[tuple[str, ...]]) -> list[list[int]]:
        """The strings of one field holding, for each query word, a word starting like it: lists
        each in their first tool's order, to be merged."""
        postings = self._by_stem[fi]
        per_word = [[postings[stem] for stem in found if stem in postings] for found in narrowed]
        if not all(per_word):
            return []
        if len(per_word) == 1:
            return per_word[0]
        per_word.sort(key=lambda lists: sum(map(len, lists)))
        common = set().union(*per_word[0])
        for lists in per_word[1:]:
            common.intersection_update(set().union(*lists))
            if not common:
                return []
        return [sorted(common, key=self._first.__getitem__)]

    def _score(self, query, chunk, scores, cutoff, hits, fi, weight) -> None:
        fresh = [sid for sid in chunk if sid not in scores]
        if fresh:
            for sid in fresh:
                scores[sid] = -1.0
            for _, score, i in process.extract(query, [self._strings[s] for s in fresh], scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=cutoff):
                scores[fresh[i]] = score
        for sid in chunk:
            score = scores[sid]
            if score >= 0:
                hits.append((score * weight, sid, fi))

    def _select(self, hits: list[tuple[float, int, int]], limit: int) -> list[tuple[float, int]]:
        """The best `limit` (score, rank) among the tools holding the strings hit so far: each
        tool at its best score, ties in name order."""
        hits.sort(key=lambda h: -h[0])
        seen: set[int] = set()
        out: list[tuple[float, int]] = []
        i = 0
        while i < len(hits) and len(out) < limit:
            level = hits[i][0]
            j = i
            while j < len(hits) and hits[j][0] == level:
                j += 1
            holders = [self._holders[(sid, fi)] for _, sid, fi in hits[i:j]]
            for rank in heapq.merge(*holders) if len(holders) > 1 else holders[0]:
                if rank in seen:
                    continue
                seen.add(rank)
                out.append((level, rank))
                if len(out) == limit:
                    break
            i = j
        return out

    def _hit(self, query: str, rank: int, score: float, cutoff: float) -> Hit:
        """The tool's first string (in index order) reaching its best score."""
        tool = self._by_rank[rank]
        for text, fi in _entries(tool, self.catalog):
            found = fuzz.WRatio(query, utils.default_process(text), processor=None, score_cutoff=cutoff)
            if found >= cutoff and found * FIELD_WEIGHT[FIELDS[fi]] == score:
                return Hit(tool, score, text, FIELDS[fi])
        raise AssertionError(f"no string of {tool.id} scores {score}")  # pragma: no cover


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
