"""Which catalogues a command reads: the directories given, or the bundled catalogue."""

from __future__ import annotations

from pathlib import Path

from catalog.loader import BUNDLED_CATALOG, LoadResult, load_catalog


def load_for_cli(directories: list[Path] | None) -> LoadResult:
    """Load the given catalogue directories, or the bundled catalogue when none is given."""
    return load_catalog(list(directories) if directories else [BUNDLED_CATALOG])
