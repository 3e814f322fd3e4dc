"""Several catalogue sources read as one: merged by tool id, disagreements kept as conflicts.

Every tool and fact remembers the source it came from. The same tool id in several sources is
merged: facts that agree are combined (their sources and origins united); facts that disagree
keep the value of the source with the highest precedence and list every other claim in
`Fact.conflicts` — nothing is resolved silently. `reuse.used_by` is evidence, not a claim that
can conflict: the agencies are united across sources.

Each source may carry its own `capabilities.toml`. The vocabularies are federated before any
entry is read (`federate_vocabulary`): an entry may use a term another source defines, and each
term remembers the sources defining it.

`pull_sources` fetches git sources and checks each fetched commit the same way before checking
it out: a commit with errors is refused and the source stays at its last good commit.

Parsing dominates load time (about 1.5 s per 10k files), so each source's parsed and validated
entries are cached in the user cache directory, per file, keyed by the file's size, modification
time and mode (and, when those changed, the digest of its text), the vocabulary files and the
code that parsed them: an unchanged file is never parsed twice. A source's cache is found by its
resolved directory, however the path was spelt, and is split into shard files (about
`SHARD_FILES` tool files each, at most `SHARDS`) so an edit rewrites only the one holding that
file; when the number of files calls for another split, the entries move to it unparsed. A
cache that is corrupt, truncated or not this program's is ignored and rewritten; a file that can no longer be read is reported, never
served from the cache.
"""

from __future__ import annotations

import copyreg
import errno
import gc
import os
import re
import stat as stat_module
import sys
import zlib
from itertools import repeat
from pathlib import Path
from typing import Any

from catalog import listing as _listing
from catalog.listing import tool_files
from catalog.model import Caveat, Catalog, Fact, Facts, LoadResult, Option, Source, Tool
from catalog.files import inside, write_atomic_bytes
from catalog.limits import load_toml
from catalog.problems import Problem, decode_text, duplicate_tool, read_text, unreadable
from catalog.record import fields, record, replace
from catalog.sources import (
    BUNDLED_NAME,
    PullError,
    PullResult,
    PullState,
    SourceConfig,
    SourceSpec,
    remove_tree,
    cache_dir,
    catalogue_dir,
    check_out,
    checkout_dir,
    digest,
    export_commit,
    fetch,
    now,
    pull_lock,
    read_state,
    write_state,
)
from catalog.vocabulary import BUNDLED_VOCABULARY, Vocabulary, read_vocabulary

try:  # the C pickler and unpickler: importing `pickle` itself costs start-up 5 M instructions more
    import _pickle as pickle
except ImportError:  # an interpreter without it
    import pickle

# A run served from the cache imports neither the loader (`catalog.loader`, with the fast path,
# the schema checks and the TOML parser) nor the export and lint code: they are imported where
# a file is parsed, a conflict described or duplicates looked for.

NAME_SIMILARITY = 92  # rapidfuzz ratio over normalised names that flags a likely duplicate
CACHE_FORMAT = 8  # 8: an option read from one file holds its facts by column (`Facts`)
SHARDS = 64  # most cache files per source: an edit rewrites the one holding its file
SHARD_FILES = 64  # tool files per cache file aimed at: fewer files to open for a small source
USED_BY = "reuse.used_by"
TOOL_CLAIMS = ("name", "capabilities")  # what a tool is: claims that conflict like facts


def _by_constructor(cls):
    """Pickle a frozen record as a call of its constructor with its fields.

    The default for frozen slotted records restores each object field by field through
    Python code, which made unpickling the cache slower than parsing the TOML again.
    """
    from operator import attrgetter

    fields_of = attrgetter(*fields(cls))  # every class here has 2+ fields
    copyreg.pickle(cls, lambda obj: (cls, fields_of(obj)))


for _cls in (Source, Fact, Caveat, Option, Tool, Problem):
    _by_constructor(_cls)

_FACT_KEYS: dict[tuple, tuple] = {}  # each order of fact keys pickled, as one tuple


def _facts_option(option_id, name, origin, deployment, provider, summary, keys, values, sources, fact_origin, caveats):
    """An option pickled by `_pickle_option`: its facts held by column (`Facts`) from three parallel tuples."""
    facts = Facts(keys, values, sources, fact_origin) if keys else {}
    return Option(option_id, name, origin, deployment, provider, summary, facts, caveats)


def _facts_option_citing(option_id, name, origin, deployment, provider, summary, keys, values, sources, fact_origin, caveats):
    """`_facts_option` of an option whose facts all cite the same sources (`sources`, one tuple)."""
    facts = Facts(keys, values, (sources,) * len(keys), fact_origin) if keys else {}
    return Option(option_id, name, origin, deployment, provider, summary, facts, caveats)


def _pickle_option(option: Option):
    """An option's facts as parallel tuples (keys, values, sources) instead of a Fact object each,
    and their sources as one tuple when every fact cites the same (the option's or the tool's).

    A catalogue holds ten facts or more per option: pickling each as an object was most of
    the cost of writing the cache. Facts read from one file (`Facts`) share their origin and
    hold no federation claims; an option whose facts do not (a merged one) is pickled field
    by field.
    """
    facts = option.facts
    if type(facts) is Facts:
        values, sources, origin = facts._values, list(facts._sources), facts._origin
    else:
        values, sources = [], []
        origin = None
        for fact in facts.values():
            if fact.conflicts or fact.origins or (fact.origin != origin and origin is not None):
                return Option, (option.id, option.name, option.origin, option.deployment, option.provider, option.summary, facts, option.caveats)
            origin = fact.origin
            values.append(fact.value)
            sources.append(fact.sources)
    keys = tuple(facts)
    keys = _FACT_KEYS.setdefault(keys, keys)
    rebuild, cited = _facts_option, tuple(sources)
    if sources and sources.count(sources[0]) == len(sources):
        rebuild, cited = _facts_option_citing, sources[0]
    return rebuild, (
        option.id, option.name, option.origin, option.deployment, option.provider, option.summary,
        keys, tuple(values), cited, origin or "", option.caveats,
    )


copyreg.pickle(Option, _pickle_option)


@record(frozen=True)
class Conflict:
    """Sources disagree on one fact (or on an option's origin or deployment)."""

    tool: str
    option: str
    key: str
    # (value, sources stating it), the value shown first; at least two entries.
    claims: tuple[tuple[Any, tuple[str, ...]], ...]

    def __init__(self, tool: str, option: str, key: str, claims: tuple[tuple[Any, tuple[str, ...]], ...]) -> None:
        object.__setattr__(self, "tool", tool)
        object.__setattr__(self, "option", option)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "claims", claims)

    def as_dict(self) -> dict:
        """The conflict as plain data."""
        from catalog.export import plain_value

        return {
            "tool": self.tool,
            "option": self.option,
            "key": self.key,
            "claims": [{"value": plain_value(v), "sources": list(s)} for v, s in self.claims],
        }


@record(frozen=True)
class Duplicate:
    """Two tool ids that are probably the same tool, listed by different sources."""

    first: str
    first_sources: tuple[str, ...]
    second: str
    second_sources: tuple[str, ...]
    reason: str

    def __init__(
        self, first: str, first_sources: tuple[str, ...], second: str, second_sources: tuple[str, ...],
        reason: str,
    ) -> None:
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "first_sources", first_sources)
        object.__setattr__(self, "second", second)
        object.__setattr__(self, "second_sources", second_sources)
        object.__setattr__(self, "reason", reason)

    @property
    def suggestion(self) -> str:
        """How to merge them: give both entries the same id, so federation merges them."""
        return (
            f"if they are the same tool, rename `{self.second}.toml` to `{self.first}.toml` in "
            f"{', '.join(self.second_sources)} (or keep `{self.second}` and add `{self.first}`'s name "
            "as an alias if they differ)"
        )

    def as_dict(self) -> dict:
        """The duplicate as plain data."""
        return {
            "first": {"id": self.first, "sources": list(self.first_sources)},
            "second": {"id": self.second, "sources": list(self.second_sources)},
            "reason": self.reason,
            "suggestion": self.suggestion,
        }


