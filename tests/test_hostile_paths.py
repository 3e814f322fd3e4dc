"""Hostile input, paths and writes: nothing is written outside its target, nothing half-written stays.

Each test builds the attack (ids that climb out, symbolic links out of a catalogue or a pulled
repository, dangling links, directories as output files, a write killed halfway) and checks
the exact outcome.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.files import FileExists, UnsafePath, child_path, sweep_temps, write_atomic
from catalog.importing.common import Entry, slugify, write_entries
from catalog.loader import load_catalog
from catalog.sources import config_dir
from recommender.catalogs import load_for_cli
from recommender.cli import app
from recommender.exits import BAD_INPUT, OK, PROBLEMS
from tests.conftest import FIXTURE_CATALOG
from tests.sharing_helpers import commit, entry, git_catalogue, write_catalogue

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
NEW = ["--name", "X", "--summary", "S.", "--homepage", "https://x.example.org", "-c", "web-analytics",
       "--origin", "open-source", "--deployment", "self-hosted", "--source", "https://x.example.org"]


def files_under(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")}


# -- ids that would name a path ------------------------------------------------------------------
@pytest.mark.parametrize("bad_id", ["../../escaped", "/tmp/escaped-abs", "sub/escaped", "..", "x" * 81, "Upper", "a\x1b[2Jb"])
def test_catalog_new_refuses_an_id_that_is_not_a_slug_and_writes_nothing(tmp_path, bad_id):
    into = tmp_path / "a" / "b" / "into"
    into.mkdir(parents=True)
    before = files_under(tmp_path)
    out = runner.invoke(app, ["catalog", "new", "--id", bad_id, *NEW, "--into", str(into)])
    assert out.exit_code == BAD_INPUT
    assert "is not a usable id" in out.stderr and "nothing was written" in out.stderr
    assert "\x1b" not in out.stderr
    assert files_under(tmp_path) == before
    assert not Path("/tmp/escaped-abs.toml").exists()


def test_catalog_new_refuses_a_symbolic_link_at_the_target_name(tmp_path):
    into = tmp_path / "into" / "tools"
    into.mkdir(parents=True)
    outside = tmp_path / "outside.toml"
    (into / "evil.toml").symlink_to(outside)
    out = runner.invoke(app, ["catalog", "new", "--id", "evil", *NEW, "--into", str(tmp_path / "into")])
    assert out.exit_code == BAD_INPUT and "outside" in out.stderr
    assert not outside.exists()


def test_child_path_accepts_slugs_only_and_stays_in_its_directory(tmp_path):
    assert child_path(tmp_path, "good-id") == tmp_path / "good-id.toml"
    for bad in ("../x", "/x", "a/b", "a\\b", "", "x" * 81, "a.b", "-a"):
        with pytest.raises(UnsafePath):
            child_path(tmp_path, bad)
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    with pytest.raises(UnsafePath):
        child_path(tmp_path, "loop")


def test_slugify_cuts_long_names_to_a_usable_file_name():
    slug = slugify("A very long name " * 20)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.startswith("a-very-long-name")


# -- imports: per record, past a bad one ------------------------------------------------------
def _entry(tool_id: str) -> Entry:
    data = {
        "schema_version": 1, "name": tool_id, "summary": "Does things.", "homepage": "https://x.example.org",
        "capabilities": ["web-analytics"], "last_reviewed": __import__("datetime").date(2026, 1, 1),
        "sources": [{"id": "home", "url": "https://x.example.org"}],
        "options": [{"id": "self-hosted", "name": tool_id, "origin": "open-source", "deployment": "self-hosted"}],
    }
    return Entry(tool_id, data, f"in.json releases[{tool_id}]")


def test_an_import_reports_each_record_and_goes_on_past_a_bad_one(tmp_path, monkeypatch):
    import catalog.importing.common as common

    real = common.write_atomic

    def full_disk(path, text, overwrite=False):
        if path.name == "bad-two.toml":
            raise OSError(36, "File name too long", str(path))
        return real(path, text, overwrite)

    monkeypatch.setattr(common, "write_atomic", full_disk)
    entries = [_entry("good-one"), _entry("../escape"), _entry("bad-two"), _entry("good-three")]
    report = write_entries(entries, tmp_path / "into")
    assert [i for i, _ in report.created] == ["good-one", "good-three"]
    reasons = dict(report.skipped)
    assert "no usable id" in reasons["../escape"]
    assert reasons["bad-two"] == f"not written: File name too long: {tmp_path / 'into' / 'bad-two.toml'}"
    assert any(p.message.startswith("not written: File name too long") for p in report.errors)
    assert sorted(p.name for p in (tmp_path / "into").glob("*.toml")) == ["good-one.toml", "good-three.toml"]
    assert not (tmp_path / "escape.toml").exists()


# -- symbolic links out of a catalogue ------------------------------------------------------------
SECRET = 'secret_key = "TOP-SECRET-VALUE"\n'


def test_validate_does_not_follow_a_link_out_of_the_catalogue_nor_echo_it(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    (tmp_path / "outside.toml").write_text(SECRET)
    (catalogue / "tools" / "evil.toml").symlink_to(tmp_path / "outside.toml")
    (catalogue / "capabilities.toml").symlink_to(tmp_path / "outside.toml")
    out = runner.invoke(app, ["catalog", "validate", str(catalogue)])
    assert out.exit_code == PROBLEMS
    assert "TOP-SECRET" not in out.output and "secret_key" not in out.output
    assert f"{catalogue / 'tools' / 'evil.toml'}: error: a symbolic link to a file outside the catalogue directory: not read" in out.stdout
    assert f"{catalogue / 'capabilities.toml'}: error: a symbolic link" in out.stdout
    assert "1 tools" in out.stdout  # the rest still loads


def test_a_link_inside_the_catalogue_is_still_read(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {})
    (catalogue / "shared").mkdir()
    (catalogue / "shared" / "aa-stats.toml").write_text(entry("AA Stats", "https://aa.example.org"))
    (catalogue / "tools" / "aa-stats.toml").symlink_to(catalogue / "shared" / "aa-stats.toml")
    result = load_catalog([catalogue])
    assert result.ok and list(result.catalog.tools) == ["aa-stats"]


def test_a_pulled_repository_cannot_lead_out_of_its_checkout(tmp_path):
    repo = git_catalogue(tmp_path / "agency", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    (tmp_path / "home-secret.toml").write_text(SECRET)
    os.symlink(tmp_path / "home-secret.toml", repo / "catalogue" / "tools" / "evil.toml")
    os.symlink(tmp_path, repo / "escape")
    commit(repo, "links out")
    config = config_dir() / "sources.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'bundled = false\n[[sources]]\nname = "agency"\ngit = "{repo}"\npath = "catalogue"\n'
                      f'[[sources]]\nname = "agency-escape"\ngit = "{repo}"\npath = "escape"\n')
    pulled = runner.invoke(app, ["catalog", "pull"])
    assert "agency: cloned" in pulled.stdout and "TOP-SECRET" not in pulled.output
    messages: list[str] = []
    result = load_for_cli(None, notify=messages.append)
    assert list(result.catalog.tools) == ["aa-stats"]
    shown = "\n".join(messages + [str(p) for p in result.problems])
    assert "TOP-SECRET" not in shown and "secret_key" not in shown
    assert any(p.file.endswith("evil.toml") and "symbolic link to a file outside" in p.message for p in result.problems)
    assert any("`agency-escape` skipped" in m for m in messages)


# -- output files ----------------------------------------------------------------------------
CAT = ["--catalog", str(FIXTURE_CATALOG)]


def test_output_onto_a_dangling_symbolic_link_is_refused_with_exit_2(tmp_path):
    link = tmp_path / "report.md"
    link.symlink_to(tmp_path / "missing" / "target.md")
    for extra in ([], ["--force"]):
        out = runner.invoke(app, ["recommend", *CAT, "-c", "web-analytics", "-o", str(link), *extra])
        assert out.exit_code == BAD_INPUT
        assert out.stderr.strip() == f"{link} is a symbolic link to a missing file (remove it or choose another name)"
    assert link.is_symlink() and not (tmp_path / "missing").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_onto_a_directory_names_the_directory_not_a_temporary_file(tmp_path):
    out = runner.invoke(app, ["recommend", *CAT, "-c", "web-analytics", "-o", str(tmp_path), "--force"])
    assert out.exit_code == BAD_INPUT
    assert f"Is a directory (give a file name): {tmp_path}" in out.stderr and ".tmp" not in out.stderr
    assert os.listdir(tmp_path) == []


def test_write_atomic_cleans_its_temporary_file_on_any_error(tmp_path, monkeypatch):
    target = tmp_path / "out.toml"
    target.write_text("old")

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomic(target, "new", overwrite=True)
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.toml"]
    with pytest.raises(FileExists):
        write_atomic(target, "new")
    assert os.listdir(tmp_path) == ["out.toml"]


def test_stale_temporary_files_of_killed_writers_are_swept_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".aa.toml.{dead}.k2j4h5g6.tmp"
    stale.write_text("half")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = tmp_path / f".bb.toml.{sleeper.pid}.abcdefgh.tmp"
        live.write_text("being written")
        other = tmp_path / ".notes.tmp"  # not one of ours
        other.write_text("x")
        old_format = tmp_path / ".cc.toml.a1b2c3d4.tmp"  # left by an earlier release, an hour ago
        old_format.write_text("half")
        os.utime(old_format, (time.time() - 7200, time.time() - 7200))
        recent = tmp_path / ".dd.toml.e5f6g7h8.tmp"
        recent.write_text("maybe being written")
        assert sorted(sweep_temps(tmp_path)) == sorted([stale, old_format])
        assert live.exists() and other.exists() and recent.exists()
        assert not stale.exists() and not old_format.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


# -- killed while writing -------------------------------------------------------------------------
# Each writer, in a child process, rewrites one file over and over with one of two whole
# contents; the child is killed at a random moment. The file must hold one of the two
# contents whole, and the next write must leave no temporary file behind.
WRITERS = {
    "write_atomic": (
        "from catalog.files import write_atomic as w\n"
        "def put(p, text): w(p, text, overwrite=True)\n"
        "def get(p): return p.read_text()\n"
    ),
    "parse cache": (
        "from catalog.federation import CACHE_FORMAT, _read_shard, _write_shard\n"
        "H = {'format': CACHE_FORMAT, 'stamp': (), 'label': 'x', 'root': 'r'}\n"
        "def put(p, text): _write_shard(p, H, {'text': text})\n"
        "def get(p): return _read_shard(p, (), 'x', 'r')[0]['text']\n"
    ),
    "pull state": (
        "import json\nfrom catalog.sources import _write_json\n"
        "def put(p, text): _write_json(p, {'text': text})\n"
        "def get(p): return json.loads(p.read_text())['text']\n"
    ),
}
LOOP = (
    "import sys\nfrom pathlib import Path\n{writer}"
    "p = Path(sys.argv[1])\nA, B = 'a' * 400000, 'b' * 300000\nput(p, A)\nprint('ready', flush=True)\n"
    "i = 0\nwhile True:\n    put(p, B if i % 2 else A)\n    i += 1\n"
)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_writer_killed_midway_leaves_old_or_new_whole_and_no_temporary_file(tmp_path, name):
    target = tmp_path / "target.dat"
    script = LOOP.format(writer=WRITERS[name])
    namespace: dict = {}
    exec(WRITERS[name], namespace)
    for attempt in range(3):
        child = subprocess.Popen([sys.executable, "-c", script, str(target)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.02 + 0.03 * attempt)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert namespace["get"](target) in ("a" * 400000, "b" * 300000)
    namespace["put"](target, "c")  # the next run
    assert namespace["get"](target) == "c"
    assert os.listdir(tmp_path) == ["target.dat"]


CODEJSON = Path(__file__).parent / "fixtures" / "codejson" / "hhs-code.json"


@pytest.mark.parametrize("writer", ["recommend -o", "import codejson"])
def test_a_command_killed_midway_leaves_whole_files_and_the_next_run_sweeps(tmp_path, writer):
    out = tmp_path / "out"
    if writer == "recommend -o":
        args = ["recommend", "--catalog", str(FIXTURE_CATALOG), "-c", "web-analytics", "-f", "markdown", "-o", str(out / "report.md"), "--force"]
    else:
        args = ["catalog", "import", "codejson", str(CODEJSON), "--into", str(out), "--overwrite", "--reviewed", "2026-11-01", "-c", "web-analytics"]
    command = [sys.executable, "-m", "recommender", *args]
    env = {**os.environ, "SBB_NO_CONFIG": "1"}
    out.mkdir()
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode in (OK, PROBLEMS)
    whole = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for delay in (0.4, 0.7, 1.0):
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        for path in out.rglob("*"):
            if path.is_file() and not path.name.endswith(".tmp"):
                assert path.read_bytes() == whole[path.name], path  # each file old or new, whole
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode in (OK, PROBLEMS)
    assert not [p for p in out.rglob("*.tmp")]


def test_an_export_killed_midway_leaves_whole_files_and_the_next_run_sweeps(tmp_path):
    out_dir = tmp_path / "export"
    command = [sys.executable, "-m", "recommender", "catalog", "export", "-f", "toml", "-o", str(out_dir), "--overwrite"]
    env = {**os.environ, "SBB_NO_CONFIG": "1"}
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == OK
    for delay in (0.3, 0.5):
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
    result = load_catalog([out_dir])
    assert result.ok, [str(p) for p in result.errors][:3]
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == OK
    assert not [p for p in out_dir.rglob("*.tmp")]


def test_a_publiccode_folder_cannot_lead_the_import_out_of_it(tmp_path):
    from catalog.importing import publiccode
    from catalog.loader import load_vocabulary

    repo = tmp_path / "other-repo"
    (repo / "sub").mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "fixtures" / "publiccode" / "standard-example-minimal.yml", repo / "publiccode.yml")
    (tmp_path / "secret.yml").write_text("TOP-SECRET-KEY: value\n")
    (repo / "sub" / "publiccode.yml").symlink_to(tmp_path / "secret.yml")
    vocabulary, _ = load_vocabulary([])
    entries, problems = publiccode.import_files([repo], vocabulary, ["web-analytics"], reviewed=__import__("datetime").date(2026, 11, 1))
    assert len(entries) == 1
    assert [str(p) for p in problems if p.severity == "error"] == [
        f"{repo / 'sub' / 'publiccode.yml'}: error: a symbolic link to a file outside {repo}: not read"
    ]
    assert "TOP-SECRET" not in "\n".join(map(str, problems))


@pytest.mark.tui
def test_the_tui_save_dialog_names_a_dangling_link_instead_of_asking_to_replace(tmp_path):
    import asyncio

    asyncio.run(_tui_dangling(tmp_path))


async def _tui_dangling(tmp_path):
    from tui.main import SbbApp
    from tui.screens import SaveScreen

    link = tmp_path / "profile.toml"
    link.symlink_to(tmp_path / "missing" / "p.toml")
    app = SbbApp(loaded=load_catalog([FIXTURE_CATALOG]))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveScreen)
        dialog.query_one("#path").value = str(link)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "is a symbolic link to a missing file" in str(dialog.query_one("#problem").render())
    assert link.is_symlink() and not (tmp_path / "missing").exists()
