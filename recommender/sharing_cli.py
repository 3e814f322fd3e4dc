"""`sbb catalog` commands for sharing catalogues between agencies: sources, pull, conflicts, import, export."""

from recommender.cli import catalog_app  # noqa: F401