@record(hidden=("listing",))
class SourceStatus:
    """One source as read in this run: where it is, what it held, what went wrong."""

    spec: SourceSpec
    directory: Path
    tools: int
    errors: int
    warnings: int
    commit: str
    pulled_at: str
    skipped: str  # why the source was not read at all, or ""
    cached: int  # entries reused from the parse cache without reading their file again
    rejected: str  # git: a fetched commit `pull` refused; the source stays at `commit`
    rejected_at: str
    rejected_problems: tuple[Problem, ...]  # why it was refused
    terms: tuple[str, ...]  # capability terms this source's vocabulary adds
    # The listing `locate` made (tool files, problems), for `read_source`, which drops it:
    # listing a large directory twice is slow, and 100,000 paths are not worth keeping.
    listing: tuple[Path, list[str], list[Problem]] | None

    def __init__(
        self, spec: SourceSpec, directory: Path, tools: int = 0, errors: int = 0, warnings: int = 0,
        commit: str = "", pulled_at: str = "", skipped: str = "", cached: int = 0, rejected: str = "",
        rejected_at: str = "", rejected_problems: tuple[Problem, ...] = (), terms: tuple[str, ...] = (),
        listing: tuple[Path, list[str], list[Problem]] | None = None,
    ) -> None:
        self.spec = spec
        self.directory = directory
        self.tools = tools
        self.errors = errors
        self.warnings = warnings
        self.commit = commit
        self.pulled_at = pulled_at
        self.skipped = skipped
        self.cached = cached
        self.rejected = rejected
        self.rejected_at = rejected_at
        self.rejected_problems = rejected_problems
        self.terms = terms
        self.listing = listing

    @property
    def held_back(self) -> bool:
        """Pull refused a newer commit of this source."""
        return bool(self.rejected)

    @property
    def trouble(self) -> str:
        """One line saying why this source is not read as its owner meant, or "" when it is."""
        if self.skipped:
            return f"`{self.spec.name}` skipped: {self.skipped}"
        parts = []
        if self.rejected:
            errors = sum(p.severity == "error" for p in self.rejected_problems)
            parts.append(f"`{self.spec.name}` held back at {self.commit[:10]}: newer commit {self.rejected[:10]} refused ({errors} error(s))")
        if self.errors:
            parts.append(f"`{self.spec.name}`: {self.errors} entry error(s), those entries skipped")
        return "; ".join(parts)

    def as_dict(self) -> dict:
        """The status as plain data."""
        from catalog.sources import describe

        return {
            **describe(self.spec),
            "directory": str(self.directory),
            "tools": self.tools,
            "errors": self.errors,
            "warnings": self.warnings,
            "commit": self.commit or None,
            "last_pull": self.pulled_at or None,
            "skipped": self.skipped or None,
            "held_back": self.held_back,
            "rejected": {
                "commit": self.rejected,
                "at": self.rejected_at or None,
                "problems": [p.as_dict() for p in self.rejected_problems],
            } if self.rejected else None,
            "terms": list(self.terms),
        }


@record
class FederationResult(LoadResult):
    """A merged catalogue, every problem, the conflicts between sources and each source's state."""

    conflicts: list[Conflict]  # a new [] when not given
    statuses: list[SourceStatus]  # a new [] when not given

    def __init__(
        self, catalog: Catalog, problems: list[Problem] | None = None, conflicts: list[Conflict] | None = None,
        statuses: list[SourceStatus] | None = None,
    ) -> None:
        self.catalog = catalog
        self.problems = [] if problems is None else problems
        self.conflicts = [] if conflicts is None else conflicts
        self.statuses = [] if statuses is None else statuses

    def duplicates(self) -> list[Duplicate]:
        """Likely duplicates across sources (computed on demand: it compares names)."""
        return find_duplicates(self.catalog)


# -- reading one source, with the parse cache ---------------------------------------------------
def _tool_files(directory: Path) -> list[Path]:
    """The loader's `tool_files`, listed with scandir and sorted as strings (same order, faster)."""
    base = directory / "tools" if (directory / "tools").is_dir() else directory
    try:
        names = sorted(e.name for e in os.scandir(base) if e.name.endswith(".toml") and e.name != _listing.VOCABULARY_FILE)
    except OSError:
        return tool_files(directory)
    return [base / name for name in names]


def _stat(path: Path) -> tuple[int, int, int] | None:
    """What a cached parse of `path` depends on; the mode too, so a file made unreadable is read again."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_mode)


def _stat_link(path: str) -> tuple[tuple[int, int, int] | None, bool]:
    """`_stat` of a tool file, and whether it is a symbolic link, in one system call for a plain file."""
    try:
        st = os.lstat(path)
        link = stat_module.S_ISLNK(st.st_mode)
        if link:
            st = os.stat(path)
    except OSError:
        return None, os.path.islink(path)
    return (st.st_mtime_ns, st.st_size, st.st_mode), link


_PARSING_CODE = ("loader", "fast", "model", "schema", "vocabulary", "countries", "licences", "assurance")


def _code_stamp() -> tuple:
    """The parsing code's own files: a change to them invalidates every cached entry. They are
    found beside this module, by name: a warm run does not import the parser to stat it."""
    from catalog import licences

    here = Path(__file__).parent
    return (CACHE_FORMAT, *(_stat(here / f"{name}.py") for name in _PARSING_CODE), *(_stat(p) for p in licences.inputs()))


def _source_key(spec: SourceSpec, directory: Path) -> str:
    """One cache per catalogue directory, however its path was spelt (`cats/x` or `/abs/cats/x`)."""
    return digest(f"{spec.kind}\0{spec.url}\0{directory.resolve()}".encode())


def _shard_count(files: int) -> int:
    """How many cache files a source of this many tool files is split into: a power of two
    near `files / SHARD_FILES`, from 1 to `SHARDS`. Each cache file costs an open and a read
    however little it holds (64 of them were a third of a warm load at 1,000 files), and each
    edit rewrites one whole file (so one file for 100,000 would cost an edit the whole cache)."""
    count = 1
    while count < SHARDS and count * SHARD_FILES < files:
        count *= 2
    return min(count, SHARDS)


def _shard_of(name: str, count: int) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % count


def _shard_file(cache: Path, key: str, count: int, shard: int) -> Path:
    return cache / "parsed" / f"{key}-{count:02d}-{shard:02d}.pickle"


_SPLIT_NAME = re.compile(r"([0-9a-f]{16})-([0-9]{2})-([0-9]{2})\.pickle")


def _other_splits(cache: Path, key: str, count: int) -> dict[int, list[Path]]:
    """The cache files of this source split another way (by count), from an earlier run when
    the source had more or fewer files."""
    found: dict[int, list[Path]] = {}
    try:
        names = os.listdir(cache / "parsed")
    except OSError:
        return found
    for name in names:
        match = _SPLIT_NAME.fullmatch(name)
        if match and match[1] == key and int(match[2]) != count:
            found.setdefault(int(match[2]), []).append(cache / "parsed" / name)
    return found


def _earlier_entries(splits: dict[int, list[Path]], stamp: tuple, label: str, root: str) -> _Entries | None:
    """Every entry of the most recently written other split, as one `_Entries` (found by name):
    a source that crosses a split size keeps its parsed files instead of parsing them all again."""
    def written(paths: list[Path]) -> float:
        try:
            return max(p.stat().st_mtime for p in paths)
        except OSError:
            return 0.0

    if not splits:
        return None
    paths = max(splits.values(), key=written)
    names: list[str] = []
    stats, digests, problems, tools = bytearray(), bytearray(), {}, []
    for path in sorted(paths):
        held = _read_shard(path, stamp, label, root)
        part = _Entries.of(held[0]) if held else None
        if part is None or not part.tools:
            continue
        offset = len(tools)
        names.append(part.names)
        stats += part.stats.tobytes()
        digests += part.digests
        problems.update((offset + i, found) for i, found in part.problems.items())
        tools += part.tools
    if not tools:
        return None
    return _Entries(_NAME_SEP.join(names), bytes(stats), bytes(digests), problems, tools)


def _content_digest(text: str) -> bytes:
    return _bytes_digest(text.encode("utf-8", "surrogatepass"))


_blake2b: Any = None  # found when a file is first read: a warm run never needs it


def _bytes_digest(data: bytes) -> bytes:
    """The digest of a file's bytes (of its text once decoded: the same bytes)."""
    global _blake2b
    if _blake2b is None:
        try:  # hashlib's own BLAKE2 module: `import hashlib` loads OpenSSL too (~3.5 MB held, ~2 ms)
            from _blake2 import blake2b
        except ImportError:
            from hashlib import blake2b
        _blake2b = blake2b
    return _blake2b(data, digest_size=_DIGEST).digest()


