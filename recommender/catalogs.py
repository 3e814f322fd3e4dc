"""Which catalogues a command reads: the configured sources, merged, plus any named for the run.

Every command that reads a catalogue (`recommend`, `tui`, `catalog lint|search|show|stats`,
and the sharing commands) comes through `load_for_cli`, so they all see the same catalogue:

- with no `--catalog`: the configured sources (project `sbb.toml`, user `sources.toml`,
  `SBB_CATALOG`) and the bundled catalogue;
- with `--catalog DIR` (repeatable): DIR is added with the highest precedence; the bundled
  catalogue is left out unless a config file says `bundled = true`. With no configured
  sources (or with `SBB_NO_CONFIG=1`) `--catalog DIR` therefore reads DIR alone.

`sbb --no-cache …` (or `SBB_NO_CACHE=1`) reads every file again: the parse cache is neither
used nor written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from catalog.federation import FederationResult

USE_CACHE = True  # `sbb --no-cache` sets it False for the run


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def load_for_cli(
    directories: list[Path] | None = None, notify: Callable[[str], None] | None = _to_stderr
) -> FederationResult:
    """Load the sources of this run, merged; `directories` are the `--catalog` ones.

    Configured sources that are skipped, held back at an older commit, or whose entries have
    errors are named in one line through `notify` (standard error by default); the others
    still load.
    """
    from catalog.federation import load_sources
    from catalog.sources import configured_sources

    config = configured_sources(list(directories) if directories else None)
    result = load_sources(config, use_cache=cache_enabled())
    if notify is not None:
        line = sources_note(result)
        if line:
            notify(line)
        for problem in config.problems:
            notify(str(problem))
    return result


def cache_enabled() -> bool:
    """Whether this run reads and writes the parse cache (`--no-cache`, `SBB_NO_CACHE=1`)."""
    return USE_CACHE and os.environ.get("SBB_NO_CACHE", "") in ("", "0")


def sources_note(result: FederationResult) -> str:
    """One line naming every configured source not read as its owner meant, or ""."""
    troubles = [s.trouble for s in result.statuses if s.trouble and not (s.spec.explicit and not s.held_back)]
    if not troubles:
        return ""
    noun = "source" if len(troubles) == 1 else "sources"
    return f"note: catalogue {noun} " + "; ".join(troubles) + " (see `sbb catalog sources`)"
