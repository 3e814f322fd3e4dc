"""The Government of Canada's authority to operate as an assessment scheme: GC Notify's, for
Protected A, judged against a Canadian department's demand."""

from __future__ import annotations

from datetime import date

from catalog import assurance, federation
from recommender.engine import FITS, recommend
from recommender.requirements import FAIL, PASS
from tests.conftest import profile

AS_OF = date(2026, 12, 1)


def test_the_scheme_orders_protected_a_below_protected_b():
    assert assurance.parse_demand("GC-ATO:Protected-B") == (("gc-ato", "protected-b"), "")
    assert assurance.level_rank("gc-ato", "protected-b") > assurance.level_rank("gc-ato", "protected-a")
    assert assurance.describe("gc-ato", "protected-a") == "Government of Canada authority to operate (ITSG-33) Protected A"
    problem = assurance.parse_demand("gc-ato:protected-c")[1]
    assert "unknown level `protected-c`" in problem and "protected-b" in problem


def canada(level):
    return profile(
        ("capabilities", ("email-notifications",)), ("assurance", (f"gc-ato:{level}",)),
        country="CA", level="national", today=AS_OF,
    )


def verdict(rec, key):
    found = next(a for a in (*rec.options, *rec.near_misses) if a.key == key)
    return next(v for v in found.verdicts if v.requirement == "assurance")


def test_gc_notify_meets_a_protected_a_demand_and_not_a_protected_b_one(bundled):
    rec = recommend(bundled, canada("protected-a"))
    assert rec.answer.option.key == "gc-notify/service" and rec.answer.tier == FITS
    assert verdict(rec, "gc-notify/service").result == PASS
    higher = recommend(bundled, canada("protected-b"))
    assert verdict(higher, "gc-notify/service").result == FAIL
    assert "gc-notify/service" in {a.key for a in higher.near_misses}


def test_a_change_of_schemes_invalidates_the_parse_cache():
    # Entries are validated against the schemes when parsed: the cache depends on them.
    assert "assurance" in federation._PARSING_CODE