# Opening with O_NOFOLLOW reads a tool file that is not a symbolic link in one open, its stat
# taken from the open file (the cache key, as `_stat_link` gives it for a plain file); a link
# fails to open and goes the careful way (where does it lead?). Without O_NOFOLLOW, always so.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_PLAIN_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _open_plain(full: str) -> int:
    return os.open(full, _PLAIN_FLAGS)


def _read_upto(fd: int, count: int, regular: bool) -> bytes:
    """Up to `count` bytes: fewer only at the end of the file (one read for a plain file)."""
    data = os.read(fd, count)
    if regular or len(data) == count or not data:
        return data
    parts = [data]
    while count > len(data):
        more = os.read(fd, count - len(data))
        if not more:
            break
        parts.append(more)
        data = b"".join(parts)
    return data


def _read_plain(full: str, limit: int) -> tuple[tuple[int, int, int] | None, bytes | None, list[Problem]] | None:
    """A tool file that is not a symbolic link: (its stat, its bytes up to `limit` + 1, no problem),
    or (None, None, [why it cannot be read]); None for a symbolic link (the caller checks where it
    leads). Read as `read_text` reads: sized by the file, on past its size up to the limit."""
    try:
        fd = _open_plain(full)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            return None
        return None, None, [unreadable(full, exc)]
    try:
        st = os.fstat(fd)
        regular = stat_module.S_ISREG(st.st_mode)
        want = min(st.st_size, limit) + 1
        data = _read_upto(fd, want, regular)
        if len(data) == want:
            data += _read_upto(fd, limit + 1 - len(data), False)
    except OSError as exc:
        return None, None, [unreadable(full, exc)]
    finally:
        os.close(fd)
    return (st.st_mtime_ns, st.st_size, st.st_mode), data, []


class _Relabelling(pickle.Unpickler):
    """Reads entries cached under another label or spelling of the same directory.

    Only the label (`origin`, `origins`) and the file paths differ: they are rewritten while
    the records are rebuilt, so the same directory named two ways shares one cache.
    """

    def __init__(self, handle, old_label: str, label: str, old_root: str, root: str):
        super().__init__(handle)
        self.labels = {old_label: label}
        self.old_root, self.root = old_root, root

    def label(self, value: str) -> str:
        return self.labels.get(value, value)

    def path(self, value: str) -> str:
        if value == self.old_root or value.startswith(self.old_root + os.sep):
            return self.root + value[len(self.old_root):]
        return value

    def find_class(self, module: str, name: str):
        found = super().find_class(module, name)
        if found is Tool:
            return self._tool
        if found is Fact:
            return self._fact
        if found is Problem:
            return self._problem
        if found is _facts_option:
            return self._facts_option
        if found is _facts_option_citing:
            return self._facts_option_citing
        return found

    def _facts_option(self, *args):
        *fields, fact_origin, caveats = args
        return _facts_option(*fields, self.label(fact_origin), caveats)

    def _facts_option_citing(self, *args):
        *fields, fact_origin, caveats = args
        return _facts_option_citing(*fields, self.label(fact_origin), caveats)

    def _tool(self, *args):
        tool = Tool(*args)
        return replace(
            tool, path=self.path(tool.path), origin=self.label(tool.origin),
            origins=tuple(self.label(o) for o in tool.origins),
        )

    def _fact(self, *args):
        fact = Fact(*args)
        return Fact(
            fact.value, fact.sources, self.label(fact.origin),
            tuple((v, self.label(o)) for v, o in fact.conflicts), tuple(self.label(o) for o in fact.origins),
        )

    def _problem(self, *args):
        problem = Problem(*args)
        return replace(problem, file=self.path(problem.file))


def _read_shard(path: Path, stamp: tuple, label: str, root: str) -> tuple[Any, bool] | None:
    """What one shard holds, and whether it was cached under another label or spelling of the
    directory (rewritten then, for the next run); None when the shard is missing, stale,
    corrupt, truncated or not this program's: such a cache is ignored (and rewritten), never
    trusted. The caller checks the shape of what it holds (`_Entries.of`)."""
    try:
        with open(path, "rb") as handle:
            header = pickle.load(handle)
            if not (isinstance(header, dict) and header.get("format") == CACHE_FORMAT and header.get("stamp") == stamp):
                return None
            old_label, old_root = header.get("label"), header.get("root")
            if not (isinstance(old_label, str) and isinstance(old_root, str)):
                return None
            if (old_label, old_root) == (label, root):
                held = pickle.load(handle)
            else:
                held = _Relabelling(handle, old_label, label, old_root, root).load()
    except Exception:  # noqa: BLE001 - unpickling a damaged file can raise almost anything
        return None
    return held, (old_label, old_root) != (label, root)


_NAME_SEP = "\0"  # no file name holds it
_DIGEST = 16  # bytes of a content digest (`_content_digest`)
_NO_DIGEST = bytes(_DIGEST)  # the file could not be read
_NO_STAT = (-1, -1, -1)  # the file could not be stat-ed: equal to no stat of a file


class _Entries:
    """The cached entries of one shard, held by column rather than as objects per file.

    A shard holds, for its files in name order: the names joined by NUL; the stat of each as
    three 64-bit integers (modification time, size, mode); the digest of each text; the
    problems of the files that have any (by position); and each file's tool (or None). A warm
    load then makes no object per file beyond its tool: a record per file, made by the
    hundred thousand and dropped after the load, left the memory the tools live in full of
    holes (at 10,000 tools, 7.5 MB among 35 MB of records).
    """

    __slots__ = ("names", "stats", "digests", "problems", "tools", "index")

    def __init__(self, names: str, stats: bytes, digests: bytes, problems: dict, tools: list):
        self.names, self.digests, self.problems, self.tools = names, digests, problems, tools
        self.stats = memoryview(stats).cast("q")
        self.index: dict[str, int] | None = None  # position by name, when the listing changed

    @classmethod
    def of(cls, held: Any) -> _Entries | None:
        """The entries a shard held, when they have the expected shape."""
        if type(held) is not tuple or len(held) != 5:
            return None
        names, stats, digests, problems, tools = held
        if not (type(names) is str and type(stats) is bytes and type(digests) is bytes and type(problems) is dict and type(tools) is list):
            return None
        count = len(tools)
        if (names.count(_NAME_SEP) + 1 if names else 0) != count or len(stats) != 24 * count or len(digests) != _DIGEST * count:
            return None
        return cls(names, stats, digests, problems, tools)

    def align(self, names: list[str]) -> bool:
        """Whether the shard holds exactly these names in this order (else positions go by name)."""
        if self.names == _NAME_SEP.join(names):
            return True
        if self.index is None:  # built once: an earlier split's entries serve every new shard
            self.index = {name: i for i, name in enumerate(self.names.split(_NAME_SEP))} if self.names else {}
        return False

    def stat_equals(self, i: int, stat: tuple[int, int, int] | None) -> bool:
        k = 3 * i
        found = self.stats
        return stat is not None and found[k] == stat[0] and found[k + 1] == stat[1] and found[k + 2] == stat[2]

    def entry(self, i: int) -> tuple[Any, Any]:
        """(tool, problems) of position i; (_NOTHING, None) when they are not of the expected types."""
        tool, found = self.tools[i], self.problems.get(i, ())
        if tool is not None and type(tool) is not Tool:
            return _NOTHING, None
        if found and not (type(found) is list and all(type(p) is Problem for p in found)):
            return _NOTHING, None
        return tool, found

    def digest(self, i: int) -> bytes:
        return self.digests[_DIGEST * i: _DIGEST * (i + 1)]


