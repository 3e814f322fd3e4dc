"""The JSON answer written as it is made: the same bytes as encoding it whole, whatever it holds."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from catalog.files import FileExists, write_atomic
from catalog.record import replace
from recommender.cli import app
from recommender.cli.helpers import echo_pieces
from recommender.engine import recommend
from recommender.render import _data, json_pieces, to_data, to_json
from tests.conftest import FIXTURE_CATALOG, profile

runner = CliRunner()
WEB = ("capabilities", ("web-analytics",))


def whole(rec) -> str:
    """The answer encoded in one piece, as the documented shape says."""
    return json.dumps(to_data(rec), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "p",
    [
        profile(WEB),  # several options
        profile(WEB, ("residency", ("AU",)), ("self_hosted", False)),  # only build remains (under --strict)
        profile(WEB, unique=("a rule only this agency has",)),  # options and build
    ],
    ids=["options", "only-build", "options-and-build"],
)
def test_the_pieces_are_the_answer_encoded_whole(fixture_catalog, p):
    rec = recommend(fixture_catalog, p, strict=True)
    assert rec.build or rec.options
    pieces = list(json_pieces(rec))
    assert "".join(pieces) == whole(rec) == to_json(rec)
    assert len(pieces) >= 2 * len(to_data(rec)["options"])  # one option at a time, not one string


def test_no_option_and_no_build_is_still_the_whole_document(fixture_catalog):
    rec = recommend(fixture_catalog, profile(WEB))
    empty = replace(rec, options=(), build=None)
    assert "".join(json_pieces(empty)) == json.dumps(_data(empty, []), indent=2, ensure_ascii=False) + "\n"
    assert json.loads("".join(json_pieces(empty)))["options"] == []


def test_text_that_looks_like_the_stand_in_for_the_options_is_kept_as_it_is(fixture_catalog):
    p = profile(WEB)
    p = replace(p, title='\0options 00\0 "options": [', goals=("\0options\0",))
    rec = recommend(fixture_catalog, p)
    text = "".join(json_pieces(rec))
    assert text == whole(rec)
    assert json.loads(text)["profile"]["title"] == p.title


def test_the_command_writes_the_same_bytes_to_a_file_and_to_standard_output(tmp_path):
    args = ["recommend", "--catalog", str(FIXTURE_CATALOG), "-c", "web-analytics", "-f", "json", "--as-of", "2026-11-30"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0
    out = tmp_path / "answer.json"
    written = runner.invoke(app, [*args, "-o", str(out)])
    assert written.exit_code == 0 and out.read_text(encoding="utf-8") == shown.stdout
    assert json.loads(shown.stdout)["options"]


def test_pieces_are_written_atomically_and_a_failure_midway_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.json"
    write_atomic(target, iter(["[", "1", ",", "2", "]"]))
    assert target.read_text() == "[1,2]"

    def failing():
        yield "partial"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(target, failing(), overwrite=True)
    assert target.read_text() == "[1,2]" and os.listdir(tmp_path) == ["out.json"]
    with pytest.raises(FileExists):
        write_atomic(target, iter(["new"]))
    assert target.read_text() == "[1,2]" and os.listdir(tmp_path) == ["out.json"]


def test_pieces_reach_standard_output_in_order_gathered_into_few_writes(capsys, monkeypatch):
    import typer

    writes: list[str] = []
    monkeypatch.setattr(typer, "echo", lambda text, nl=True: writes.append(text))
    echo_pieces((str(i % 10) * 3 for i in range(100)), size=30)
    assert "".join(writes) == "".join(str(i % 10) * 3 for i in range(100))
    assert len(writes) == 10
    writes.clear()
    echo_pieces("one string")
    assert writes == ["one string"]


def test_pieces_are_written_whole_where_the_filesystem_has_no_hard_links(tmp_path, monkeypatch):
    # Without hard links the file is created exclusively and filled from the temporary copy:
    # the pieces, already consumed, are not asked for twice.
    def no_links(*args):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "out.json"
    pieces = iter(["{", '"a": ', "1", "}"])
    write_atomic(target, pieces)
    assert target.read_text() == '{"a": 1}' and os.listdir(tmp_path) == ["out.json"]
    with pytest.raises(FileExists):
        write_atomic(target, iter(["x"]))
    assert target.read_text() == '{"a": 1}'
