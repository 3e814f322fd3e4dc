"""Federation: merging the same tool across sources, conflicts, duplicates, reuse evidence, cache, export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from catalog.loader import load_catalog
from catalog.sources import config_dir
from recommender.catalogs import load_for_cli
from recommender.cli import app
from recommender.engine import recommend
from recommender.exits import BAD_INPUT, OK, PROBLEMS
from tests.conftest import profile
from tests.sharing_helpers import entry, git_catalogue, write_catalogue

runner = CliRunner()
CLOUD = {
    "id": "cloud",
    "name": "Shared Stats Cloud",
    "origin": "commercial",
    "deployment": "hosted",
    "provider": "Vendor Pty Ltd",
    "data": {"full_export": True},
}


@pytest.fixture
def three_agencies(tmp_path):
    """Three agencies' catalogues as git repositories, configured as sources and pulled."""
    a = git_catalogue(tmp_path / "agency-a", {
        "shared-stats": entry("Shared Stats", "https://stats.example.org", exit_cost="low", used_by=["Agency A", "City of X"]),
        "lonely-stats": entry("Lonely Stats", "https://lonely.example.org"),
    })
    b = git_catalogue(tmp_path / "agency-b", {
        "shared-stats": entry("Shared Stats", "https://stats.example.org/", exit_cost="medium", used_by=["Agency B", "city of x"], extra_option=CLOUD),
        "stats-copy": entry("The Shared Stats", "https://other.example.org", repository="https://git.example.org/stats"),
    })
    c = git_catalogue(tmp_path / "agency-c", {
        "shared-stats": entry("Shared Stats", "https://stats.example.org", exit_cost="medium", used_by=["Agency C"]),
        "copy-of-lonely": entry("Lonely Analytics", "https://www.lonely.example.org/"),
    })
    config = config_dir() / "sources.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "bundled = false\n"
        + "".join(f'[[sources]]\nname = "{r.name}"\ngit = "{r}"\npath = "catalogue"\n' for r in (a, b, c))
    )
    assert runner.invoke(app, ["catalog", "pull"]).exit_code == OK
    return a, b, c


def test_same_tool_is_merged_with_provenance_and_conflicts(three_agencies):
    result = load_for_cli(None, notify=None)
    assert result.ok, [str(p) for p in result.problems]
    assert result.catalog.sources == ("agency-a", "agency-b", "agency-c")
    tool = result.catalog.tools["shared-stats"]
    assert tool.origins == ("agency-a", "agency-b", "agency-c") and tool.origin == "agency-a"
    option = tool.options[0]
    # Agreeing facts are combined: every source that states them is kept.
    export = option.fact("data.full_export")
    assert export.value is True and export.origins == ("agency-a", "agency-b", "agency-c") and not export.conflicts
    # Disagreeing facts keep the highest-precedence value and list every other claim.
    exit_cost = option.fact("lock_in.exit_cost")
    assert exit_cost.value == "low" and exit_cost.origin == "agency-a"
    assert exit_cost.conflicts == (("medium", "agency-b"), ("medium", "agency-c"))
    # Agencies using it are united across sources (case-insensitively), never a conflict.
    used = option.fact("reuse.used_by")
    assert set(used.value) == {"Agency A", "City of X", "Agency B", "Agency C"} and not used.conflicts
    # An option only one source knows is kept, with its origin.
    assert [o.id for o in tool.options] == ["self-hosted", "cloud"]
    assert tool.options[1].fact("data.full_export").origin == "agency-b"
    # Citation sources with the same id and a different URL are kept apart.
    urls = {s.id: s.url for s in tool.sources}
    assert urls["home"] == "https://stats.example.org" and "https://stats.example.org/" in urls.values()
    [conflict] = result.conflicts
    assert conflict.key == "lock_in.exit_cost" and conflict.claims == (("low", ("agency-a",)), ("medium", ("agency-b", "agency-c")))


def test_conflict_shows_in_the_recommendation_verdict(three_agencies):
    result = load_for_cli(None, notify=None)
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",)), ("max_exit_cost", "low")))
    [shared] = [a for a in rec.options if a.key == "shared-stats/self-hosted"]
    [verdict] = [v for v in shared.verdicts if v.requirement == "max_exit_cost"]
    assert "per agency-a" in verdict.fact and "CONFLICT" in verdict.fact and "medium per agency-b" in verdict.fact