_NOTHING = object()


class _Fresh:
    """This run's entries of one shard, built by column as the files are read: for each file the
    position of its entry in the cache (`where` >= 0), or -1 - k for the k-th entry read anew
    (its stat, digest, problems and tool in the columns). Nothing is made per file that
    outlives it: a record per file, kept to the end of the load, left holes among the tools."""

    __slots__ = ("where", "stats", "digests", "problems", "tools")

    def __init__(self):
        from array import array

        self.where, self.stats, self.digests, self.problems, self.tools = array("q"), array("q"), bytearray(), {}, []

    def cached(self, at: int) -> None:
        self.where.append(at)

    def read(self, stat: tuple[int, int, int] | None, digest: bytes, found: list, tool: Tool | None) -> None:
        new = len(self.tools)
        self.where.append(-1 - new)
        try:
            self.stats.extend(stat or _NO_STAT)
        except OverflowError:  # beyond 64 bits: never equal to what a later run stats
            del self.stats[3 * new:]
            self.stats.extend(_NO_STAT)
        self.digests += digest or _NO_DIGEST
        if found:
            self.problems[new] = found
        self.tools.append(tool)


def _shard_payload(names: list[str], fresh: _Fresh | None, old: _Entries | None) -> tuple:
    """What a shard stores for this run's files (`names`, in order): each entry from the cache
    (`old`) or read in this run (`fresh`)."""
    from array import array

    if fresh is None:
        return "", b"", b"", {}, []
    if all(i < 0 for i in fresh.where):  # every file read anew, in order
        return _NAME_SEP.join(names), fresh.stats.tobytes(), bytes(fresh.digests), fresh.problems, fresh.tools
    stats, digests, problems, tools = array("q"), bytearray(), {}, []
    for position, i in enumerate(fresh.where):
        if i >= 0:
            stats.extend(old.stats[3 * i: 3 * i + 3])
            digests += old.digest(i)
            tool, found = old.tools[i], old.problems.get(i)
        else:
            k = -1 - i
            stats.extend(fresh.stats[3 * k: 3 * k + 3])
            digests += fresh.digests[_DIGEST * k: _DIGEST * (k + 1)]
            tool, found = fresh.tools[k], fresh.problems.get(k)
        if found:
            problems[position] = found
        tools.append(tool)
    return _NAME_SEP.join(names), stats.tobytes(), bytes(digests), problems, tools


def _write_shard(path: Path, header: dict, held: Any) -> None:
    """Write atomically; a cache that cannot be written is only slower next time."""
    try:
        dump = pickle.dumps
        data = dump(header, protocol=5) + dump(held, protocol=5)
        write_atomic_bytes(path, data, overwrite=True, durable=False)
    except (OSError, pickle.PicklingError, RecursionError):
        pass


_SHARD_NAME = re.compile(rf"{_SPLIT_NAME.pattern}|vocabulary-[0-9a-f]{{16}}\.pickle")


def _drop_legacy(cache: Path) -> None:
    """Remove parse caches of the earlier layout (one pickle per source and one per merged
    catalogue, hundreds of MB at 100k tools): nothing reads them any more."""
    try:
        entries = [e for e in os.scandir(cache / "parsed") if e.name.endswith(".pickle") and not _SHARD_NAME.fullmatch(e.name)]
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        except OSError:
            continue


def clear_cache(cache: Path | None = None) -> tuple[int, int]:
    """Remove every parsed-catalogue file from the cache: (files removed, bytes freed).

    Pulled git sources are kept (they hold the last accepted commit); only what parsing
    rebuilds is removed.
    """
    parsed = (cache or cache_dir()) / "parsed"
    removed = freed = 0
    try:
        entries = list(os.scandir(parsed))
    except OSError:
        return 0, 0
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False):
                size = entry.stat(follow_symlinks=False).st_size
                os.unlink(entry.path)
                removed, freed = removed + 1, freed + size
        except OSError:
            continue
    return removed, freed


def locate(spec: SourceSpec, cache: Path | None = None) -> SourceStatus:
    """A source's status before reading it: its directory, commit, refused commit, or why it is skipped."""
    cache = cache or cache_dir()
    directory = catalogue_dir(spec, cache)
    status = SourceStatus(spec, directory)
    if spec.kind == "git":
        state = read_state(spec, cache)
        if state is None:
            status.skipped = "not pulled yet: run `sbb catalog pull`"
            return status
        status.commit, status.pulled_at = state.commit, state.pulled_at
        status.rejected, status.rejected_at, status.rejected_problems = state.rejected, state.rejected_at, state.problems
        if not state.commit:
            errors = sum(p.severity == "error" for p in state.problems)
            status.skipped = (
                f"no good commit yet: {state.rejected[:10]} was refused ({errors} error(s); "
                "`sbb catalog sources` lists them)"
            )
            return status
    if not directory.is_dir():
        status.skipped = "not a catalogue directory" if spec.kind != "git" else f"no directory `{spec.path}` in the repository"
    elif (spec.kind == "git" and not inside(directory, checkout_dir(spec, cache))) or _listing.escapes(directory / "tools", directory):
        # A pulled repository is another agency's: nothing in it may lead out of its checkout.
        status.skipped = "its catalogue directory is a symbolic link out of the repository: not read"
    else:
        status.listing = _listing.list_tool_names(directory)
        unlisted = [p for p in status.listing[2] if p.severity == "error"]
        if unlisted:  # an unreadable tools/ is not an empty source
            status.skipped = unlisted[0].message
    return status


def federate_vocabulary(parts: list[tuple[str, Path]]) -> tuple[Vocabulary, list[Problem]]:
    """The bundled vocabulary extended by each source's `capabilities.toml`, with provenance.

    `parts` are (source name, catalogue directory), highest precedence first. A term keeps
    the first definition read (the bundled one, then by precedence) and records every source
    that defines it; a source defining a known term differently gets a warning naming both.
    """
    vocabulary, problems = read_vocabulary(BUNDLED_VOCABULARY)
    origins = {term: (BUNDLED_NAME,) for term in vocabulary.capabilities}
    terms = dict(vocabulary.capabilities)
    for label, directory in parts:
        path = directory / _listing.VOCABULARY_FILE
        if _listing.escapes(path, directory):
            problems.append(_listing.outside_problem(path))
            continue
        if not path.is_file() or path.resolve() == BUNDLED_VOCABULARY.resolve():
            continue
        more, found = read_vocabulary(path)
        problems += found
        for term in more:
            known = terms.get(term.id)
            if known is None:
                terms[term.id] = term
                origins[term.id] = (label,)
                continue
            if label not in origins[term.id]:
                origins[term.id] += (label,)
            different = [
                name for name in ("label", "area", "goals")
                if _norm(getattr(known, name)) != _norm(getattr(term, name))
            ]
            if different:
                problems.append(Problem(
                    str(path), 0, f"capability `{term.id}`",
                    f"defined differently ({', '.join(different)}) by {', '.join(o for o in origins[term.id] if o != label)}; "
                    "that definition is used",
                    "warning",
                ))
    return Vocabulary(list(terms.values()), origins), problems


