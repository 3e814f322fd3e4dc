"""The `sbb` command line: one face on the engine (the TUI is the other).

One module per command group, each importing the Typer apps from `app` and the shared helpers
from `helpers` (never from each other, so there is no import circle):

- `app`: the Typer apps, the root callback and `main` (the console-script entry point);
- `helpers`: messages, exits, loading catalogues, profiles from flags, safe output;
- `commands`: `recommend`, `compare`, `tui`;
- `catalog_group`: `sbb catalog …` (validate, lint, stats, search, show, new, import, export);
- `sharing_group`: `sbb catalog …` for sources shared between agencies (pull, sources, conflicts);
- `decide`: `sbb decide`, which files a numbered MADR record.

Start-up matters for scripts: a command module is imported when one of its commands is first
looked up (`app.COMMAND_MODULES`), so `sbb recommend` does not import the catalogue commands;
heavy modules (Textual, Rich, rapidfuzz-backed search) are
imported inside the commands that need them, never at module level.
"""

from recommender.cli.app import app, catalog_app, main  # noqa: F401  (the command modules load on first use)
from recommender.cli.helpers import build_profile, err, fail, load  # noqa: F401

__all__ = ["app", "catalog_app", "main", "build_profile", "err", "fail", "load"]
