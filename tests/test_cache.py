"""The parse cache: per file, per directory however spelt, never trusted when damaged or stale."""

from __future__ import annotations

import errno
import os
import pickle
import shutil

import pytest
from typer.testing import CliRunner

from catalog import federation
from catalog.federation import clear_cache, load_sources
from catalog.loader import load_catalog
from catalog.problems import Problem
from catalog.sources import SourceConfig, SourceSpec, cache_dir
from recommender.catalogs import load_for_cli
from recommender.cli import app
from recommender.exits import OK
from tests.sharing_helpers import entry, write_catalogue

runner = CliRunner()


def catalogue(path, count=6, prefix="t"):
    return write_catalogue(path, {f"{prefix}{i}-stats": entry(f"{prefix.upper()}{i} Stats", f"https://{prefix}{i}.example.org") for i in range(count)})


def load(directory, **kwargs):
    return load_for_cli([directory], notify=None, **kwargs)


def parsed_files():
    return sorted((cache_dir() / "parsed").glob("*.pickle"))


@pytest.fixture
def parses(monkeypatch):
    """The tool files parsed (not merely read) in a run, by file name."""
    seen: list[str] = []
    real = federation._parse_tool

    def spy(full, name, *args):
        seen.append(name)
        return real(full, name, *args)

    monkeypatch.setattr(federation, "_parse_tool", spy)
    return seen


def same_as_plain_loader(result, directory):
    plain = load_catalog([directory], label=str(directory)).catalog
    assert result.catalog.tools == plain.tools