def test_conflicts_command_text_and_json_and_duplicates(three_agencies):
    out = runner.invoke(app, ["catalog", "conflicts"])
    assert out.exit_code == OK, out.output
    text = out.stdout
    assert "shared-stats/self-hosted  lock_in.exit_cost" in text
    assert "shown: low" in text and "per agency-a" in text and "other: medium" in text and "per agency-b, agency-c" in text
    assert "likely duplicates across sources:" in text
    assert "lonely-stats (agency-a) ~ copy-of-lonely (agency-c): same URL lonely.example.org" in text
    assert "shared-stats (agency-a, agency-b, agency-c) ~ stats-copy (agency-b): near-identical names" in text
    assert "suggested merge: if they are the same tool, rename `copy-of-lonely.toml` to `lonely-stats.toml` in agency-c" in text
    data = json.loads(runner.invoke(app, ["catalog", "conflicts", "-f", "json"]).stdout)
    assert data["conflicts"][0]["claims"][1] == {"value": "medium", "sources": ["agency-b", "agency-c"]}
    assert {d["second"]["id"] for d in data["duplicates"]} == {"copy-of-lonely", "stats-copy"}
    assert runner.invoke(app, ["catalog", "conflicts", "--strict"]).exit_code == PROBLEMS


def test_reuse_evidence_across_sources_ranks_a_shared_tool_first(tmp_path):
    # Two tools, equal on every requirement; one is used by agencies listed in two catalogues.
    write_catalogue(tmp_path / "one", {
        "aaa-stats": entry("AAA Stats", "https://aaa.example.org"),
        "zzz-stats": entry("ZZZ Stats", "https://zzz.example.org", used_by=["Agency One"]),
    })
    write_catalogue(tmp_path / "two", {"zzz-stats": entry("ZZZ Stats", "https://zzz.example.org", used_by=["Agency Two", "Agency Three"])})
    alone = load_for_cli([tmp_path / "one"], notify=None).catalog
    both = load_for_cli([tmp_path / "one", tmp_path / "two"], notify=None).catalog
    wanted = profile(("capabilities", ("web-analytics",)))
    assert both.tools["zzz-stats"].used_by == ("Agency One", "Agency Three", "Agency Two")
    assert [a.tool.id for a in recommend(both, wanted).options] == ["zzz-stats", "aaa-stats"]
    no_evidence = load_for_cli([tmp_path / "two"], notify=None).catalog
    assert len(recommend(no_evidence, wanted).options) == 1
    assert len(recommend(alone, wanted).options[0].used_by) == 1


def test_min_agencies_counts_agencies_from_every_source(tmp_path):
    write_catalogue(tmp_path / "one", {"zzz-stats": entry("ZZZ Stats", "https://zzz.example.org", used_by=["Agency One"])})
    write_catalogue(tmp_path / "two", {"zzz-stats": entry("ZZZ Stats", "https://zzz.example.org", used_by=["Agency Two"])})
    wanted = profile(("capabilities", ("web-analytics",)), ("min_agencies", 2))
    assert not recommend(load_for_cli([tmp_path / "one"], notify=None).catalog, wanted).options
    assert recommend(load_for_cli([tmp_path / "one", tmp_path / "two"], notify=None).catalog, wanted).options


def test_option_origin_disagreement_is_a_conflict(tmp_path):
    write_catalogue(tmp_path / "one", {"x-stats": entry("X Stats", "https://x.example.org")})
    text = entry("X Stats", "https://x.example.org").replace('origin = "open-source"', 'origin = "commercial"')
    write_catalogue(tmp_path / "two", {"x-stats": text})
    result = load_for_cli([tmp_path / "one", tmp_path / "two"], notify=None)
    assert [(c.key, c.claims) for c in result.conflicts] == [("origin", (("open-source", (str(tmp_path / "one"),)), ("commercial", (str(tmp_path / "two"),))))]


def test_a_broken_entry_in_a_configured_source_is_skipped_not_fatal(tmp_path, monkeypatch):
    write_catalogue(tmp_path / "theirs", {"good-stats": entry("Good Stats", "https://good.example.org"), "bad-stats": "name = [\n"})
    monkeypatch.setenv("SBB_CATALOG", str(tmp_path / "theirs"))
    result = load_for_cli(None, notify=None)
    assert result.ok and "good-stats" in result.catalog.tools and "bad-stats" not in result.catalog.tools
    [warning] = [p for p in result.problems if "bad-stats" in p.file]
    assert warning.severity == "warning" and "entry skipped" in warning.message
    # Named with --catalog, the same catalogue is checked strictly: its error stops the run.
    out = runner.invoke(app, ["recommend", "--catalog", str(tmp_path / "theirs"), "-c", "web-analytics"])
    assert out.exit_code == BAD_INPUT and "bad-stats.toml:2: error: invalid TOML" in out.stderr


