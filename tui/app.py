"""The TUI entry point."""

from __future__ import annotations


def run_tui(catalogs, profile=None) -> int:
    """Open the TUI on these catalogue directories (none: the bundled catalogue); returns the exit code."""
    from tui.main import SbbApp

    return SbbApp.launch(catalogs, profile)
