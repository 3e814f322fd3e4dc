"""The engine's index (recommender.index) gives the answer of judging every option one by one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from benchmarks.synth import write_catalog
from catalog.loader import load_catalog
from recommender.engine import Judge, Ranked, recommend
from recommender.index import SIGNATURES, engine_index
from recommender.profile import Profile, Requirement, read_profile
from recommender.render import to_json, to_markdown
from recommender.requirements import KINDS, Context
from tests.conftest import EXAMPLES


def fingerprint(rec) -> dict:
    """Everything a recommendation says, in order: the JSON and Markdown a person reads, and
    every option judged with its results, tier, needs and place."""

    def judged(a):
        return (a.key, a.status, a.results, a.failed_at, a.unknown_at, a.score, a.ended, a.tier, a.needs, a.disputes, a.rank_key())

    return {
        "json": to_json(rec),
        "markdown": to_markdown(rec),
        "answer": rec.answer and (rec.answer.option and rec.answer.option.key, rec.answer.step, rec.answer.tier, rec.answer.text, rec.answer.reason),
        "options": [judged(a) for a in rec.options],
        "excluded": [judged(a) for a in rec.excluded],
        "near": [a.key for a in rec.near_misses],
        "unverified": [a.key for a in rec.unverified],
        "ended": [a.key for a in rec.ended],
        "relaxation": [(r.requirement.kind, r.requirement.label, r.removes) for r in rec.relaxation],
        "build": rec.build and (rec.build.reasons, [a.key for a in rec.build.foundations], rec.build.only_option),
        "counts": (rec.in_scope, rec.total_options, rec.counts),
        "verdicts": [[(v.requirement, v.label, v.result, v.fact, v.sources) for v in a.verdicts] for a in rec.options[:5] + rec.near_misses[:5]],
        "risks": [a.risks for a in rec.options[:5]],
    }


def same_answer(catalog, profile, strict=False):
    plain = recommend(catalog, profile, strict, indexed=False)
    indexed = recommend(catalog, profile, strict)
    assert fingerprint(indexed) == fingerprint(plain), profile.title
    return indexed


def example_profiles(catalog):
    out = []
    for path in sorted(EXAMPLES.glob("*.toml")):
        found, problems = read_profile(path, catalog.vocabulary)
        assert found is not None, problems
        out.append(found)
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    result = load_catalog([write_catalog(tmp_path_factory.mktemp("synth"), 400)])
    assert result.ok
    return result.catalog


CTX = Context(country="AU", level="national", ops_capacity="low", today=date(2026, 11, 30))
COMMON = (
    Requirement("full_export", True),
    Requirement("api", ("rest",)),
    Requirement("open_source", True, False, 3),
    Requirement("max_ops_effort", "low", False, 2),
)
MANY = (
    Requirement("residency", ("AU", "NZ")),
    Requirement("sso", True),
    Requirement("data_owner", True, False, 2),
    Requirement("certifications", ("irap", "iso27001"), False, 1),
    Requirement("max_exit_cost", "medium"),
    Requirement("webhooks", True, False, 1),
    Requirement("eligible", True),
    Requirement("skills", True, False, 1),
    Requirement("max_cost_band", "medium", False, 1),
    Requirement("assurance", ("irap:protected",), False, 2),
)


def synthetic_profiles():
    return [
        Profile("narrow", requirements=(Requirement("capabilities", ("web-analytics",)), *COMMON), context=CTX),
        Profile("broad", requirements=COMMON, context=CTX, goals=("delivery",)),
        Profile("many", requirements=(*COMMON, *MANY), context=replace(CTX, skills=("php",), will_resource=True), goals=("delivery",)),
        Profile("everything", requirements=MANY, context=replace(CTX, stance="observer", ops_capacity="")),
        Profile("nothing in scope", requirements=(Requirement("capabilities", ("no-such-capability",)),), context=CTX),
    ]


def test_every_example_profile_gets_the_same_answer_on_the_bundled_catalogue(bundled):
    for profile in example_profiles(bundled):
        for strict in (False, True):
            same_answer(bundled, profile, strict)


def test_every_example_profile_gets_the_same_answer_on_the_fixture_catalogue(fixture_catalog):
    for profile in example_profiles(fixture_catalog):
        same_answer(fixture_catalog, profile)


def test_synthetic_profiles_get_the_same_answer(synthetic, bundled):
    for catalog in (synthetic, bundled):
        for profile in synthetic_profiles():
            for strict in (False, True):
                rec = same_answer(catalog, profile, strict)
                # Ranked by sets of positions, assessed only as far as read.
                assert isinstance(rec.options, Ranked) and isinstance(rec.near_misses, Ranked)


def test_a_ranked_answer_reads_as_a_tuple(synthetic):
    profile = synthetic_profiles()[1]
    rec, plain = recommend(synthetic, profile), recommend(synthetic, profile, indexed=False)
    assert len(rec.options) == len(plain.options) > 3
    assert [a.key for a in rec.options[1:3]] == [a.key for a in plain.options[1:3]]
    assert rec.options[-1].key == plain.options[-1].key and rec.options[0] is rec.options[0]
    assert rec.options[0] in rec.options and rec.options[0] not in rec.near_misses
    assert [a.key for a in rec.options[:2] + rec.near_misses[:1]] == [a.key for a in plain.options[:2] + plain.near_misses[:1]]
    with pytest.raises(IndexError):
        rec.options[len(plain.options)]


def test_the_same_answer_again_and_through_a_judge(synthetic):
    """Columns kept from one call serve the next; a Judge's memos and the index agree."""
    judge = Judge(synthetic)
    for profile in synthetic_profiles() * 2:
        expected = fingerprint(recommend(synthetic, profile, indexed=False))
        assert fingerprint(recommend(synthetic, profile)) == expected
        assert fingerprint(judge.recommend(profile)) == expected


def test_the_index_is_built_once_per_catalogue_and_knows_every_kind(synthetic):
    assert engine_index(synthetic) is engine_index(synthetic)
    assert len(engine_index(synthetic).options) == len(engine_index(synthetic).tools) == synthetic.option_count()
    # Every requirement kind's check has a signature (a new kind must say what it reads).
    assert set(SIGNATURES) == set(KINDS)


def test_options_with_the_same_facts_share_one_check(synthetic):
    calls = []
    evaluate = KINDS["full_export"].evaluate

    def counted(value, tool, option, ctx):
        calls.append(option)
        return evaluate(value, tool, option, ctx)

    column = engine_index(synthetic).column("full_export", counted, True, CTX)
    results = [column(p) for p in range(synthetic.option_count())]
    assert set(results) == {"pass", "fail"}
    assert len(calls) == 2  # true and false: two checks for every option of the catalogue