def vocabulary_disagreements(parts: list[tuple[str, Path]]) -> list[dict]:
    """Capability terms that sources (and the bundled vocabulary) define differently.

    Each: `{"term", "definitions": [{"source", "label", "area", "goals"}]}`, in precedence
    order after the bundled definition; the first definition is the one used.
    """
    defined: dict[str, list[tuple[str, Any]]] = {}
    bundled, _ = read_vocabulary(BUNDLED_VOCABULARY)
    for term in bundled:
        defined[term.id] = [(BUNDLED_NAME, term)]
    for label, directory in parts:
        path = directory / _listing.VOCABULARY_FILE
        if _listing.escapes(path, directory) or not path.is_file() or path.resolve() == BUNDLED_VOCABULARY.resolve():
            continue
        more, _ = read_vocabulary(path)
        for term in more:
            defined.setdefault(term.id, []).append((label, term))
    out = []
    for term_id, definitions in defined.items():
        shapes = {(_norm(t.label), _norm(t.area), _norm(t.goals)) for _, t in definitions}
        if len(shapes) > 1:
            out.append({
                "term": term_id,
                "definitions": [
                    {"source": source, "label": t.label, "area": t.area, "goals": list(t.goals)} for source, t in definitions
                ],
            })
    return out


def _vocabulary_key(parts: list[tuple[str, Path]]) -> tuple:
    """What a federated vocabulary depends on: every vocabulary file by place and stat, in
    precedence order (not the sources' labels: they do not change what an entry means)."""
    return (_stat(BUNDLED_VOCABULARY), *((str(d.resolve()), _stat(d / _listing.VOCABULARY_FILE)) for _label, d in parts))


def _vocabulary_stamp(parts: list[tuple[str, Path]], key: tuple) -> tuple:
    """What a cached federated vocabulary depends on: `key` (every vocabulary file by place and
    stat), the sources' labels and spellings (the origins and problems name them), whether each
    file is a link and where it leads (a link out of its catalogue is refused), the limits in
    force and the code that reads vocabularies."""
    from catalog.limits import current

    files = []
    for label, directory in parts:
        path = directory / _listing.VOCABULARY_FILE
        try:
            link = os.lstat(path)
            leads = (link.st_mode, link.st_mtime_ns, str(path.resolve()) if stat_module.S_ISLNK(link.st_mode) else "")
        except OSError:
            leads = None
        files.append((label, str(directory), leads))
    return (_code_stamp(), key, str(BUNDLED_VOCABULARY), tuple(files), current())


def _cached_vocabulary(
    parts: list[tuple[str, Path]], key: tuple, cache: Path, use_cache: bool
) -> tuple[Vocabulary, list[Problem]]:
    """`federate_vocabulary(parts)`, kept in the parse cache beside the sources' entries so a
    run on unchanged vocabulary files does not parse them again. A cache file that is missing,
    stale, corrupt, truncated or not this program's is ignored and rewritten. One file per set of
    catalogue directories however spelt, rewritten under the spelling last used."""
    if not use_cache:
        return federate_vocabulary(parts)
    stamp = _vocabulary_stamp(parts, key)
    path = cache / "parsed" / f"vocabulary-{digest(repr([str(d.resolve()) for _label, d in parts]).encode())}.pickle"
    try:
        with open(path, "rb") as handle:
            header = pickle.load(handle)
            if isinstance(header, dict) and header.get("format") == CACHE_FORMAT and header.get("stamp") == stamp:
                found = pickle.load(handle)
                if _usable_vocabulary(found):
                    return found[0], list(found[1])
    except Exception:  # noqa: BLE001 - unpickling a damaged file can raise almost anything
        pass
    vocabulary, problems = federate_vocabulary(parts)
    try:
        data = pickle.dumps({"format": CACHE_FORMAT, "stamp": stamp}, protocol=5) + pickle.dumps(
            (vocabulary, problems), protocol=5
        )
        write_atomic_bytes(path, data, overwrite=True, durable=False)
    except (OSError, pickle.PicklingError, RecursionError):
        pass  # a cache that cannot be written is only slower next time
    return vocabulary, problems


def _usable_vocabulary(found: Any) -> bool:
    """A cached vocabulary of the expected shape: (Vocabulary, [Problem, ...])."""
    from catalog.vocabulary import Capability

    if not (type(found) is tuple and len(found) == 2 and type(found[0]) is Vocabulary and type(found[1]) is list):
        return False
    vocabulary, problems = found
    state = getattr(vocabulary, "__dict__", {})
    return (
        all(isinstance(state.get(name), kind) for name, kind in (
            ("capabilities", dict), ("origins", dict), ("_names", dict), ("_choices", list)))
        and all(type(c) is Capability for c in vocabulary.capabilities.values())
        and all(type(p) is Problem for p in problems)
    )


def read_source(
    spec: SourceSpec, cache: Path | None = None, use_cache: bool = True,
    vocabulary: Vocabulary | None = None, vocabulary_key: tuple = (), located: SourceStatus | None = None,
) -> tuple[dict[str, Tool], Vocabulary, list[Problem], SourceStatus]:
    """Read one source's tools (ids unique within it), its vocabulary, problems and status.

    Entries are checked against `vocabulary` (the run's federated one) when given, else
    against the bundled vocabulary and the source's own. `located` is the source's status
    from `locate` when the caller has it already (listing a large directory twice is slow).
    """
    cache = cache or cache_dir()
    status = located or locate(spec, cache)
    if status.skipped:
        return {}, Vocabulary([]), [], status
    directory = status.directory
    problems: list[Problem] = []
    if vocabulary is None:
        parts = [(spec.name, directory)]
        vocabulary, problems = federate_vocabulary(parts)
        vocabulary_key = _vocabulary_key(parts)
    status.terms = tuple(t for t, o in vocabulary.origins.items() if spec.name in o and BUNDLED_NAME not in o)
    base, files, listed = status.listing or _listing.list_tool_names(directory)
    status.listing = None
    problems = problems + listed
    if not files:
        problems.append(Problem(str(directory), 0, "", "no tool files (*.toml) found", "warning"))
    stamp = (_code_stamp(), vocabulary_key, status.commit)
    key = _source_key(spec, directory)
    root = str(directory)
    count = _shard_count(len(files))
    groups: list[list[str]] = [[] for _ in range(count)]  # each shard's file names, in name order
    placed = [_shard_of(name, count) for name in files]
    for name, shard in zip(files, placed):
        groups[shard].append(name)
    shards: dict[int, _Entries | None] = {}  # shard -> what the cache held for it (read when first needed)
    aligned: dict[int, bool] = {}  # shard -> whether it held exactly this run's names, in order
    fresh: dict[int, _Fresh] = {}  # shard -> this run's entry of each of its files
    changed: set[int] = set()
    tools: dict[str, Tool] = {}
    folder = os.fspath(base)
    join = os.path.join
    cached_count = 0
    splits: dict[int, list[Path]] | None = None  # this source's cache files of other splits, once looked for
    earlier: _Entries | None = None
    with _LazyBuilding(vocabulary, spec.name) as builder:
        for name, shard in zip(files, placed):
            entries = fresh.get(shard)
            if entries is None:
                held = _read_shard(_shard_file(cache, key, count, shard), stamp, spec.name, root) if use_cache else None
                old = _Entries.of(held[0]) if held else None
                if old is None and use_cache:  # not cached this way: perhaps split another way
                    if splits is None:
                        splits = _other_splits(cache, key, count)
                        earlier = _earlier_entries(splits, stamp, spec.name, root)
                    old = earlier
                shards[shard] = old
                aligned[shard] = old is not None and old.align(groups[shard])
                if old is None or not held or held[1] or not aligned[shard]:
                    changed.add(shard)  # not cached, relabelled, or a file was added, removed or renamed
                entries = fresh[shard] = _Fresh()
            old = shards[shard]
            position = len(entries.where)
            at = None if old is None else position if aligned[shard] else old.index.get(name)
            full = join(folder, name)
            stat = link = None
            if at is not None:
                cached, cached_found = old.entry(at)
                if cached is _NOTHING:
                    at = None
                    changed.add(shard)
                else:
                    stat, link = _stat_link(full)
            if at is not None and old.stat_equals(at, stat):
                tool, found = cached, cached_found
                cached_count += 1
                entries.cached(at)
            else:
                plain = _read_plain(full, builder.limits.file_bytes) if _NOFOLLOW and not link else None
                if plain is not None:
                    stat, data, found = plain[0] or stat, plain[1], plain[2]
                    text = None
                    if data is not None:
                        text, problem = decode_text(full, data, builder.limits.file_bytes)
                        if problem is not None:
                            found = [problem]
                    content = _bytes_digest(data) if text is not None else b""
                else:  # a symbolic link (or no O_NOFOLLOW here)
                    if stat is None:
                        stat, link = _stat_link(full)
                    text, found = _read_file(base / name, directory, builder.limits.file_bytes, link)
                    content = _content_digest(text) if text is not None else b""
                if at is not None and content and content == old.digest(at):
                    tool, found = cached, cached_found  # touched, not changed: read again, not parsed again
                elif text is not None:
                    tool, found = _parse_tool(full, name, text, vocabulary, builder)
                else:
                    tool = None  # unreadable: reported, never served from the cache
                entries.read(stat, content, found, tool)
                changed.add(shard)
            if found:
                problems += found
            if tool is None:
                continue
            tool_id = tool.id
            if tool_id in tools:
                problems.append(duplicate_tool(base / name, tool_id, tools[tool_id].path))
                continue
            tools[tool_id] = tool
    status.cached += cached_count
    if use_cache:
        header = {"format": CACHE_FORMAT, "stamp": stamp, "label": spec.name, "root": root}
        for shard in range(count):
            if shard in changed:
                _write_shard(_shard_file(cache, key, count, shard), header, _shard_payload(groups[shard], fresh[shard], shards[shard]))
            elif shard not in fresh and _shard_file(cache, key, count, shard).exists():
                _write_shard(_shard_file(cache, key, count, shard), header, _shard_payload([], None, None))
        for path in (p for paths in (splits or {}).values() for p in paths):
            try:  # the other split's entries now live in this one
                os.unlink(path)
            except OSError:
                continue
    del shards, fresh, earlier
    status.tools = len(tools)
    status.errors = sum(p.severity == "error" for p in problems)
    status.warnings = len(problems) - status.errors
    return tools, vocabulary, problems, status


