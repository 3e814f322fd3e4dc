"""Sharing you can trust: a broken upstream commit is held back, never silently read.

Every test builds agencies' catalogues as local git repositories in temporary directories.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from catalog.federation import pull_sources
from catalog.sources import config_dir, configured_sources, read_state
from recommender.catalogs import load_for_cli
from recommender.cli import app
from recommender.exits import OK, PROBLEMS
from tests.sharing_helpers import commit, entry, git, git_catalogue

runner = CliRunner()


def configure(*repos, bundled: bool = False) -> None:
    """The user's sources.toml naming each repository as a git source (catalogue under `catalogue/`)."""
    path = config_dir() / "sources.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"bundled = {'true' if bundled else 'false'}\n"
        + "".join(f'[[sources]]\nname = "{r.name}"\ngit = "{r}"\npath = "catalogue"\n' for r in repos)
    )


@pytest.fixture
def two_agencies(tmp_path):
    a = git_catalogue(tmp_path / "agency-a", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    b = git_catalogue(tmp_path / "agency-b", {
        "bb-stats": entry("BB Stats", "https://bb.example.org", used_by=["Agency B"]),
        "bc-stats": entry("BC Stats", "https://bc.example.org"),
    })
    configure(a, b)
    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == OK, out.output
    return a, b


def break_upstream(repo) -> str:
    """Commit bad TOML in one file and an unknown capability in another; the commit id."""
    with open(repo / "catalogue" / "tools" / "bb-stats.toml", "a", encoding="utf-8") as handle:
        handle.write('name = "unterminated\n')
    bc = repo / "catalogue" / "tools" / "bc-stats.toml"
    bc.write_text(bc.read_text().replace('"web-analytics"', '"web-analytix"'))
    return commit(repo, "broken")


def test_a_broken_commit_is_held_back_and_accepted_once_fixed(two_agencies):
    a, b = two_agencies
    good = git(b, "rev-parse", "HEAD")
    bad = break_upstream(b)

    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == PROBLEMS
    assert "agency-a: up to date" in out.stdout
    assert f"agency-b: refused {bad[:10]}: 2 error(s); keeping {good[:10]}" in out.stderr
    # Every problem, in full, named by source, commit and path inside the repository.
    assert f"agency-b@{bad[:10]}:catalogue/tools/bb-stats.toml:" in out.stderr and "invalid TOML" in out.stderr
    assert f"agency-b@{bad[:10]}:catalogue/tools/bc-stats.toml:5: error: capabilities: unknown capability `web-analytix` (did you mean `web-analytics`?)" in out.stderr
    spec = next(s for s in configured_sources().sources if s.name == "agency-b")
    state = read_state(spec)
    assert state.commit == good and state.rejected == bad and len(state.problems) == 2

    # The source is still read at its last good commit: its entries and reuse evidence stay.
    notes = []
    result = load_for_cli(None, notify=notes.append)
    assert result.ok and {"bb-stats", "bc-stats"} <= set(result.catalog.tools)
    assert result.catalog.tools["bb-stats"].options[0].fact("reuse.used_by").value == ("Agency B",)
    assert notes == [
        f"note: catalogue source `agency-b` held back at {good[:10]}: newer commit {bad[:10]} refused (2 error(s)) (see `sbb catalog sources`)"
    ]

    shown = runner.invoke(app, ["catalog", "sources"])
    assert shown.exit_code == PROBLEMS
    assert f"held back at {good[:10]}: refused {bad[:10]}" in shown.stdout
    assert "unknown capability `web-analytix`" in shown.stdout and "invalid TOML" in shown.stdout
    data = json.loads(runner.invoke(app, ["catalog", "sources", "-f", "json"]).stdout)
    held = data["sources"][1]
    assert data["ok"] is False and held["held_back"] is True and held["commit"] == good
    assert held["rejected"]["commit"] == bad and len(held["rejected"]["problems"]) == 2

    # `recommend` says so on standard error; its answer still has agency-b's tools.
    rec = runner.invoke(app, ["recommend", "-c", "web-analytics", "-f", "json"])
    assert rec.exit_code == OK, rec.output
    assert "held back" in rec.stderr and "agency-b" in rec.stderr
    assert {"bb-stats", "bc-stats"} <= {o["tool"] for o in json.loads(rec.stdout)["options"]}

    # Fixed upstream: the next pull accepts it and the source is current again.
    bc = b / "catalogue" / "tools" / "bc-stats.toml"
    bc.write_text(bc.read_text().replace('"web-analytix"', '"web-analytics"'))
    bb = b / "catalogue" / "tools" / "bb-stats.toml"
    bb.write_text(bb.read_text().replace('name = "unterminated\n', ""))
    fixed = commit(b, "fixed")
    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == OK, out.output
    assert f"agency-b: updated {good[:10]} -> {fixed[:10]}" in out.stdout
    assert read_state(spec).rejected == ""
    notes = []
    load_for_cli(None, notify=notes.append)
    assert notes == []
    assert runner.invoke(app, ["catalog", "sources"]).exit_code == OK


def test_upstream_going_back_to_the_good_commit_clears_the_refusal(two_agencies):
    _, b = two_agencies
    good = git(b, "rev-parse", "HEAD")
    break_upstream(b)
    assert runner.invoke(app, ["catalog", "pull", "agency-b"]).exit_code == PROBLEMS
    git(b, "reset", "--quiet", "--hard", good)
    out = runner.invoke(app, ["catalog", "pull", "agency-b"])
    assert out.exit_code == OK and "agency-b: up to date" in out.stdout
    assert runner.invoke(app, ["catalog", "sources"]).exit_code == OK


def test_a_commit_that_empties_or_moves_the_catalogue_is_refused(two_agencies):
    _, b = two_agencies
    good = git(b, "rev-parse", "HEAD")
    git(b, "mv", "catalogue", "moved")
    moved = commit(b, "moved")
    out = runner.invoke(app, ["catalog", "pull", "agency-b"])
    assert out.exit_code == PROBLEMS
    assert f"agency-b@{moved[:10]}:catalogue: error: no catalogue directory `catalogue` at this commit" in out.stderr
    git(b, "mv", "moved", "catalogue")
    git(b, "rm", "--quiet", "-r", "-f", "catalogue/tools")
    (b / "catalogue").mkdir(exist_ok=True)
    (b / "catalogue" / "README.md").write_text("Entries moved elsewhere.\n")
    emptied = commit(b, "emptied")
    out = runner.invoke(app, ["catalog", "pull", "agency-b"])
    assert out.exit_code == PROBLEMS and f"refused {emptied[:10]}" in out.stderr
    assert "this commit would remove every entry of the source" in out.stderr
    result = load_for_cli(None, notify=None)
    assert {"bb-stats", "bc-stats"} <= set(result.catalog.tools)
    assert next(s for s in result.statuses if s.spec.name == "agency-b").commit == good


def test_a_broken_first_commit_is_never_read(tmp_path):
    repo = git_catalogue(tmp_path / "agency-n", {"nn-stats": 'name = "broken\n'})
    configure(repo)
    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == PROBLEMS
    assert "agency-n: refused" in out.stderr and "not read until a good commit is pulled" in out.stderr
    notes = []
    result = load_for_cli(None, notify=notes.append)
    assert len(result.catalog) == 0
    assert len(notes) == 1 and "`agency-n` skipped: no good commit yet" in notes[0]
    shown = runner.invoke(app, ["catalog", "sources"])
    assert shown.exit_code == PROBLEMS
    assert "not read: no commit accepted yet: refused" in shown.stdout and "invalid TOML" in shown.stdout


def test_a_git_failure_is_printed_whole(tmp_path):
    (tmp_path / "not-a-repo").mkdir()
    path = config_dir() / "sources.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'bundled = false\n[[sources]]\nname = "not-a-repo"\ngit = "file://{tmp_path / "not-a-repo"}"\n')
    out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == PROBLEMS
    assert "not-a-repo: git clone failed" in out.stderr
    # git's whole message, not only its last line.
    assert "does not appear to be a git repository" in out.stderr
    assert "Please make sure you have the correct access rights" in out.stderr


def test_validation_uses_the_vocabulary_every_source_will_have(tmp_path):
    """An entry may use a term another agency's vocabulary defines; the pull accepts it."""
    a = git_catalogue(tmp_path / "agency-a", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    (a / "catalogue" / "capabilities.toml").write_text(
        'schema_version = 1\n[[capability]]\nid = "tide-gauges"\nlabel = "Tide gauges"\ngoals = ["monitoring"]\narea = "environment"\n'
    )
    commit(a, "a vocabulary")
    b = git_catalogue(tmp_path / "agency-b", {"bb-tides": entry("BB Tides", "https://bb.example.org", capabilities=["tide-gauges"])})
    configure(a, b)
    results = {r.name: r for r in pull_sources(configured_sources())}
    assert results["agency-b"].ok, [str(p) for p in results["agency-b"].problems]
    result = load_for_cli(None, notify=None)
    assert result.ok and result.catalog.tools["bb-tides"].capabilities == ("tide-gauges",)
    assert result.catalog.vocabulary.origins["tide-gauges"] == ("agency-a",)


@pytest.mark.tui
def test_the_tui_names_a_held_back_source_on_screen(two_agencies, capsys):
    from tui.main import SbbApp

    _, b = two_agencies
    break_upstream(b)
    runner.invoke(app, ["catalog", "pull"])

    async def scenario():
        app_ = SbbApp()
        async with app_.run_test(size=(120, 40)) as pilot:
            await app_.workers.wait_for_complete()
            await pilot.pause()
            messages = [str(n.message) for n in app_._notifications]
            assert app_.catalog is not None and "bb-stats" in app_.catalog.tools
            held = [m for m in messages if "held back" in m]
            assert len(held) == 1 and "agency-b" in held[0] and "\n" not in held[0]

    asyncio.run(scenario())
    assert "held back" not in capsys.readouterr().err


# -- a source cannot quietly rename or widen a tool defined elsewhere ----------------------------
def test_widening_or_renaming_a_tool_defined_elsewhere_is_a_conflict(tmp_path):
    a = git_catalogue(tmp_path / "agency-a", {"shared-stats": entry("Shared Stats", "https://stats.example.org")})
    b = git_catalogue(tmp_path / "agency-b", {"shared-stats": entry(
        "Shared Stats Suite", "https://stats.example.org", capabilities=["web-analytics", "surveys"],
        extra_option=None,
    )})
    # agency-b also says the self-hosted option is a hosted commercial product.
    text = (b / "catalogue" / "tools" / "shared-stats.toml").read_text()
    text = text.replace('origin = "open-source"', 'origin = "commercial"').replace('deployment = "self-hosted"', 'deployment = "hosted"')
    (b / "catalogue" / "tools" / "shared-stats.toml").write_text(text)
    commit(b, "widen")
    configure(a, b)
    assert runner.invoke(app, ["catalog", "pull"]).exit_code == OK
    result = load_for_cli(None, notify=None)
    tool = result.catalog.tools["shared-stats"]
    # The highest-precedence source's stand is what is read: no widening, no renaming.
    assert tool.capabilities == ("web-analytics",) and tool.name == "Shared Stats"
    assert result.catalog.with_capability("surveys") == ()
    assert (tool.options[0].origin, tool.options[0].deployment) == ("open-source", "self-hosted")
    found = {(c.option, c.key): c.claims for c in result.conflicts}
    assert found[("", "capabilities")] == ((("web-analytics",), ("agency-a",)), (("web-analytics", "surveys"), ("agency-b",)))
    assert found[("", "name")] == (("Shared Stats", ("agency-a",)), ("Shared Stats Suite", ("agency-b",)))
    assert found[("self-hosted", "origin")] == (("open-source", ("agency-a",)), ("commercial", ("agency-b",)))
    assert found[("self-hosted", "deployment")] == (("self-hosted", ("agency-a",)), ("hosted", ("agency-b",)))
    out = runner.invoke(app, ["catalog", "conflicts", "--strict"])
    assert out.exit_code == PROBLEMS
    assert "shared-stats  capabilities  (Shared Stats)" in out.stdout
    assert "other: [web-analytics, surveys]" in out.stdout and "per agency-b" in out.stdout
    # A search by the other name still finds the tool.
    assert "Shared Stats Suite" in tool.aliases


def test_the_same_capabilities_in_another_order_are_no_conflict(tmp_path):
    a = git_catalogue(tmp_path / "agency-a", {"t": entry("T", "https://t.example.org", capabilities=["web-analytics", "surveys"])})
    b = git_catalogue(tmp_path / "agency-b", {"t": entry("t", "https://t.example.org", capabilities=["surveys", "web-analytics"])})
    configure(a, b)
    runner.invoke(app, ["catalog", "pull"])
    result = load_for_cli(None, notify=None)
    assert result.conflicts == []


# -- vocabularies are federated with provenance ---------------------------------------------------
VOCAB = 'schema_version = 1\n[[capability]]\nid = "tide-gauges"\nlabel = "{label}"\ngoals = ["monitoring"]\narea = "environment"\n'


def test_a_term_from_another_agency_is_used_shown_and_a_different_definition_warned(tmp_path):
    ours = write_dir(tmp_path / "ours", {"our-tides": entry("Our Tides", "https://ours.example.org", capabilities=["tide-gauges"])})
    theirs = write_dir(tmp_path / "theirs", {"their-tides": entry("Their Tides", "https://theirs.example.org", capabilities=["tide-gauges"])})
    (theirs / "capabilities.toml").write_text(VOCAB.format(label="Tide gauges"))
    (ours / "capabilities.toml").write_text(VOCAB.format(label="Sea level sensors"))
    configure_dirs(ours, theirs)
    notes = []
    result = load_for_cli(None, notify=notes.append)
    assert {"our-tides", "their-tides"} <= set(result.catalog.tools) and notes == []
    assert result.catalog.vocabulary.origins["tide-gauges"] == ("ours", "theirs")
    assert result.catalog.vocabulary.capabilities["tide-gauges"].label == "Sea level sensors"  # precedence
    [warning] = [p for p in result.problems if "tide-gauges" in p.key]
    assert warning.severity == "warning" and "defined differently (label) by ours" in warning.message
    shown = runner.invoke(app, ["catalog", "sources"])
    assert "vocabulary adds: tide-gauges" in shown.stdout
    data = json.loads(runner.invoke(app, ["catalog", "sources", "-f", "json"]).stdout)
    assert [s["terms"] for s in data["sources"]] == [["tide-gauges"], ["tide-gauges"]]


def test_an_unknown_term_is_a_visible_problem_not_a_silent_drop(tmp_path):
    ours = write_dir(tmp_path / "ours", {"our-stats": entry("Our Stats", "https://ours.example.org")})
    theirs = write_dir(tmp_path / "theirs", {
        "their-tides": entry("Their Tides", "https://theirs.example.org", capabilities=["tide-gauges"]),
        "their-stats": entry("Their Stats", "https://stats.theirs.example.org"),
    })
    configure_dirs(ours, theirs)
    notes = []
    result = load_for_cli(None, notify=notes.append)
    assert "their-stats" in result.catalog.tools and "their-tides" not in result.catalog.tools
    assert notes == ["note: catalogue source `theirs`: 1 entry error(s), those entries skipped (see `sbb catalog sources`)"]
    assert any("unknown capability `tide-gauges`" in p.message and p.file.endswith("their-tides.toml") for p in result.problems)
    rec = runner.invoke(app, ["recommend", "-c", "web-analytics"])
    assert "`theirs`: 1 entry error(s)" in rec.stderr
    shown = runner.invoke(app, ["catalog", "sources"])
    assert shown.exit_code == PROBLEMS and "1 entry error(s): those entries are skipped" in shown.stdout


def write_dir(directory, entries):
    from tests.sharing_helpers import write_catalogue

    return write_catalogue(directory, entries)


def configure_dirs(*directories) -> None:
    path = config_dir() / "sources.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("bundled = false\n" + "".join(f'[[sources]]\nname = "{d.name}"\npath = "{d}"\n' for d in directories))


# -- exports round-trip ---------------------------------------------------------------------------
def federated_export(tmp_path):
    """Three agencies with conflicts on a fact, a name, capabilities and an origin, and a vocabulary term."""
    a = git_catalogue(tmp_path / "agency-a", {
        "shared-stats": entry("Shared Stats", "https://stats.example.org", exit_cost="low", used_by=["Agency A"]),
        "aa-tides": entry("AA Tides", "https://tides.example.org", capabilities=["tide-gauges"]),
    })
    (a / "catalogue" / "capabilities.toml").write_text(VOCAB.format(label="Tide gauges"))
    commit(a, "vocabulary")
    b = git_catalogue(tmp_path / "agency-b", {
        "shared-stats": entry("Shared Stats Suite", "https://stats.example.org", exit_cost="medium", used_by=["Agency B"], capabilities=["web-analytics", "surveys"]),
        "bb-tides": entry("BB Tides", "https://bb.example.org", capabilities=["tide-gauges"]),
    })
    configure(a, b)
    assert runner.invoke(app, ["catalog", "pull"]).exit_code == OK
    out = runner.invoke(app, ["catalog", "export", "-f", "json"])
    assert out.exit_code == OK, out.output
    return a, b, json.loads(out.stdout), out.stdout


def comparable(data: dict) -> dict:
    """An export without what depends on where the sources live."""
    return {
        "format": data["format"], "version": data["version"], "vocabulary": data["vocabulary"],
        "entries": data["entries"], "conflicts": data["conflicts"],
        "tools": [{k: v for k, v in t.items() if k != "path"} for t in data["tools"]],
        "sources": [(s["name"], s["tools"], s["vocabulary"]) for s in data["sources"]],
    }


def test_json_export_is_versioned_and_carries_each_sources_entries(tmp_path):
    _, _, data, _ = federated_export(tmp_path)
    assert (data["format"], data["version"], data["schema_version"]) == ("sbb-json", 2, 1)
    assert [s["name"] for s in data["sources"]] == ["agency-a", "agency-b"]
    assert data["sources"][0]["vocabulary"][0]["id"] == "tide-gauges"
    assert data["vocabulary"] == [{**data["sources"][0]["vocabulary"][0], "defined_by": ["agency-a"]}]
    assert sorted((e["source"], e["id"]) for e in data["entries"]) == [
        ("agency-a", "aa-tides"), ("agency-a", "shared-stats"), ("agency-b", "bb-tides"), ("agency-b", "shared-stats"),
    ]
    b_entry = next(e["entry"] for e in data["entries"] if e["source"] == "agency-b" and e["id"] == "shared-stats")
    assert b_entry["name"] == "Shared Stats Suite" and b_entry["last_reviewed"] == "2026-11-01"
    keys = {(c["tool"], c["option"], c["key"]) for c in data["conflicts"]}
    assert keys == {("shared-stats", "", "name"), ("shared-stats", "", "capabilities"), ("shared-stats", "self-hosted", "lock_in.exit_cost")}


def test_toml_json_toml_round_trip_is_lossless_conflicts_included(tmp_path, monkeypatch):
    import tomli

    a, b, first, text = federated_export(tmp_path)
    exported = tmp_path / "federated.json"
    exported.write_text(text)
    out = runner.invoke(app, ["catalog", "import", "sbb-json", str(exported), "--into", str(tmp_path / "back")])
    assert out.exit_code == OK, out.output
    assert "0 problem(s)" in out.stdout
    back = tmp_path / "back"
    # Each source's entries come back as the same TOML data, and its vocabulary with it.
    for repo in (a, b):
        for original in sorted((repo / "catalogue" / "tools").glob("*.toml")):
            again = back / repo.name / "tools" / original.name
            assert tomli.loads(again.read_text()) == tomli.loads(original.read_text()), original.name
    assert tomli.loads((back / "agency-a" / "capabilities.toml").read_text())["capability"][0]["label"] == "Tide gauges"
    # Read again from the sbb.toml the import wrote: the same merged catalogue, the same conflicts.
    (config_dir() / "sources.toml").unlink()
    monkeypatch.chdir(back)
    shown = runner.invoke(app, ["catalog", "sources"])
    assert shown.exit_code == OK, shown.output
    second = runner.invoke(app, ["catalog", "export", "-f", "json"])
    assert second.exit_code == OK, second.output
    assert comparable(json.loads(second.stdout)) == comparable(first)
    # Importing over existing files keeps them.
    again = runner.invoke(app, ["catalog", "import", "sbb-json", str(exported), "--into", str(back)])
    assert again.exit_code == OK and "0 created" in again.stdout and "exists (pass --overwrite" in again.stdout


def test_a_bad_sbb_json_file_is_reported_in_full_and_nothing_invalid_is_written(tmp_path):
    _, _, data, _ = federated_export(tmp_path)
    data["entries"][0]["entry"]["capabilities"] = ["no-such-term"]
    data["entries"][1]["source"] = "nobody"
    data["entries"][2]["id"] = "../escape"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    checked = runner.invoke(app, ["catalog", "import", "sbb-json", str(path), "--into", str(tmp_path / "out"), "--check"])
    assert checked.exit_code == PROBLEMS
    assert "unknown capability `no-such-term`" in checked.stdout
    assert "no source named `nobody`" in checked.stdout and "`../escape` is not a tool id" in checked.stdout
    assert not (tmp_path / "out").exists()
    out = runner.invoke(app, ["catalog", "import", "sbb-json", str(path), "--into", str(tmp_path / "out")])
    assert out.exit_code == PROBLEMS
    written = {p.name for p in (tmp_path / "out").rglob("*.toml")}
    assert written == {"sbb.toml", "capabilities.toml", data["entries"][3]["id"] + ".toml"}
    for broken, message in (("{", "invalid JSON"), ('{"format": "sbb-json", "version": 1}', "version 1 cannot be read"), ("[]", "not an sbb-json export")):
        path.write_text(broken)
        out = runner.invoke(app, ["catalog", "import", "sbb-json", str(path), "--into", str(tmp_path / "out2")])
        assert out.exit_code == 2 and message in out.stderr and "Traceback" not in out.output


def test_csv_writes_booleans_as_true_and_false(tmp_path):
    import csv
    import io

    federated_export(tmp_path)
    out = runner.invoke(app, ["catalog", "export", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    export = [r for r in rows if r["fact"] == "data.full_export"]
    assert export and {r["value"] for r in export} == {"true"}
    assert not any(r["value"] in ("True", "False") for r in rows)


def test_export_doc_names_every_key_the_json_export_writes(tmp_path):
    from pathlib import Path

    _, _, data, _ = federated_export(tmp_path)
    doc = (Path(__file__).parent.parent / "catalog" / "EXPORT.md").read_text()
    keys = set(data) | set(data["sources"][0]) | set(data["vocabulary"][0]) | set(data["entries"][0])
    keys |= set(data["tools"][0]) | set(data["tools"][0]["options"][0]) | set(data["conflicts"][0])
    keys |= {k for t in data["tools"] for o in t["options"] for f in o["facts"].values() for k in f}
    missing = sorted(k for k in keys if f"`{k}`" not in doc and f"{k}," not in doc and f"{k}}}" not in doc)
    assert missing == []


# -- structured provenance -----------------------------------------------------------------------
def disputed_catalogue(tmp_path):
    """agency-a and agency-c say exit cost is low; agency-b says high; only agency-b states an API."""
    a = write_dir(tmp_path / "agency-a", {"shared-stats": entry("Shared Stats", "https://stats.example.org", exit_cost="low")})
    b = write_dir(tmp_path / "agency-b", {"shared-stats": entry("Shared Stats", "https://stats.example.org", exit_cost="high")})
    c = write_dir(tmp_path / "agency-c", {"shared-stats": entry("Shared Stats", "https://stats.example.org", exit_cost="low")})
    text = (b / "tools" / "shared-stats.toml").read_text().replace("[options.data]", "[options.integration]\napi = [\"rest\"]\n\n[options.data]")
    (b / "tools" / "shared-stats.toml").write_text(text)
    configure_dirs(a, b, c)
    result = load_for_cli(None, notify=None)
    assert result.problems == [], [str(p) for p in result.problems]
    return result


def test_the_facts_a_check_reads_carry_their_sources_and_disputes(tmp_path):
    from recommender.provenance import facts_read
    from recommender.requirements import KINDS

    result = disputed_catalogue(tmp_path)
    tool = result.catalog.tools["shared-stats"]
    option = tool.options[0]
    [exit_cost] = facts_read(KINDS["max_exit_cost"].evaluate, "low", tool, option, None)
    assert (exit_cost.key, exit_cost.value, exit_cost.stated_by) == ("lock_in.exit_cost", "low", ("agency-a", "agency-c"))
    assert exit_cost.disputed and exit_cost.disputed_by == (("high", ("agency-b",)),)
    assert exit_cost.dispute() == "lock_in.exit_cost: low per agency-a, agency-c; high per agency-b"
    assert exit_cost.as_dict() == {
        "fact": "lock_in.exit_cost", "value": "low", "stated_by": ["agency-a", "agency-c"],
        "conflicts": [{"value": "high", "stated_by": ["agency-b"]}],
    }
    [export] = facts_read(KINDS["full_export"].evaluate, True, tool, option, None)
    assert export.stated_by == ("agency-a", "agency-b", "agency-c") and not export.disputed


def test_a_hard_requirement_met_only_on_a_disputed_fact_is_to_verify_and_names_the_dispute(tmp_path):
    from recommender.engine import TO_VERIFY, recommend
    from tests.conftest import profile

    result = disputed_catalogue(tmp_path)
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",)), ("max_exit_cost", "low")))
    [a] = rec.options
    assert a.tier == TO_VERIFY and a.status == TO_VERIFY
    [verdict] = a.unknown
    assert verdict.requirement == "max_exit_cost" and verdict.result == "pass" and verdict.disputed
    assert "disputed: lock_in.exit_cost: low per agency-a, agency-c; high per agency-b" in verdict.label
    print(rec.answer.text)
    assert "disputed" in rec.answer.text and "agency-b" in rec.answer.text
    # Met whatever source is right (low and high are both at most high): no dispute that matters.
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",)), ("max_exit_cost", "high")))
    [a] = rec.options
    assert a.tier != TO_VERIFY and not a.unknown
    [verdict] = [v for v in a.verdicts if v.requirement == "max_exit_cost"]
    assert verdict.disputed  # still shown as disputed, only not blocking


def test_verdicts_in_json_carry_their_sources_and_disputes(tmp_path):
    disputed_catalogue(tmp_path)
    out = runner.invoke(app, ["recommend", "-c", "web-analytics", "--hard", "max_exit_cost=low", "--hard", "api=rest", "-f", "json"])
    assert out.exit_code == OK, out.output
    [option] = json.loads(out.stdout)["options"]
    verdicts = {v["requirement"]: v for v in option["verdicts"]}
    cost = verdicts["max_exit_cost"]
    assert cost["stated_by"] == ["agency-a", "agency-c"] and cost["disputed"] is True
    assert cost["provenance"] == [{
        "fact": "lock_in.exit_cost", "value": "low", "stated_by": ["agency-a", "agency-c"],
        "conflicts": [{"value": "high", "stated_by": ["agency-b"]}],
    }]
    api = verdicts["api"]
    assert api["stated_by"] == ["agency-b"] and api["disputed"] is False
    assert api["provenance"][0]["fact"] == "integration.api" and api["provenance"][0]["value"] == ["rest"]
    assert option["tier"] == "to-verify"
    assert any("disputed" in label for label in option["to_verify"])


def test_the_table_marks_disputed_facts_and_facts_from_another_agency(tmp_path):
    disputed_catalogue(tmp_path)
    out = runner.invoke(app, ["recommend", "-c", "web-analytics", "--hard", "max_exit_cost=low", "--hard", "api=rest"])
    assert out.exit_code == OK, out.output
    assert "✓max_exit_cost!" in out.stdout and "✓api*" in out.stdout
    assert "! disputed by another catalogue source  * stated only by another agency's catalogue (not agency-a, not the bundled one)" in out.stdout
    assert "verify: exit cost" in out.stdout.replace("\n", " ") or "disputed: lock_in.exit_cost" in out.stdout


def test_a_single_catalogue_has_no_marks(tmp_path):
    from tests.conftest import FIXTURE_CATALOG

    out = runner.invoke(app, ["recommend", "--catalog", str(FIXTURE_CATALOG), "-c", "web-analytics", "-f", "json"])
    assert out.exit_code in (OK, 3), out.output
    verdicts = [v for o in json.loads(out.stdout)["options"] for v in o["verdicts"]]
    assert verdicts and not any(v["disputed"] for v in verdicts)
    assert all(v["stated_by"] in ([], [str(FIXTURE_CATALOG)]) for v in verdicts)
    table = runner.invoke(app, ["recommend", "--catalog", str(FIXTURE_CATALOG), "-c", "web-analytics"])
    assert "disputed by another catalogue source" not in table.stdout


@pytest.mark.tui
def test_the_tui_detail_marks_disputed_facts_and_names_other_sources(tmp_path):
    from rich.console import Console

    from recommender.engine import recommend
    from tests.conftest import profile
    from tui.screens import verdict_table

    result = disputed_catalogue(tmp_path)
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",)), ("max_exit_cost", "low"), ("api", ("rest",))))
    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(verdict_table(rec.options[0], rec.home))
    text = console.export_text()
    assert "! disputed" in text and "* per agency-b" in text
    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(verdict_table(rec.options[0], ""))
    assert "* per" not in console.export_text()


def test_facts_the_bundled_catalogue_states_are_not_marked_as_another_agencys(tmp_path):
    from recommender.provenance import from_elsewhere

    assert from_elsewhere(("agency-b",), "agency-a")
    assert not from_elsewhere(("bundled",), "agency-a")
    assert not from_elsewhere(("agency-b", "bundled"), "agency-a")
    assert not from_elsewhere(("agency-a", "agency-b"), "agency-a")
    assert not from_elsewhere(("agency-b",), "")


def test_a_capability_another_source_does_not_state_is_a_dispute_that_names_its_sources(tmp_path):
    """agency-a (highest precedence) says the tool also does surveys; agency-b does not."""
    from recommender.engine import TO_VERIFY, recommend
    from tests.conftest import profile

    a = write_dir(tmp_path / "agency-a", {"shared-stats": entry("Shared Stats", "https://stats.example.org", capabilities=["web-analytics", "surveys"])})
    b = write_dir(tmp_path / "agency-b", {"shared-stats": entry("Shared Stats", "https://stats.example.org")})
    configure_dirs(a, b)
    result = load_for_cli(None, notify=None)
    rec = recommend(result.catalog, profile(("capabilities", ("surveys",))))
    [option] = rec.options
    assert option.tier == TO_VERIFY
    [verdict] = option.unknown
    assert "disputed: capabilities: web-analytics, surveys per agency-a; web-analytics per agency-b" in verdict.label
    [claim] = verdict.provenance
    assert claim.key == "capabilities" and claim.stated_by == ("agency-a",)
    # Asking only for what both state: every source agrees, nothing to verify.
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",))))
    [option] = rec.options
    assert option.tier != TO_VERIFY
    [verdict] = [v for v in option.verdicts if v.requirement == "capabilities"]
    assert verdict.stated_by == ("agency-a",) and verdict.disputed  # disputed, but not on what was asked


def test_a_tool_one_source_lists_rests_on_that_source(tmp_path):
    from recommender.engine import recommend
    from tests.conftest import profile

    a = write_dir(tmp_path / "agency-a", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    b = write_dir(tmp_path / "agency-b", {"bb-stats": entry("BB Stats", "https://bb.example.org")})
    configure_dirs(a, b)
    result = load_for_cli(None, notify=None)
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",))))
    stated = {o.tool.id: [v for v in o.verdicts if v.requirement == "capabilities"][0].stated_by for o in rec.options}
    assert stated == {"aa-stats": ("agency-a",), "bb-stats": ("agency-b",)}


def test_conflicts_lists_terms_defined_differently(tmp_path):
    ours = write_dir(tmp_path / "ours", {"our-tides": entry("Our Tides", "https://ours.example.org", capabilities=["tide-gauges"])})
    theirs = write_dir(tmp_path / "theirs", {"their-tides": entry("Their Tides", "https://theirs.example.org", capabilities=["tide-gauges"])})
    (ours / "capabilities.toml").write_text(VOCAB.format(label="Sea level sensors"))
    (theirs / "capabilities.toml").write_text(VOCAB.format(label="Tide gauges"))
    configure_dirs(ours, theirs)
    out = runner.invoke(app, ["catalog", "conflicts", "--strict"])
    assert out.exit_code == PROBLEMS, out.output
    assert "capability terms defined differently (the first definition is used):" in out.stdout
    assert "used : Sea level sensors (area environment; monitoring) per ours" in out.stdout
    assert "other: Tide gauges (area environment; monitoring) per theirs" in out.stdout
    data = json.loads(runner.invoke(app, ["catalog", "conflicts", "-f", "json"]).stdout)
    assert data["vocabulary"] == [{"term": "tide-gauges", "definitions": [
        {"source": "ours", "label": "Sea level sensors", "area": "environment", "goals": ["monitoring"]},
        {"source": "theirs", "label": "Tide gauges", "area": "environment", "goals": ["monitoring"]},
    ]}]
    # The same definition twice is no disagreement.
    (theirs / "capabilities.toml").write_text(VOCAB.format(label="Sea level sensors"))
    assert runner.invoke(app, ["catalog", "conflicts", "--strict"]).exit_code == OK


def test_one_pull_at_a_time(two_agencies):
    from catalog.sources import cache_dir, pull_lock

    with pull_lock():
        out = runner.invoke(app, ["catalog", "pull"])
    assert out.exit_code == PROBLEMS
    assert "another `sbb catalog pull` is running" in out.stderr and str(cache_dir() / "git" / ".pull.lock") in out.stderr
    assert runner.invoke(app, ["catalog", "pull"]).exit_code == OK  # released with the holder


@pytest.mark.parametrize("mutate", [
    lambda d: d.update(entries=[1, "x", None, {"source": "agency-a"}, {"source": "agency-a", "id": "t", "entry": {"name": None}}]),
    lambda d: d.update(entries=[{"source": "agency-a", "id": "t", "entry": {"name": {"deep": [1, {"x": float("nan")}]}}}]),
    lambda d: d.update(sources=[{"name": "../../etc"}, {"name": ""}, "plain", {"name": "ok", "vocabulary": "abc"}]),
    lambda d: d.update(sources={"name": "x"}),
    lambda d: d["sources"][0].update(vocabulary=[{"id": "t", "label": "T", "goals": "monitoring", "aliases": {"a": 1}}]),
])
def test_hostile_sbb_json_gives_problems_never_a_traceback(tmp_path, mutate):
    _, _, data, _ = federated_export(tmp_path)
    mutate(data)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    out = runner.invoke(app, ["catalog", "import", "sbb-json", str(path), "--into", str(tmp_path / "out")])
    assert out.exit_code in (OK, PROBLEMS, 2), out.output
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)
    for written in (tmp_path / "out").rglob("*"):
        assert (tmp_path / "out") in written.resolve().parents  # nothing outside the target


def test_a_term_of_the_wrong_shape_is_named_and_not_written(tmp_path):
    _, _, data, _ = federated_export(tmp_path)
    data["sources"][0]["vocabulary"][0]["goals"] = "monitoring"
    path = tmp_path / "bad-term.json"
    path.write_text(json.dumps(data))
    out = runner.invoke(app, ["catalog", "import", "sbb-json", str(path), "--into", str(tmp_path / "out"), "--check"])
    assert out.exit_code == PROBLEMS
    assert "sources[1].vocabulary[1]: `goals` must be a list of strings" in out.stdout
    assert "unknown capability `tide-gauges`" in out.stdout  # the entries using it are refused too
