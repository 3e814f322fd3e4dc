"""Reading a source: its directory listed once, nothing of the listing kept after the load."""

from __future__ import annotations

import shutil

from catalog import federation
from catalog.federation import load_sources
from catalog.sources import SourceConfig, SourceSpec
from tests.conftest import FIXTURE_CATALOG


def test_a_source_is_listed_once_per_load_and_the_listing_is_not_kept(tmp_path, monkeypatch):
    directory = tmp_path / "cat"
    shutil.copytree(FIXTURE_CATALOG, directory)
    calls = []
    real = federation._listing.list_tool_names

    def counting(where):
        calls.append(where)
        return real(where)

    monkeypatch.setattr(federation._listing, "list_tool_names", counting)
    config = SourceConfig(sources=[SourceSpec("mine", "directory", str(directory), explicit=True)])
    for _ in range(2):  # cold, then warm
        calls.clear()
        result = load_sources(config, tmp_path / "cache")
        assert result.ok and len(result.catalog) == len(list((directory / "tools").glob("*.toml")))
        assert calls == [directory]
        assert all(status.listing is None for status in result.statuses)