def test_a_changed_file_costs_its_own_parse_only(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    load(directory)
    assert len(parses) == 6
    parses.clear()
    (directory / "tools" / "t2-stats.toml").write_text(entry("T2 Stats Renamed", "https://t2.example.org"))
    result = load(directory)
    assert parses == ["t2-stats.toml"] and result.statuses[0].cached == 5
    assert result.catalog.tools["t2-stats"].name == "T2 Stats Renamed"
    same_as_plain_loader(result, directory)
    parses.clear()
    assert load(directory).statuses[0].cached == 6 and parses == []


def test_an_added_file_is_parsed_and_the_rest_are_not(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    load(directory)
    parses.clear()
    (directory / "tools" / "new-stats.toml").write_text(entry("New Stats", "https://new.example.org"))
    result = load(directory)
    assert parses == ["new-stats.toml"] and "new-stats" in result.catalog.tools
    same_as_plain_loader(result, directory)


def test_a_deleted_file_leaves_the_catalogue_and_the_cache(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    load(directory)
    parses.clear()
    (directory / "tools" / "t3-stats.toml").unlink()
    result = load(directory)
    assert parses == [] and "t3-stats" not in result.catalog.tools and result.statuses[0].cached == 5
    same_as_plain_loader(result, directory)
    assert load(directory).statuses[0].cached == 5


def test_a_renamed_file_is_parsed_under_its_new_name(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    load(directory)
    parses.clear()
    tools = directory / "tools"
    text = (tools / "t4-stats.toml").read_text()
    (tools / "t4-stats.toml").unlink()
    (tools / "t4-renamed.toml").write_text(text)
    result = load(directory)
    assert parses == ["t4-renamed.toml"]
    assert "t4-stats" not in result.catalog.tools and result.catalog.tools["t4-renamed"].path.endswith("t4-renamed.toml")
    same_as_plain_loader(result, directory)


def test_a_touched_file_is_read_again_but_not_parsed_again(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    first = load(directory)
    parses.clear()
    path = directory / "tools" / "t1-stats.toml"
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9, path.stat().st_mtime_ns + 10**9))
    result = load(directory)
    assert parses == [] and result.catalog.tools == first.catalog.tools


def test_an_edit_of_the_same_size_is_parsed(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    load(directory)
    path = directory / "tools" / "t1-stats.toml"
    text = path.read_text()
    path.write_text(text.replace("T1 Stats", "T9 Stats"))  # same size, new time
    parses.clear()
    result = load(directory)
    assert parses == ["t1-stats.toml"] and result.catalog.tools["t1-stats"].name == "T9 Stats"
    same_as_plain_loader(result, directory)
    path.write_text(text)  # back to the text cached before: compared by content, still parsed once
    parses.clear()
    assert load(directory).catalog.tools["t1-stats"].name == "T1 Stats" and parses == ["t1-stats.toml"]


def test_a_relative_and_an_absolute_path_share_one_cache(tmp_path, monkeypatch, parses):
    directory = catalogue(tmp_path / "cats" / "x")
    monkeypatch.chdir(tmp_path)
    relative = load(directory.relative_to(tmp_path))
    files = parsed_files()
    parses.clear()
    absolute = load(directory)
    assert parses == [] and absolute.statuses[0].cached == 6
    assert parsed_files() == files  # no second cache
    # Each run names the source and its files as that run spelt them.
    tool = absolute.catalog.tools["t1-stats"]
    assert tool.origin == str(directory) and tool.path == str(directory / "tools" / "t1-stats.toml")
    assert all(f.origin == str(directory) for o in tool.options for f in o.facts.values())
    assert relative.catalog.tools["t1-stats"].origin == "cats/x"
    same_as_plain_loader(absolute, directory)
    again = load(directory.relative_to(tmp_path))
    assert again.catalog.tools == relative.catalog.tools


def test_the_cache_is_rewritten_under_the_spelling_last_used(tmp_path, monkeypatch):
    directory = catalogue(tmp_path / "cats" / "x")
    monkeypatch.chdir(tmp_path)
    load(directory.relative_to(tmp_path))
    relabelled = []
    real = federation._Relabelling

    class Counting(real):
        def load(self):
            relabelled.append(1)
            return super().load()

    monkeypatch.setattr(federation, "_Relabelling", Counting)
    load(directory)
    assert relabelled  # read under the other spelling once...
    relabelled.clear()
    result = load(directory)
    assert not relabelled and result.statuses[0].cached == 6  # ...then stored under this one


def test_problems_cached_under_another_spelling_name_this_runs_path(tmp_path, monkeypatch):
    directory = catalogue(tmp_path / "cats" / "x", count=2)
    (directory / "tools" / "broken.toml").write_text("name = [")
    monkeypatch.chdir(tmp_path)
    load(directory.relative_to(tmp_path))
    result = load(directory)
    assert [p.file for p in result.errors] == [str(directory / "tools" / "broken.toml")]


def test_two_sources_with_the_same_file_names_keep_their_own_entries(tmp_path, parses):
    a = write_catalogue(tmp_path / "a", {"same-stats": entry("Same Stats A", "https://a.example.org")})
    b = write_catalogue(tmp_path / "b", {"same-stats": entry("Same Stats B", "https://b.example.org")})
    first = load_for_cli([a, b], notify=None)
    parses.clear()
    again = load_for_cli([a, b], notify=None)
    assert parses == [] and [s.cached for s in again.statuses] == [1, 1]
    assert again.catalog.tools == first.catalog.tools
    only_b = load_for_cli([b], notify=None)
    assert only_b.catalog.tools["same-stats"].name == "Same Stats B"
    assert load_for_cli([a], notify=None).catalog.tools["same-stats"].name == "Same Stats A"


@pytest.mark.parametrize(
    "damage", [
        "garbage", "truncated", "empty", "foreign pickle", "foreign entries", "columns of unequal length", "a foreign tool",
        "foreign problems",
    ]
)
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, damage, parses):
    directory = catalogue(tmp_path / "c")
    first = load(directory)
    files = parsed_files()
    assert files
    for path in files:
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x00not a pickle at all" * 10)
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            path.write_bytes(b"")
        elif damage == "foreign pickle":
            path.write_bytes(pickle.dumps(["someone", "else's", {"data": 1}]))
        elif damage == "foreign entries":  # our header, then entries of the wrong shape
            header = pickle.loads(data)
            path.write_bytes(pickle.dumps(header) + pickle.dumps({"t1-stats.toml": ("x", 1), "t2-stats.toml": [1, 2, 3, 4]}))
        elif not path.name.startswith("vocabulary-"):  # our header and columns, one of them cut short or holding something else than a tool
            with open(path, "rb") as handle:
                header, (names, stats, digests, found, tools) = pickle.load(handle), pickle.load(handle)
            if damage == "columns of unequal length":
                stats = stats[:-8]
            elif damage == "a foreign tool":
                tools = ["not a tool"] * len(tools)
            else:  # the first file of each shard "has problems" that are not problems
                found = {0: "not a list of problems"}
            path.write_bytes(pickle.dumps(header) + pickle.dumps((names, stats, digests, found, tools)))
    parses.clear()
    result = load(directory)
    assert result.ok and result.catalog.tools == first.catalog.tools
    assert sorted(parses) == [f"t{i}-stats.toml" for i in range(6)] or damage in ("foreign entries", "foreign problems")
    assert parses or damage == "foreign entries"
    same_as_plain_loader(result, directory)
    parses.clear()
    assert load(directory).statuses[0].cached == 6 and parses == []  # rebuilt


def test_a_file_unreadable_after_it_was_cached_is_reported_not_served(tmp_path, monkeypatch):
    directory = catalogue(tmp_path / "c")
    load(directory)
    path = directory / "tools" / "t1-stats.toml"
    mtime = path.stat().st_mtime_ns
    path.chmod(0o000)
    os.utime(path, ns=(mtime, mtime))  # same size and time: the mode says it changed
    real = federation.read_text

    def denied(p, *args, **kwargs):  # root reads a mode-000 file: make it fail as for anyone else
        if p == path:
            return None, Problem(str(p), 0, "", "cannot read file: Permission denied")
        return real(p, *args, **kwargs)

    real_open = federation._open_plain

    def denied_open(full):  # the same, for a plain file opened without following links
        if full == str(path):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(full)

    monkeypatch.setattr(federation, "read_text", denied)
    monkeypatch.setattr(federation, "_open_plain", denied_open)
    try:
        for _ in range(2):  # and not on the run after either
            result = load(directory)
            assert "t1-stats" not in result.catalog.tools
            assert [(p.file, p.message) for p in result.errors] == [(str(path), "cannot read file: Permission denied")]
    finally:
        path.chmod(0o644)
    monkeypatch.setattr(federation, "read_text", real)
    monkeypatch.setattr(federation, "_open_plain", real_open)
    os.utime(path, ns=(mtime + 10**9, mtime + 10**9))
    assert "t1-stats" in load(directory).catalog.tools


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    out = runner.invoke(app, ["--no-cache", "catalog", "stats", "--catalog", str(directory)])
    assert out.exit_code == OK, out.output
    assert parsed_files() == [] and len(parses) == 6
    load(directory)
    parses.clear()
    out = runner.invoke(app, ["--no-cache", "catalog", "stats", "--catalog", str(directory)])
    assert out.exit_code == OK and len(parses) == 6  # a full cache is not read either
    parses.clear()
    out = runner.invoke(app, ["catalog", "stats", "--catalog", str(directory)])
    assert out.exit_code == OK and parses == []  # the flag lasts one run


def test_sbb_no_cache_variable(tmp_path, parses, monkeypatch):
    directory = catalogue(tmp_path / "c")
    load(directory)
    parses.clear()
    monkeypatch.setenv("SBB_NO_CACHE", "1")
    assert load(directory).statuses[0].cached == 0 and len(parses) == 6


def test_cache_clear_removes_parsed_entries_and_keeps_pulled_sources(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    load(directory)
    pulled = cache_dir() / "git" / "agency-0123456789" / "keep.toml"
    pulled.parent.mkdir(parents=True)
    pulled.write_text("kept")
    count = len(parsed_files())
    out = runner.invoke(app, ["catalog", "cache", "clear"])
    assert out.exit_code == OK, out.output
    assert f"removed {count} parse cache file" in out.stdout and str(cache_dir() / "parsed") in out.stdout
    assert parsed_files() == [] and pulled.read_text() == "kept"
    out = runner.invoke(app, ["catalog", "cache", "clear"])
    assert out.exit_code == OK and "the parse cache is empty" in out.stdout
    parses.clear()
    load(directory)
    assert len(parses) == 6
    assert clear_cache(tmp_path / "nowhere") == (0, 0)


def test_a_vocabulary_change_revalidates_every_entry(tmp_path, parses):
    directory = catalogue(tmp_path / "c")
    load(directory)
    parses.clear()
    (directory / "capabilities.toml").write_text(
        'schema_version = 1\n\n[[capabilities]]\nid = "stats-extra"\nlabel = "Extra statistics"\narea = "analytics"\ngoals = ["monitoring"]\n'
    )
    result = load(directory)
    assert len(parses) == 6, result.problems


def test_a_load_through_federation_matches_the_direct_loader(tmp_path):
    directory = catalogue(tmp_path / "c")
    config = SourceConfig(sources=[SourceSpec(str(directory), "directory", str(directory), explicit=True)])
    cold = load_sources(config)
    warm = load_sources(config)
    assert cold.catalog.tools == warm.catalog.tools
    same_as_plain_loader(warm, directory)


def test_caches_of_the_earlier_layout_are_removed(tmp_path):
    directory = catalogue(tmp_path / "c")
    parsed = cache_dir() / "parsed"
    parsed.mkdir(parents=True)
    legacy = [parsed / "0123456789abcdef.pickle", parsed / "merged-0123456789abcdef.pickle"]
    for path in legacy:
        path.write_bytes(b"old")
    (parsed / "notes.txt").write_text("not ours to judge")
    load(directory)
    assert not any(path.exists() for path in legacy)
    assert (parsed / "notes.txt").exists() and parsed_files()  # the shards just written stay
    assert load(directory).statuses[0].cached == 6


def test_the_federated_vocabulary_is_cached_and_a_changed_vocabulary_file_is_read_again(tmp_path, monkeypatch):
    directory = catalogue(tmp_path / "c")
    vocabulary_file = directory / "capabilities.toml"
    vocabulary_file.write_text(
        '[[capability]]\nid = "stats-extra"\nlabel = "Extra statistics"\ndescription = "More."\n'
        'area = "analytics"\ngoals = ["monitoring"]\n'
    )
    read = []
    real = federation.read_vocabulary

    def spy(path=federation.BUNDLED_VOCABULARY):
        read.append(path)
        return real(path)

    monkeypatch.setattr(federation, "read_vocabulary", spy)
    first = load(directory)
    assert vocabulary_file in read and "stats-extra" in first.catalog.vocabulary
    read.clear()
    again = load(directory)
    assert read == []  # nothing parsed again: the vocabulary came from the cache
    assert again.catalog.vocabulary.capabilities == first.catalog.vocabulary.capabilities
    assert again.catalog.vocabulary.origins == first.catalog.vocabulary.origins
    vocabulary_file.write_text(
        '[[capability]]\nid = "stats-other"\nlabel = "Other statistics"\ndescription = "Else."\n'
        'area = "analytics"\ngoals = ["monitoring"]\n'
    )
    changed = load(directory)
    assert vocabulary_file in read
    assert "stats-other" in changed.catalog.vocabulary and "stats-extra" not in changed.catalog.vocabulary
    read.clear()
    vocabulary_file.unlink()
    gone = load(directory)
    assert "stats-other" not in gone.catalog.vocabulary and read  # a removed file is noticed too


def test_a_damaged_vocabulary_cache_is_ignored_and_rewritten(tmp_path):
    directory = catalogue(tmp_path / "c")
    first = load(directory)
    [cached] = (cache_dir() / "parsed").glob("vocabulary-*.pickle")
    header = pickle.loads(cached.read_bytes())
    for damage in (b"\x00garbage", pickle.dumps(header) + pickle.dumps(("not", "a vocabulary")), b""):
        cached.write_bytes(damage)
        result = load(directory)
        assert result.ok and result.catalog.vocabulary.capabilities == first.catalog.vocabulary.capabilities
        assert pickle.loads(cached.read_bytes()) == header  # rewritten


@pytest.mark.parametrize("change", ["added", "deleted", "renamed", "edited"])
def test_files_sharing_a_shard_keep_their_own_entries_when_the_listing_changes(tmp_path, monkeypatch, parses, change):
    # One shard for every file: entries are found by name once the shard's listing differs.
    monkeypatch.setattr(federation, "SHARDS", 1)
    directory = catalogue(tmp_path / "c", count=8)
    tools = directory / "tools"
    first = load(directory)
    assert len([p for p in parsed_files() if not p.name.startswith("vocabulary-")]) == 1
    parses.clear()
    if change == "added":
        (tools / "t0-aaa.toml").write_text(entry("Aaa Stats", "https://aaa.example.org"))  # sorts before the rest
    elif change == "deleted":
        (tools / "t0-stats.toml").unlink()
    elif change == "renamed":
        (tools / "t3-stats.toml").rename(tools / "t0-renamed.toml")
    else:
        (tools / "t5-stats.toml").write_text(entry("T5 Stats Edited", "https://t5.example.org"))
    result = load(directory)
    expected = {"added": ["t0-aaa.toml"], "deleted": [], "renamed": ["t0-renamed.toml"], "edited": ["t5-stats.toml"]}[change]
    assert parses == expected and result.statuses[0].cached == (7 if change != "added" else 8)
    for tool_id, tool in result.catalog.tools.items():
        if tool_id in first.catalog.tools and tool_id != "t5-stats":
            assert tool == first.catalog.tools[tool_id]
    same_as_plain_loader(result, directory)
    parses.clear()
    again = load(directory)
    assert parses == [] and again.catalog.tools == result.catalog.tools


def test_a_source_is_split_into_fewer_cache_files_when_it_is_small():
    assert [federation._shard_count(n) for n in (0, 1, 64, 65, 174, 1_000, 4_096, 10_000, 100_000)] == [1, 1, 1, 2, 4, 16, 64, 64, 64]


def shard_counts():
    """The splits of the sources' cache files now on disk (a file name holds its split's count)."""
    return {int(path.name.split("-")[1]) for path in parsed_files() if not path.name.startswith("vocabulary-")}


@pytest.mark.parametrize("grow", [True, False])
def test_a_source_that_crosses_a_split_size_keeps_its_entries_unparsed(tmp_path, monkeypatch, parses, grow):
    # Two files per cache file: 8 files make 4 cache files, 9 make 8, and back.
    monkeypatch.setattr(federation, "SHARD_FILES", 2)
    directory = catalogue(tmp_path / "c", count=8 if grow else 9)
    tools = directory / "tools"
    first = load(directory)
    assert shard_counts() == ({4} if grow else {8})
    parses.clear()
    if grow:
        (tools / "t9-stats.toml").write_text(entry("T9 Stats", "https://t9.example.org"))
    else:
        (tools / "t8-stats.toml").unlink()
    result = load(directory)
    assert parses == (["t9-stats.toml"] if grow else [])  # only the new file is parsed
    assert result.statuses[0].cached == 8
    assert shard_counts() == ({8} if grow else {4})  # the earlier split's files are gone
    for tool_id, tool in first.catalog.tools.items():
        if tool_id in result.catalog.tools:
            assert result.catalog.tools[tool_id] == tool
    same_as_plain_loader(result, directory)
    parses.clear()
    again = load(directory)
    assert parses == [] and again.statuses[0].cached == len(again.catalog.tools)


def test_an_earlier_split_that_is_damaged_is_parsed_again_not_trusted(tmp_path, monkeypatch, parses):
    monkeypatch.setattr(federation, "SHARD_FILES", 2)
    directory = catalogue(tmp_path / "c", count=8)
    load(directory)
    for path in parsed_files():
        if not path.name.startswith("vocabulary-"):
            path.write_bytes(path.read_bytes()[:40])  # truncated
    (directory / "tools" / "t9-stats.toml").write_text(entry("T9 Stats", "https://t9.example.org"))
    parses.clear()
    result = load(directory)
    assert sorted(parses) == sorted(p.name for p in (directory / "tools").glob("*.toml"))
    assert result.ok and shard_counts() == {8}
    same_as_plain_loader(result, directory)


def test_problems_are_cached_with_the_file_they_belong_to(tmp_path, monkeypatch, parses):
    monkeypatch.setattr(federation, "SHARDS", 1)
    directory = catalogue(tmp_path / "c", count=4)
    tools = directory / "tools"
    (tools / "t2-stats.toml").write_text(entry("T2 Stats", "https://t2.example.org").replace("2026-11-01", "2999-11-01"))  # a warning
    first = load(directory)
    assert first.problems and {p.file for p in first.problems} == {str(tools / "t2-stats.toml")}
    (tools / "t0-stats.toml").unlink()  # every later file moves up one place in the shard
    parses.clear()
    result = load(directory)
    assert parses == [] and result.problems == first.problems


def test_a_warm_load_returns_records_equal_to_the_cold_one_and_the_plain_loader(tmp_path):
    directory = catalogue(tmp_path / "c", count=12)
    cold = load(directory)
    warm = load(directory)
    assert warm.statuses[0].cached == 12
    assert warm.catalog.tools == cold.catalog.tools
    for tool_id, tool in warm.catalog.tools.items():
        assert [o.facts for o in tool.options] == [o.facts for o in cold.catalog.tools[tool_id].options]
    same_as_plain_loader(warm, directory)


def test_a_plain_file_is_read_in_one_open_as_read_text_reads_it(tmp_path):
    from catalog.problems import decode_text, read_text

    limit = 64
    files = {
        "fine.toml": "name = 'fine'\n".encode(),
        "large.toml": b"x" * (limit + 10),
        "exact.toml": b"y" * limit,
        "latin.toml": "caf\u00e9".encode("latin-1"),
        "empty.toml": b"",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "dir.toml").mkdir()
    for name in [*files, "dir.toml", "missing.toml"]:
        full = str(tmp_path / name)
        read = federation._read_plain(full, limit)
        assert read is not None
        stat, data, found = read
        if data is not None:
            text, problem = decode_text(full, data, limit)
            found = [problem] if problem else []
        else:
            text = None
        expected_text, expected_problem = read_text(tmp_path / name, limit=limit)
        assert (text, found) == (expected_text, [expected_problem] if expected_problem else []), name
        if name in files:
            st = os.lstat(full)
            assert stat == (st.st_mtime_ns, st.st_size, st.st_mode)  # the key a later run compares with
    (tmp_path / "link.toml").symlink_to(tmp_path / "fine.toml")
    assert federation._read_plain(str(tmp_path / "link.toml"), limit) is None  # the caller checks where it leads


def test_tool_files_that_are_links_are_read_only_inside_their_catalogue(tmp_path, parses):
    directory = catalogue(tmp_path / "c", count=3)
    tools = directory / "tools"
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(entry("Outside Stats", "https://outside.example.org"))
    (tools / "t9-stats.toml").symlink_to(tools / "t0-stats.toml")
    (tools / "t8-stats.toml").symlink_to(outside)
    for _ in range(2):  # cold, then warm
        result = load(directory)
        assert "t9-stats" in result.catalog.tools and "t8-stats" not in result.catalog.tools
        assert [p.file for p in result.errors] == [str(tools / "t8-stats.toml")]
        assert "outside the catalogue" in result.errors[0].message


def test_the_fixture_catalogue_round_trips_through_the_cache_whatever_its_facts_cite(tmp_path):
    from tests.conftest import FIXTURE_CATALOG

    directory = tmp_path / "fixture"
    shutil.copytree(FIXTURE_CATALOG, directory)
    cold = load(directory)
    warm = load(directory)
    assert warm.statuses[0].cached == len(warm.catalog.tools) > 0
    options = [o for t in warm.catalog for o in t.options]
    citing = [len({id(f.sources) for f in o.facts.values()}) for o in options]
    assert 1 in citing and any(n > 1 for n in citing)  # facts citing one set of sources, and several
    assert warm.catalog.tools == cold.catalog.tools and warm.problems == cold.problems
    for tool_id, tool in warm.catalog.tools.items():
        for mine, theirs in zip(tool.options, cold.catalog.tools[tool_id].options):
            assert list(mine.facts.items()) == list(theirs.facts.items())
    same_as_plain_loader(warm, directory)


def test_a_large_load_gives_freed_memory_back_and_a_small_one_does_not_try(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(federation, "release_free_memory", lambda: calls.append(1) or True)
    directory = catalogue(tmp_path / "c", count=3)
    load(directory)
    assert calls == []
    monkeypatch.setattr(federation, "TRIM_AFTER", 3)
    assert len(load(directory).catalog.tools) == 3 and calls == [1]


def test_free_memory_is_given_back_with_glibc_and_not_tried_elsewhere(monkeypatch):
    import platform
    import sys

    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert federation.release_free_memory() is glibc
    assert federation.release_free_memory() is glibc  # and again
    monkeypatch.setattr(sys, "platform", "darwin")
    assert federation.release_free_memory() is False


def test_a_stat_beyond_64_bits_is_cached_as_never_equal():
    fresh = federation._Fresh()
    fresh.read((1, 2, 3), b"a" * 16, [], None)
    fresh.read((2**70, 5, 6), b"b" * 16, [], None)
    names, stats, digests, found, tools = federation._shard_payload(["a.toml", "b.toml"], fresh, None)
    entries = federation._Entries.of((names, stats, digests, found, tools))
    assert entries is not None and entries.stat_equals(0, (1, 2, 3))
    assert list(entries.stats[3:]) == list(federation._NO_STAT) and not entries.stat_equals(1, (2**70, 5, 6))


def test_the_content_digest_is_blake2b_of_the_files_bytes():
    import hashlib

    for data in (b"", b"name = 'x'\n", "caf\u00e9 \U0001f600".encode()):
        assert federation._bytes_digest(data) == hashlib.blake2b(data, digest_size=16).digest()
        assert federation._content_digest(data.decode()) == federation._bytes_digest(data)
