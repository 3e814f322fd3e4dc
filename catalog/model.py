"""Typed records of a loaded catalogue.

Facts are kept per option in one flat mapping, `section.fact` -> Fact, so that every fact
carries its own sources and provenance, and an absent key is plainly *unknown*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from catalog.schema import STEP_OF_ORIGIN

if TYPE_CHECKING:  # for the annotation only: the model never imports the vocabulary at run time
    from catalog.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class Source:
    """A page that backs facts: cited by id inside its tool."""

    id: str
    url: str
    title: str = ""
    note: str = ""  # why it is cited as it is (explains the lint warnings in `accept`)
    accept: tuple[str, ...] = ()  # source-check warnings the note explains


# Not frozen: a catalogue holds hundreds of thousands of facts, and frozen dataclasses pay
# for object.__setattr__ on every field when they are made.
@dataclass(slots=True)
class Fact:
    """One stated fact of an option, with the sources that back it and where it was read."""

    value: Any
    sources: tuple[Source, ...] = ()
    origin: str = ""  # the catalogue source (directory or repository) it came from
    # Set when federated catalogues disagree: (value, origin) of each other claim.
    conflicts: tuple[tuple[Any, str], ...] = ()
    # Every catalogue source that states this same value, `origin` first (set by federation).
    origins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SecurityAssessment:
    """A security assessment of an option: scheme, level and what it covered."""

    scheme: str
    level: str
    scope: str  # `service`, or `infrastructure` (only the hosting was assessed)
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Caveat:
    """A known trap of an option; it raises one of the four risks."""

    risk: str
    text: str
    source: Source | None


# Options and tools are not frozen either (they were never hashable: they hold a dict of
# facts), for the same reason as facts: a load makes and unpickles them by the hundred
# thousand. Nothing changes them after loading; `dataclasses.replace` makes changed copies.
@dataclass(slots=True)
class Option:
    """One way to obtain a tool: self-hosting a release, another agency's service, a vendor's."""

    id: str
    name: str
    origin: str
    deployment: str
    provider: str = ""
    summary: str = ""
    facts: dict[str, Fact] = field(default_factory=dict)
    caveats: tuple[Caveat, ...] = ()

    @property
    def step(self) -> str:
        """The ladder step: `share` or `buy`."""
        return STEP_OF_ORIGIN[self.origin]

    def fact(self, key: str) -> Fact | None:
        """The fact stated for `section.name`, or None when unknown."""
        return self.facts.get(key)

    def value(self, key: str, default: Any = None) -> Any:
        """The value stated for `section.name`, or `default` when unknown."""
        found = self.facts.get(key)
        return default if found is None else found.value


@dataclass(slots=True)
class Tool:
    """A catalogue entry: a product or service, with the options to obtain it."""

    id: str
    name: str
    summary: str
    homepage: str
    capabilities: tuple[str, ...]
    last_reviewed: date
    options: tuple[Option, ...]
    aliases: tuple[str, ...] = ()
    repository: str = ""
    sources: tuple[Source, ...] = ()
    path: str = ""  # file it was read from
    origin: str = ""  # catalogue source it came from (its label)
    origins: tuple[str, ...] = ()  # every catalogue source that lists it
    # Set by federation for a tool several sources list: for `name` and `capabilities`, each
    # value stated with the sources stating it, the value read first.
    claims: tuple[tuple[str, tuple[tuple[Any, tuple[str, ...]], ...]], ...] = ()

    @property
    def used_by(self) -> tuple[str, ...]:
        """Agencies using any option of the tool, sorted, without repeats."""
        names: set[str] = set()
        for option in self.options:
            names.update(option.value("reuse.used_by", ()))
        return tuple(sorted(names, key=str.casefold))


@dataclass
class Catalog:
    """Tools by id, in id order, with the vocabulary they were checked against."""

    tools: dict[str, Tool]
    vocabulary: "Vocabulary"
    sources: tuple[str, ...] = ()
    _by_capability: dict[str, tuple[str, ...]] | None = field(default=None, repr=False, compare=False)
    _option_count: int | None = field(default=None, repr=False, compare=False)

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