class _LazyBuilding:
    """`catalog.loader.building(vocabulary, origin)`, entered the first time its builder is used
    (a file to parse): a run that finds every file in the cache never imports the loader."""

    def __init__(self, vocabulary: Vocabulary, origin: str) -> None:
        self._vocabulary, self._origin = vocabulary, origin
        self._context: Any = None
        self._builder: Any = None

    def __enter__(self) -> _LazyBuilding:
        return self

    def __getattr__(self, name: str) -> Any:  # the builder's: `limits`, `origin`, `build_file`, ...
        if self._context is None:
            from catalog.loader import building

            self._context = building(self._vocabulary, self._origin)
            self._builder = self._context.__enter__()
        value = getattr(self._builder, name)
        setattr(self, name, value)  # read once: what a load reads of its builder does not change
        return value

    def __exit__(self, *exc: Any) -> Any:
        return None if self._context is None else self._context.__exit__(*exc)


def _parse_tool(full: str, name: str, text: str, vocabulary: Vocabulary, builder) -> tuple[Tool | None, list[Problem]]:
    """`read_tool_text` of the tool file `name` at `full`: a valid one is built without a path
    object; any other goes the full walk as there."""
    data, problem = load_toml(text, full)
    if problem is not None:
        return None, [problem]
    tool = builder.build_file(full, name[:-5], data)  # tool files are listed by their `.toml`
    if tool is not None:
        return tool, []
    from catalog.loader import read_tool_data

    return read_tool_data(Path(full), text, data, vocabulary, builder.origin)


def _read_file(path: Path, root: Path, limit: int | None = None, link: bool | None = None) -> tuple[str | None, list[Problem]]:
    """A tool file's text, or None with the problem saying why it cannot be read.

    `link`: whether `path` is a symbolic link, when the caller knows (one system call less).
    """
    if (_listing.escapes(path, root) if link is None else link and not inside(path, root)):
        return None, [_listing.outside_problem(path)]
    text, problem = read_text(path, limit=limit)
    return (None, [problem]) if problem is not None else (text, [])


def _demote(problem: Problem, source: str) -> Problem:
    """An error in a configured source becomes a warning: that entry is skipped, the run goes on."""
    if problem.severity != "error":
        return problem
    return replace(problem, severity="warning", message=f"{problem.message} (source `{source}`: entry skipped)")


# -- the federation -----------------------------------------------------------------------------
def load_sources(config: SourceConfig, cache: Path | None = None, use_cache: bool = True) -> FederationResult:
    """Read every source of a run and merge them, highest precedence first.

    A source that cannot be read is reported and skipped. Errors inside a configured source
    skip that entry with a warning, so another agency's broken file never stops a run;
    sources named on the command line (`--catalog`) keep their errors, as a check would.

    Each source is read through its parse cache: only files changed since the last run are
    parsed and validated; the merge that follows never validates anything again.
    """
    cache = cache or cache_dir()
    # A bad config entry is skipped, as a source that cannot be read: the run goes on.
    config_problems = [replace(p, severity="warning") for p in config.problems]
    enabled = gc.isenabled()
    gc.disable()  # bulk building of many small objects: the collector is most of the cost
    try:
        if use_cache:
            _drop_legacy(cache)
        catalog, conflicts, problems, statuses = _load_and_merge(config, cache, use_cache)
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    if len(catalog) >= TRIM_AFTER:
        release_free_memory()
    return FederationResult(catalog, sorted(config_problems + problems), conflicts, statuses)


TRIM_AFTER = 20_000  # tools: a load this large leaves megabytes of freed C heap behind


