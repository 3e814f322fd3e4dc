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