def test_duplicate_id_within_one_source_stays_an_error(tmp_path):
    write_catalogue(tmp_path / "c", {"dup-stats": entry("Dup Stats", "https://dup.example.org")})
    (tmp_path / "c" / "dup-stats.toml").write_text(entry("Dup Stats", "https://dup.example.org"))
    (tmp_path / "c" / "tools" / "x.toml").unlink(missing_ok=True)
    # tools/ takes precedence over the root, so put the second copy in a second directory tree.
    write_catalogue(tmp_path / "d", {"dup-stats": entry("Dup Stats", "https://dup.example.org")})
    result = load_for_cli([tmp_path / "c", tmp_path / "d"], notify=None)
    assert result.ok and not result.conflicts  # two sources agreeing: merged, no error
    merged = result.catalog.tools["dup-stats"]
    assert merged.origins == (str(tmp_path / "c"), str(tmp_path / "d"))


def test_parse_cache_reuses_unchanged_files_and_notices_changes(tmp_path):
    directory = write_catalogue(tmp_path / "c", {f"t{i}-stats": entry(f"T{i} Stats", f"https://t{i}.example.org") for i in range(5)})
    first = load_for_cli([directory], notify=None)
    assert first.statuses[0].cached == 0
    second = load_for_cli([directory], notify=None)
    assert second.statuses[0].cached == 5
    assert second.catalog.tools["t1-stats"] == first.catalog.tools["t1-stats"]
    (directory / "tools" / "t1-stats.toml").write_text(entry("T1 Stats Renamed", "https://t1.example.org"))
    third = load_for_cli([directory], notify=None)
    assert third.statuses[0].cached == 4 and third.catalog.tools["t1-stats"].name == "T1 Stats Renamed"
    # Same result as the plain loader.
    plain = load_catalog([directory], label=str(directory)).catalog
    assert plain.tools == third.catalog.tools


def test_export_json_csv_toml_with_provenance(three_agencies, tmp_path):
    out = runner.invoke(app, ["catalog", "export", "-f", "json"])
    assert out.exit_code == OK, out.output
    data = json.loads(out.stdout)
    [tool] = [t for t in data["tools"] if t["id"] == "shared-stats"]
    assert tool["catalogues"] == ["agency-a", "agency-b", "agency-c"]
    fact = tool["options"][0]["facts"]["lock_in.exit_cost"]
    assert fact["origin"] == "agency-a" and fact["conflicts"][0] == {"value": "medium", "origin": "agency-b"}
    assert tool["options"][0]["facts"]["data.full_export"]["origins"] == ["agency-a", "agency-b", "agency-c"]
    assert [s["name"] for s in data["sources"]] == ["agency-a", "agency-b", "agency-c"]

    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["catalog", "export", "-f", "csv"]).stdout)))
    [row] = [r for r in rows if r["tool"] == "shared-stats" and r["option"] == "self-hosted" and r["fact"] == "lock_in.exit_cost"]
    assert row["value"] == "low" and row["source"] == "agency-a" and row["conflicts"] == "medium per agency-b; medium per agency-c"

    target = tmp_path / "published"
    out = runner.invoke(app, ["catalog", "export", "-f", "toml", "-o", str(target)])
    assert out.exit_code == OK, out.output
    text = (target / "tools" / "shared-stats.toml").read_text()
    assert "# CONFLICT self-hosted.lock_in.exit_cost: low per agency-a; medium per agency-b, agency-c" in text
    assert runner.invoke(app, ["catalog", "validate", str(target)]).exit_code == OK
    # Never overwrites unless asked.
    again = runner.invoke(app, ["catalog", "export", "-f", "toml", "-o", str(target)])
    assert "existed and were kept" in again.stdout
    json_file = tmp_path / "out.json"
    json_file.write_text("keep me")
    out = runner.invoke(app, ["catalog", "export", "-f", "json", "-o", str(json_file)])
    assert out.exit_code == BAD_INPUT and json_file.read_text() == "keep me"
    assert runner.invoke(app, ["catalog", "export", "-f", "json", "-o", str(json_file), "--overwrite"]).exit_code == OK
    assert json.loads(json_file.read_text())["schema_version"] == 1