def release_free_memory() -> bool:
    """Give the C library's free heap memory back to the system (glibc's `malloc_trim`); whether it could.

    Reading a large catalogue frees megabytes of buffers and tables (the cache files read, the
    listing, the per-source tables) between the records it keeps; glibc keeps such memory
    mapped until asked. At 100,000 tools this is ~9 MB of the process's memory.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim  # absent from other C libraries (musl)
    except (ImportError, OSError, AttributeError):
        return False
    trim(0)
    return True


def _load_and_merge(config: SourceConfig, cache: Path, use_cache: bool):
    problems: list[Problem] = []
    per_source: list[tuple[str, dict[str, Tool]]] = []
    located = [locate(spec, cache) for spec in config.sources]
    parts = [(status.spec.name, status.directory) for status in located if not status.skipped]
    key = _vocabulary_key(parts)
    vocabulary, vocabulary_problems = _cached_vocabulary(parts, key, cache, use_cache)
    problems += [p if p.severity == "warning" else _demote(p, "vocabulary") for p in vocabulary_problems]
    statuses: list[SourceStatus] = []
    for spec, status in zip(config.sources, located):
        if status.skipped:
            statuses.append(status)
            severity = "error" if spec.explicit else "warning"
            problems.append(Problem(spec.location, 0, "", f"source `{spec.name}` skipped: {status.skipped}", severity))
            continue
        tools, _vocab, found, status = read_source(spec, cache, use_cache, vocabulary, key, status)
        statuses.append(status)
        problems += found if spec.explicit else [_demote(p, spec.name) for p in found]
        per_source.append((spec.name, tools))
    catalog, conflicts = merge(per_source, vocabulary)
    return catalog, conflicts, problems, statuses


def merge(per_source: list[tuple[str, dict[str, Tool]]], vocabulary: Vocabulary) -> tuple[Catalog, list[Conflict]]:
    """One catalogue from several, given highest precedence first; with every conflict found."""
    conflicts: list[Conflict] = []
    labels = tuple(label for label, _ in per_source)
    if len(per_source) == 1:  # nothing to merge: the tools in id order
        tools = per_source[0][1]
        return Catalog({tool_id: tools[tool_id] for tool_id in sorted(tools)}, vocabulary, labels), conflicts
    by_id: dict[str, list[Tool]] = {}
    for _label, tools in per_source:
        for tool_id, tool in tools.items():
            by_id.setdefault(tool_id, []).append(tool)
    merged: dict[str, Tool] = {}
    for tool_id in sorted(by_id):
        versions = by_id[tool_id]
        merged[tool_id] = versions[0] if len(versions) == 1 else merge_tool(versions, conflicts)
    return Catalog(merged, vocabulary, labels), conflicts


def merge_tool(versions: list[Tool], conflicts: list[Conflict]) -> Tool:
    """One tool from its entries in several sources, highest precedence first."""
    first = versions[0]
    sources: list[Source] = list(first.sources)
    remapped = [first]
    for other in versions[1:]:
        mapping = _source_mapping(sources, other)
        remapped.append(_remap(other, mapping))
    options: dict[str, list[Option]] = {}
    labels: dict[str, list[str]] = {}
    for tool in remapped:
        for option in tool.options:
            options.setdefault(option.id, []).append(option)
            labels.setdefault(option.id, []).append(tool.origin)
    merged_options = tuple(merge_option(first.id, opts, conflicts, labels[oid]) for oid, opts in options.items())
    names = [t.name for t in versions[1:] if t.name.casefold() != first.name.casefold()]
    # What a tool is called and what it does are claims like any fact: the highest-precedence
    # source's stand, and a source that renames or widens a tool defined elsewhere is a conflict.
    stated = []
    for key in TOOL_CLAIMS:
        claims = _claims([(getattr(t, key), t.origin) for t in versions])
        stated.append((key, claims))
        if len(claims) > 1:
            conflicts.append(Conflict(first.id, "", key, claims))
    return replace(
        first,
        claims=tuple(stated),
        options=merged_options,
        aliases=_union([first.aliases, *(t.aliases for t in versions[1:]), names]),
        capabilities=first.capabilities,
        repository=first.repository or next((t.repository for t in versions if t.repository), ""),
        sources=tuple(sources),
        origins=tuple(dict.fromkeys(o for t in versions for o in (t.origins or (t.origin,)) if o)),
    )


def _claims(stated: list[tuple[Any, str]]) -> tuple[tuple[Any, tuple[str, ...]], ...]:
    """(value, sources) for each distinct value stated, the first source's value first."""
    groups: dict[Any, tuple[Any, list[str]]] = {}
    for value, origin in stated:
        group = groups.setdefault(_norm(value), (value, []))
        if origin not in group[1]:
            group[1].append(origin)
    return tuple((value, tuple(origins)) for value, origins in groups.values())


def _union(groups) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item.casefold() if isinstance(item, str) else item, item)
    return tuple(seen.values())


def _source_mapping(sources: list[Source], other: Tool) -> dict[Source, Source]:
    """Each citation source of `other` as it will appear in the merged tool (ids kept unique).

    `sources` is extended in place with the ones the merged tool did not have.
    """
    mapping: dict[Source, Source] = {}
    by_url = {s.url: s for s in sources}
    ids = {s.id for s in sources}
    suffix = re.sub(r"[^a-z0-9]+", "-", other.origin.casefold()).strip("-") or "other"
    for source in other.sources:
        if source.url in by_url:
            mapping[source] = by_url[source.url]
            continue
        new_id, n = source.id, 1
        while new_id in ids:
            n += 1
            new_id = f"{source.id}-{suffix}" if n == 2 else f"{source.id}-{suffix}-{n}"
        renamed = source if new_id == source.id else replace(source, id=new_id)
        mapping[source] = renamed
        sources.append(renamed)
        by_url[renamed.url] = renamed
        ids.add(new_id)
    return mapping


def _remap(tool: Tool, mapping: dict[Source, Source]) -> Tool:
    if all(k == v for k, v in mapping.items()):
        return tool  # equal sources: facts may keep citing their own (equal) objects

    def fix(sources: tuple[Source, ...]) -> tuple[Source, ...]:
        return tuple(mapping.get(s, s) for s in sources)

    options = tuple(
        replace(
            option,
            facts={k: replace(f, sources=fix(f.sources)) for k, f in option.facts.items()},
            caveats=tuple(replace(c, source=mapping.get(c.source, c.source)) if c.source else c for c in option.caveats),
        )
        for option in tool.options
    )
    return replace(tool, options=options, sources=fix(tool.sources))


def _norm(value: Any) -> Any:
    """A value in the form two sources' claims are compared in (lists as sets, text casefolded)."""
    if isinstance(value, (tuple, list)):
        return frozenset(_norm(v) for v in value)
    if isinstance(value, str):
        return " ".join(value.casefold().split())
    return value


def merge_option(tool_id: str, versions: list[Option], conflicts: list[Conflict], labels: list[str] | None = None) -> Option:
    """One option from its entries in several sources (`labels`), highest precedence first."""
    first = versions[0]
    if len(versions) == 1:
        return first
    labels = labels or [_option_origin(o) for o in versions]
    for attribute in ("origin", "deployment"):
        claims = _claims([(getattr(option, attribute), origin) for option, origin in zip(versions, labels)])
        if len(claims) > 1:
            conflicts.append(Conflict(tool_id, first.id, attribute, claims))
    facts: dict[str, Fact] = {}
    keys = dict.fromkeys(k for option in versions for k in option.facts)
    for key in keys:
        stated = [option.facts[key] for option in versions if key in option.facts]
        fact, conflict = merge_fact(stated, key)
        facts[key] = fact
        if conflict:
            conflicts.append(Conflict(tool_id, first.id, key, conflict))
    caveats: dict[tuple, Caveat] = {}
    for option in versions:
        for caveat in option.caveats:
            caveats.setdefault((caveat.risk, " ".join(caveat.text.casefold().split())), caveat)
    return replace(
        first,
        provider=first.provider or next((o.provider for o in versions if o.provider), ""),
        summary=first.summary or next((o.summary for o in versions if o.summary), ""),
        facts=facts,
        caveats=tuple(caveats.values()),
    )


def _option_origin(option: Option) -> str:
    """The catalogue source an option came from (its facts carry it)."""
    for fact in option.facts.values():
        return fact.origin
    return ""


def merge_fact(stated: list[Fact], key: str) -> tuple[Fact, tuple]:
    """One fact from several sources' claims; the claims, when they disagree."""
    first = stated[0]
    origins = tuple(dict.fromkeys(f.origin for f in stated if f.origin))
    if len(stated) == 1:
        return (replace(first, origins=origins) if origins and not first.origins else first), ()
    if key == USED_BY:
        agencies = _union([f.value for f in stated])
        return Fact(agencies, _sources(stated), first.origin, (), origins), ()
    if all(f.value == first.value for f in stated):  # the common case: everyone agrees
        return Fact(first.value, _sources(stated), first.origin, (), origins), ()
    groups: dict[Any, list[Fact]] = {}
    for fact in stated:
        groups.setdefault(_norm(fact.value), []).append(fact)
    agreeing = groups[_norm(first.value)]
    others = [f for norm, group in groups.items() if norm != _norm(first.value) for f in group]
    fact = Fact(
        first.value,
        _sources(agreeing),
        first.origin,
        tuple((f.value, f.origin) for f in others),
        tuple(dict.fromkeys(f.origin for f in agreeing if f.origin)),
    )
    if not others:
        return fact, ()
    claims = tuple((group[0].value, tuple(dict.fromkeys(f.origin for f in group))) for group in groups.values())
    return fact, claims


