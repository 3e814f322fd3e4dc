"""Typed records of a loaded catalogue.

Facts are kept per option in one flat mapping, `section.fact` -> Fact, so that every fact
carries its own sources and provenance, and an absent key is plainly *unknown*.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from catalog.record import record
from catalog.schema import STEP_OF_ORIGIN

if TYPE_CHECKING:  # for the annotations only: the model never imports these at run time
    from catalog.problems import Problem
    from catalog.vocabulary import Vocabulary


@record(frozen=True)
class Source:
    """A page that backs facts: cited by id inside its tool."""

    __slots__ = ("id", "url", "title", "note", "accept")
    id: str
    url: str
    title: str
    note: str  # why it is cited as it is (explains the lint warnings in `accept`)
    accept: tuple[str, ...]  # source-check warnings the note explains

    def __init__(self, id: str, url: str, title: str = "", note: str = "", accept: tuple[str, ...] = ()) -> None:
        set_id, set_url, set_title, set_note, set_accept = self.__record_setters__
        set_id(self, id)
        set_url(self, url)
        set_title(self, title)
        set_note(self, note)
        set_accept(self, accept)


# Not frozen: a catalogue holds hundreds of thousands of facts, and frozen records pay for
# object.__setattr__ on every field when they are made.
@record
class Fact:
    """One stated fact of an option, with the sources that back it and where it was read."""

    __slots__ = ("value", "sources", "origin", "conflicts", "origins")
    value: Any
    sources: tuple[Source, ...]
    origin: str  # the catalogue source (directory or repository) it came from
    # Set when federated catalogues disagree: (value, origin) of each other claim.
    conflicts: tuple[tuple[Any, str], ...]
    # Every catalogue source that states this same value, `origin` first (set by federation).
    origins: tuple[str, ...]

    def __init__(
        self, value: Any, sources: tuple[Source, ...] = (), origin: str = "",
        conflicts: tuple[tuple[Any, str], ...] = (), origins: tuple[str, ...] = (),
    ) -> None:
        self.value = value
        self.sources = sources
        self.origin = origin
        self.conflicts = conflicts
        self.origins = origins


_INDEXES: dict[tuple, dict[str, int]] = {}  # each set of fact keys, in order: key -> position


class Facts(Mapping):
    """An option's facts read from one catalogue file, held by column: read-only.

    `section.fact` -> Fact, as a dict of them would be, but held as the keys (one position
    index shared by every option stating the same keys in the same order), one tuple of
    values, one of sources (the same tuple object for facts citing the same pages) and the
    origin once: a catalogue of 100,000 tools holds two million facts, and a Fact object
    each with the dict holding them was over half of the memory it took. A Fact is made
    when one is read. Merged facts (federation claims, several origins) stay in a dict.
    """

    __slots__ = ("_index", "_values", "_sources", "_origin")

    def __init__(self, keys: tuple[str, ...], values: tuple, sources: tuple[tuple[Source, ...], ...], origin: str = "") -> None:
        index = _INDEXES.get(keys)
        if index is None:
            keys = tuple(keys)
            index = _INDEXES.setdefault(keys, {key: position for position, key in enumerate(keys)})
        if not (len(index) == len(keys) == len(values) == len(sources)):
            raise ValueError("facts: keys (without repeats), values and sources must have the same length")
        self._index = index
        self._values = tuple(values)
        self._sources = tuple(sources)
        self._origin = origin

    def __getitem__(self, key: str) -> Fact:
        position = self._index[key]
        return Fact(self._values[position], self._sources[position], self._origin)

    def get(self, key: str, default: Any = None) -> Any:
        position = self._index.get(key)
        if position is None:
            return default
        return Fact(self._values[position], self._sources[position], self._origin)

    def value(self, key: str, default: Any = None) -> Any:
        """The value stated for `key`, or `default` (without making a Fact)."""
        position = self._index.get(key)
        return default if position is None else self._values[position]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __eq__(self, other: object) -> bool:
        if type(other) is Facts:
            if self._index is other._index:
                return (self._values, self._sources, self._origin) == (other._values, other._sources, other._origin)
        elif not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]  # unhashable, as a dict

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self):
        return Facts, (tuple(self._index), self._values, self._sources, self._origin)

    @classmethod
    def of(cls, facts: dict[str, Fact]) -> Facts | dict[str, Fact]:
        """`facts` held by column when they share one origin and hold no federation claims
        (`conflicts`, `origins`); otherwise the dict itself."""
        origin = None
        for fact in facts.values():
            if fact.conflicts or fact.origins or (origin is not None and fact.origin != origin):
                return facts
            origin = fact.origin
        if origin is None:
            return facts  # no facts: the empty dict
        found = facts.values()
        return cls(tuple(facts), tuple([f.value for f in found]), tuple([f.sources for f in found]), origin)


@record(frozen=True)
class SecurityAssessment:
    """A security assessment of an option: scheme, level and what it covered."""

    __slots__ = ("scheme", "level", "scope", "source")
    scheme: str
    level: str
    scope: str  # `service`, or `infrastructure` (only the hosting was assessed)
    source: Source | None

    def __init__(self, scheme: str, level: str, scope: str, source: Source | None = None) -> None:
        set_scheme, set_level, set_scope, set_source = self.__record_setters__
        set_scheme(self, scheme)
        set_level(self, level)
        set_scope(self, scope)
        set_source(self, source)


@record(frozen=True)
class Caveat:
    """A known trap of an option; it raises one of the four risks."""

    __slots__ = ("risk", "text", "source")
    risk: str
    text: str
    source: Source | None

    def __init__(self, risk: str, text: str, source: Source | None) -> None:
        set_risk, set_text, set_source = self.__record_setters__
        set_risk(self, risk)
        set_text(self, text)
        set_source(self, source)


# Options and tools are not frozen either (they were never hashable: they hold a dict of
# facts), for the same reason as facts: a load makes and unpickles them by the hundred
# thousand. Nothing changes them after loading; `catalog.record.replace` makes changed copies.
@record
class Option:
    """One way to obtain a tool: self-hosting a release, another agency's service, a vendor's."""

    __slots__ = ("id", "name", "origin", "deployment", "provider", "summary", "facts", "caveats")
    id: str
    name: str
    origin: str
    deployment: str
    provider: str
    summary: str
    facts: Mapping[str, Fact]  # Facts when read from one file, a dict when merged; a new empty dict when not given
    caveats: tuple[Caveat, ...]

    def __init__(
        self, id: str, name: str, origin: str, deployment: str, provider: str = "", summary: str = "",
        facts: Mapping[str, Fact] | None = None, caveats: tuple[Caveat, ...] = (),
    ) -> None:
        self.id = id
        self.name = name
        self.origin = origin
        self.deployment = deployment
        self.provider = provider
        self.summary = summary
        self.facts = {} if facts is None else facts
        self.caveats = caveats

    @property
    def step(self) -> str:
        """The ladder step: `share` or `buy`."""
        return STEP_OF_ORIGIN[self.origin]

    def fact(self, key: str) -> Fact | None:
        """The fact stated for `section.name`, or None when unknown."""
        return self.facts.get(key)

    def value(self, key: str, default: Any = None) -> Any:
        """The value stated for `section.name`, or `default` when unknown."""
        facts = self.facts
        if type(facts) is Facts:
            return facts.value(key, default)
        found = facts.get(key)
        return default if found is None else found.value


@record
class Tool:
    """A catalogue entry: a product or service, with the options to obtain it."""

    __slots__ = (
        "id", "name", "summary", "homepage", "capabilities", "last_reviewed", "options", "aliases",
        "repository", "sources", "path", "origin", "origins", "claims",
    )
    id: str
    name: str
    summary: str
    homepage: str
    capabilities: tuple[str, ...]
    last_reviewed: date
    options: tuple[Option, ...]
    aliases: tuple[str, ...]
    repository: str
    sources: tuple[Source, ...]
    path: str  # file it was read from
    origin: str  # catalogue source it came from (its label)
    origins: tuple[str, ...]  # every catalogue source that lists it
    # Set by federation for a tool several sources list: for `name` and `capabilities`, each
    # value stated with the sources stating it, the value read first.
    claims: tuple[tuple[str, tuple[tuple[Any, tuple[str, ...]], ...]], ...]

    def __init__(
        self, id: str, name: str, summary: str, homepage: str, capabilities: tuple[str, ...],
        last_reviewed: date, options: tuple[Option, ...], aliases: tuple[str, ...] = (),
        repository: str = "", sources: tuple[Source, ...] = (), path: str = "", origin: str = "",
        origins: tuple[str, ...] = (), claims: tuple[tuple[str, tuple[tuple[Any, tuple[str, ...]], ...]], ...] = (),
    ) -> None:
        self.id = id
        self.name = name
        self.summary = summary
        self.homepage = homepage
        self.capabilities = capabilities
        self.last_reviewed = last_reviewed
        self.options = options
        self.aliases = aliases
        self.repository = repository
        self.sources = sources
        self.path = path
        self.origin = origin
        self.origins = origins
        self.claims = claims

    @property
    def used_by(self) -> tuple[str, ...]:
        """Agencies using any option of the tool, sorted, without repeats."""
        names: set[str] = set()
        for option in self.options:
            names.update(option.value("reuse.used_by", ()))
        return tuple(sorted(names, key=str.casefold))


@record(hidden=("_by_capability", "_option_count"))
class Catalog:
    """Tools by id, in id order, with the vocabulary they were checked against."""

    tools: dict[str, Tool]
    vocabulary: "Vocabulary"
    sources: tuple[str, ...]
    _by_capability: dict[str, tuple[str, ...]] | None
    _option_count: int | None

    def __init__(
        self, tools: dict[str, Tool], vocabulary: "Vocabulary", sources: tuple[str, ...] = (),
        _by_capability: dict[str, tuple[str, ...]] | None = None, _option_count: int | None = None,
    ) -> None:
        self.tools = tools
        self.vocabulary = vocabulary
        self.sources = sources
        self._by_capability = _by_capability
        self._option_count = _option_count

    def __iter__(self):
        return iter(self.tools.values())

    def __len__(self) -> int:
        return len(self.tools)

    def with_capability(self, capability: str) -> tuple[str, ...]:
        """Ids of the tools offering a capability (an index built on first use)."""
        if self._by_capability is None:
            index: dict[str, list[str]] = {}
            for tool in self.tools.values():
                for cap in tool.capabilities:
                    index.setdefault(cap, []).append(tool.id)
            self._by_capability = {cap: tuple(ids) for cap, ids in index.items()}
        return self._by_capability.get(capability, ())

    def option_count(self) -> int:
        """How many options the catalogue holds (counted once: a catalogue is not changed after loading)."""
        if self._option_count is None:
            self._option_count = sum(len(tool.options) for tool in self.tools.values())
        return self._option_count


@record
class LoadResult:
    """A catalogue and every problem met while reading it."""

    catalog: Catalog
    problems: list["Problem"]  # a new [] when not given

    def __init__(self, catalog: Catalog, problems: list["Problem"] | None = None) -> None:
        self.catalog = catalog
        self.problems = [] if problems is None else problems

    @property
    def errors(self) -> list["Problem"]:
        """Fatal problems."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list["Problem"]:
        """Soft problems."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing fatal was found."""
        return not self.errors
