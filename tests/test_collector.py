"""The garbage collector and answers: no reference cycles, collector state kept, session answers frozen."""

from __future__ import annotations

import gc

from recommender.engine import Judge, recommend
from tests.conftest import profile

PROFILE = profile(("capabilities", ("web-analytics",)), ("full_export", True), soft=(("open_source", True, 2),), country="AU")


def read_everything(rec):
    for a in (*rec.options, *rec.excluded, *rec.near_misses):
        for verdict in a.verdicts:
            verdict.provenance
            verdict.disputed
        a.risks
        a.blocking(True)
    rec.summary()


def test_an_answer_read_in_full_holds_no_reference_cycle(fixture_catalog):
    gc.collect()
    gc.disable()
    try:
        rec = recommend(fixture_catalog, PROFILE)
        assert rec.options or rec.excluded
        read_everything(rec)
        del rec
        assert gc.collect() == 0  # everything was freed by reference counting alone
    finally:
        gc.enable()


def test_recommend_leaves_the_collector_as_it_found_it(fixture_catalog):
    recommend(fixture_catalog, PROFILE)
    assert gc.isenabled()
    gc.disable()
    try:
        recommend(fixture_catalog, PROFILE)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_session_answer_is_frozen_out_of_full_collections(fixture_catalog):
    judge = Judge(fixture_catalog)
    try:
        rec = judge.recommend(PROFILE)
        tracked = {id(o) for o in gc.get_objects()}
        assert rec.options and not any(id(a) in tracked for a in rec.options)
        assert gc.get_freeze_count() > 0 and gc.isenabled()
        again = judge.recommend(PROFILE)
        assert [a.key for a in again.options] == [a.key for a in rec.options]
        assert [a.tier for a in again.options] == [a.tier for a in recommend(fixture_catalog, PROFILE).options]
    finally:
        gc.unfreeze()


def test_a_plain_answer_is_frozen_once_made_and_the_collector_restored(fixture_catalog):
    gc.collect()
    try:
        rec = recommend(fixture_catalog, PROFILE)
        tracked = {id(o) for o in gc.get_objects()}
        # What recommend made is out of the collector's reach, as the catalogue is once loaded.
        assert rec.options and not any(id(a) in tracked for a in rec.options)
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_sbb_recommend_draws_its_answer_with_the_collector_off(monkeypatch):
    from typer.testing import CliRunner

    from recommender import render
    from recommender.cli import app
    from tests.conftest import FIXTURE_CATALOG

    seen = []
    drawn = render.FORMATS["markdown"]

    def drawing(rec):
        seen.append(gc.isenabled())
        return drawn(rec)

    monkeypatch.setitem(render.FORMATS, "markdown", drawing)
    try:
        result = CliRunner().invoke(app, ["recommend", "--catalog", str(FIXTURE_CATALOG), "-c", "web-analytics", "-f", "markdown"])
        assert result.exit_code == 0 and seen == [False]
        assert gc.isenabled()  # as it was before the command
    finally:
        gc.unfreeze()


def test_sbb_recommend_encodes_json_with_the_collector_on_and_the_answer_frozen(monkeypatch):
    # Each encoding of an option leaves a reference cycle (the encoder's own functions): with
    # the collector off they piled up, 65 MB for 12,000 options. The answer made before is
    # frozen, so the collections meanwhile do not walk it.
    from typer.testing import CliRunner

    from recommender import render
    from recommender.cli import app
    from tests.conftest import FIXTURE_CATALOG

    seen = []
    drawn = render.json_pieces

    def drawing(rec):
        for piece in drawn(rec):
            seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
            yield piece

    monkeypatch.setattr(render, "json_pieces", drawing)
    try:
        result = CliRunner().invoke(app, ["recommend", "--catalog", str(FIXTURE_CATALOG), "-c", "web-analytics", "-f", "json"])
        assert result.exit_code == 0 and seen and all(on and frozen for on, frozen in seen)
    finally:
        gc.unfreeze()