def _sources(facts: list[Fact]) -> tuple[Source, ...]:
    return tuple(dict.fromkeys(s for f in facts for s in f.sources))


# -- likely duplicates ---------------------------------------------------------------------------
def find_duplicates(catalog: Catalog) -> list[Duplicate]:
    """Tools with different ids from different sources that look like one tool.

    The pairs are `catalog.lint.duplicate_pairs`; duplicates inside one source are
    `sbb catalog lint`'s business, not reported here.
    """
    tools = list(catalog)
    out: dict[tuple[str, str], Duplicate] = {}

    def cross(a: Tool, b: Tool) -> bool:
        sa, sb = set(a.origins or (a.origin,)), set(b.origins or (b.origin,))
        return not (len(sa | sb) == 1)

    rank = {label: index for index, label in enumerate(catalog.sources)}

    def add(a: Tool, b: Tool, reason: str) -> None:
        # The id to keep is the one of the higher-precedence source (then the more widely listed).
        first, second = sorted((a, b), key=lambda t: (rank.get(t.origin, len(rank)), -len(t.origins), t.id))
        key = (first.id, second.id)
        if key not in out and cross(a, b):
            out[key] = Duplicate(first.id, first.origins or (first.origin,), second.id, second.origins or (second.origin,), reason)

    from catalog.lint import duplicate_pairs

    for a, b, reason in duplicate_pairs(tools):
        add(a, b, reason)
    return sorted(out.values(), key=lambda d: (d.first, d.second))


# -- pulling: a fetched commit is read and checked before it is checked out ----------------------
def pull_sources(config: SourceConfig, names: list[str] | None = None, cache: Path | None = None) -> list[PullResult]:
    """Fetch the git sources of `config` (all, or those `names`) and accept only good commits.

    Each fetched commit is written to a scratch directory and read as `load_sources` would,
    against the vocabulary every source would have after this pull. A commit whose catalogue
    has errors (a file that does not parse, an entry that breaks the schema, an unknown
    capability, a duplicate id, a missing catalogue directory, no entries at all) is not
    checked out: the source stays at its last good commit and the refused commit is recorded
    with every problem, for `sbb catalog sources`. A later good commit is accepted as usual.
    """
    cache = cache or cache_dir()
    with pull_lock(cache):  # PullError when another pull of this cache is running
        return _pull_sources(config, names, cache)


def _pull_sources(config: SourceConfig, names: list[str] | None, cache: Path) -> list[PullResult]:
    specs = [s for s in config.sources if s.kind == "git" and (not names or s.name in names)]
    results: dict[str, PullResult] = {}
    previous: dict[str, PullState | None] = {}
    candidates: dict[str, tuple[str, str, Path]] = {}  # name -> (commit, action, scratch directory)
    try:
        for spec in specs:
            state = previous[spec.name] = read_state(spec, cache)
            held = state.commit if state else ""
            try:
                commit, _ = fetch(spec, cache)
                if held and commit == held:
                    if state.rejected:  # upstream went back to the good commit
                        write_state(spec, replace(state, rejected="", rejected_at="", problems=()), cache)
                    results[spec.name] = PullResult(spec.name, True, "up to date", commit, held)
                    continue
                scratch = checkout_dir(spec, cache).with_name(checkout_dir(spec, cache).name + ".candidate")
                export_commit(spec, commit, scratch, cache)
                candidates[spec.name] = (commit, "updated" if held else "cloned", scratch)
            except PullError as exc:
                results[spec.name] = PullResult(spec.name, False, str(exc), held, held)
        parts: list[tuple[str, Path]] = []
        for spec in config.sources:
            if spec.name in candidates:
                parts.append((spec.name, _inside(candidates[spec.name][2], spec)))
            else:
                status = locate(spec, cache)
                if not status.skipped:
                    parts.append((spec.name, status.directory))
        vocabulary, vocabulary_problems = federate_vocabulary(parts)
        for spec in specs:
            if spec.name not in candidates:
                continue
            commit, action, scratch = candidates[spec.name]
            state = previous[spec.name]
            held = state.commit if state else ""
            label = f"{spec.name}@{commit[:10]}:"
            checked = check_candidate(spec, _inside(scratch, spec), vocabulary, vocabulary_problems, bool(held))
            found = [_relabel(p, scratch, label) for p in checked]
            found.sort(key=lambda p: (p.severity != "error", p))
            if any(p.severity == "error" for p in found):
                write_state(spec, PullState(
                    held, state.pulled_at if state else "", spec.url, spec.ref, commit, now(), tuple(found)
                ), cache)
                results[spec.name] = PullResult(spec.name, False, "refused", held, held, commit, tuple(found))
                continue
            try:
                check_out(spec, commit, cache)
            except PullError as exc:
                results[spec.name] = PullResult(spec.name, False, str(exc), held, held)
                continue
            write_state(spec, PullState(commit, now(), spec.url, spec.ref), cache)
            results[spec.name] = PullResult(spec.name, True, action, commit, held, problems=tuple(found))
    finally:
        for _commit, _action, scratch in candidates.values():
            remove_tree(scratch)
    return [results[s.name] for s in specs]


def _inside(root: Path, spec: SourceSpec) -> Path:
    return root / spec.path if spec.path else root


def _relabel(problem: Problem, root: Path, label: str) -> Problem:
    """A problem in a scratch copy named as a maintainer knows it: `source@commit:path`."""
    prefix = str(root)
    if problem.file == prefix or problem.file.startswith(prefix + os.sep):
        inner = problem.file[len(prefix):].lstrip(os.sep).replace(os.sep, "/")
        return replace(problem, file=label + (inner or "."))
    return problem


def check_candidate(
    spec: SourceSpec, directory: Path, vocabulary: Vocabulary, vocabulary_problems: list[Problem], had_entries: bool = False
) -> list[Problem]:
    """Every problem a fetched commit's catalogue would have if read: what decides whether it is accepted."""
    where = f"`{spec.path}`" if spec.path else "the repository root"
    if not directory.is_dir():
        return [Problem(str(directory), 0, "", f"no catalogue directory {where} at this commit")]
    own = str(directory / _listing.VOCABULARY_FILE)
    problems = [p for p in vocabulary_problems if p.file == own]
    files = _tool_files(directory)
    if not files:
        consequence = "this commit would remove every entry of the source" if had_entries else f"is {where} the catalogue directory?"
        problems.append(Problem(str(directory), 0, "", f"no tool files (*.toml) in {where}: {consequence}"))
    from catalog.loader import building, read_tool

    seen: dict[str, str] = {}
    with building(vocabulary, spec.name):
        for path in files:
            tool, found = read_tool(path, vocabulary, spec.name, root=directory)
            problems += found
            if tool is None:
                continue
            if tool.id in seen:
                problems.append(duplicate_tool(path, tool.id, seen[tool.id]))
                continue
            seen[tool.id] = str(path)
    return problems


def source_tools(result: FederationResult, cache: Path | None = None):
    """Each source that was read, with its own tools (unmerged), as the run read them.

    For exports that keep what every source states. Read through the parse cache with the
    run's vocabulary, so nothing is parsed twice.
    """
    cache = cache or cache_dir()
    read = [s for s in result.statuses if not s.skipped]
    key = _vocabulary_key([(s.spec.name, s.directory) for s in read])
    for status in read:
        tools, _vocabulary, _problems, fresh = read_source(status.spec, cache, True, result.catalog.vocabulary, key)
        yield fresh, tools
