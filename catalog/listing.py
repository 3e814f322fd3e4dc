"""Which files a catalogue directory holds: its tool files, its vocabulary file, and what
would go unseen; a symbolic link that leads out of it.

Kept apart from the loader (which re-exports all of it): a run served from the parse cache
lists the directories and never parses a file, so it never imports the loader.
"""

from __future__ import annotations

import os
from pathlib import Path

from catalog.files import inside
from catalog.problems import Problem

BUNDLED_CATALOG = Path(__file__).parent / "data"
VOCABULARY_FILE = "capabilities.toml"

# TOML files a catalogue directory may hold beside `tools/` that are not tool entries.
NOT_TOOLS = (VOCABULARY_FILE, "sbb.toml")


def tool_files(directory: Path) -> list[Path]:
    """The tool files of a catalogue directory, sorted by name."""
    return list_tool_files(directory)[0]


def list_tool_files(directory: Path) -> tuple[list[Path], list[Problem]]:
    """The tool files of a catalogue directory, sorted by name, and what would go unseen.

    Tool files are `tools/*.toml` when `tools/` exists, else `*.toml`. A `tools/` that cannot be
    listed is an error (not an empty catalogue); a `*.toml` beside `tools/` is never read, and
    says so in a warning.
    """
    base, names, problems = list_tool_names(directory)
    return [base / name for name in names], problems


def list_tool_names(directory: Path) -> tuple[Path, list[str], list[Problem]]:
    """`list_tool_files` as the directory holding the tool files and their names (no path
    object per file: a large catalogue read from its cache never needs most of them)."""
    directory = Path(directory)
    base = directory / "tools" if (directory / "tools").is_dir() else directory
    try:
        names = sorted(e.name for e in os.scandir(base) if e.name.endswith(".toml") and e.name != VOCABULARY_FILE)
    except OSError as exc:
        return base, [], [Problem(str(base), 0, "", f"cannot list the tool files: {exc.strerror or exc}")]
    problems: list[Problem] = []
    if base != directory and directory != BUNDLED_CATALOG:
        try:
            stray = sorted(e.name for e in os.scandir(directory) if e.name.endswith(".toml") and e.name not in NOT_TOOLS)
        except OSError:
            stray = []
        problems += [
            Problem(str(directory / name), 0, "", "not read: this catalogue's tool files are in tools/ (move it there)", "warning")
            for name in stray
        ]
    return base, names, problems


def escapes(path: Path, root: Path) -> bool:
    """True when `path` is a symbolic link that resolves outside `root` (one lstat when it is not a link)."""
    return os.path.islink(path) and not inside(path, root)


def outside_problem(path: Path) -> Problem:
    """The problem of a file that is a symbolic link out of its catalogue (never read, never echoed)."""
    return Problem(str(path), 0, "", "a symbolic link to a file outside the catalogue directory: not read")
