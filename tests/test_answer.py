"""The answer: fit before the ladder, tie-breaks, lifecycle, the headline, honest edges."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.loader import load_catalog
from recommender.cli import app
from recommender.engine import BUILD, FITS, FITS_IF_RESOURCED, TO_VERIFY, recommend
from recommender.exits import BAD_INPUT, OK, ONLY_BUILD
from recommender.render import to_json, to_markdown, to_record, to_table
from recommender.profile import Requirement
from tests.conftest import profile

ANSWER_CATALOG = Path(__file__).parent / "fixtures" / "answer-catalog"
AS_OF = date(2026, 11, 30)
FORMS = ("capabilities", ("online-forms",))
EXPORT_AU = (("full_export", True), ("residency", ("AU",)))


@pytest.fixture(scope="module")
def forms():
    result = load_catalog([ANSWER_CATALOG])
    assert result.ok, [str(p) for p in result.problems]
    return result.catalog


def council(*extra, **context):
    """A small AU council: no ops staff unless the test says otherwise."""
    ctx = {"country": "AU", "level": "local", "ops_capacity": "none", "today": AS_OF, **context}
    return profile(FORMS, *EXPORT_AU, *extra, **ctx)


def keys(rec, tier=None):
    return [a.key for a in rec.options if tier is None or a.tier == tier]


def test_tiers_fit_before_resourcing_before_verify(forms):
    rec = recommend(forms, council())
    tiers = [a.tier for a in rec.options]
    assert tiers == sorted(tiers, key=[FITS, FITS_IF_RESOURCED, TO_VERIFY].index)
    assert keys(rec, FITS_IF_RESOURCED) == ["open-forms/self-hosted"]
    assert set(keys(rec, TO_VERIFY)) == {"shared-unknown/service", "mystery-forms/cloud"}
    # Within a tier, share before buy.
    assert keys(rec, FITS)[0] == "gov-forms/service"
    assert rec.answer.option.key == "gov-forms/service" and rec.answer.tier == FITS
    assert rec.answer.headline == "Adopt Gov Forms (share)."


def test_an_unverified_share_option_does_not_outrank_a_buy_option_that_fits(forms):
    # A state agency: Gov Forms is open to it; Shared Unknown's eligibility and residency are unknown.
    rec = recommend(forms, council(level="other-public"))
    assert "gov-forms/service" not in keys(rec)
    first = rec.options[0]
    assert first.step == "buy" and first.tier == FITS
    assert rec.options.index(next(a for a in rec.options if a.key == "shared-unknown/service")) > 0
    # The better-placed share option is named with what it takes.
    assert rec.answer.headline == f"Adopt {first.name} (buy)."
    assert rec.answer.conditions[0] == (
        "Prefer Open Forms (self-hosted; share) if the agency provides medium ops capacity (it has none) "
        "and skills in python (not among its stated skills)."
    )


HOSTED_FORMS = """schema_version = 1
name = "Hosted Forms"
summary = "Fictional vendor-hosted forms for an answer test."
homepage = "https://hosted-forms.example.org"
capabilities = ["online-forms"]
last_reviewed = 2026-10-01

[[options]]
id = "cloud"
name = "Hosted Forms Cloud"
origin = "commercial"
deployment = "hosted"
provider = "Hosted Forms Ltd"

[options.data]
full_export = true
residency = ["AU"]

[options.resourcing]
ops_effort = "low"
"""

RUN_YOUR_OWN_FORMS = """schema_version = 1
name = "Run Your Own Forms"
summary = "Fictional open-source forms whose export is not stated."
homepage = "https://ryof.example.org"
capabilities = ["online-forms"]
last_reviewed = 2026-10-01

[[options]]
id = "self-hosted"
name = "Run Your Own Forms (self-hosted)"
origin = "open-source"
deployment = "self-hosted"

[options.lock_in]
licence = "MIT"

[options.resourcing]
ops_effort = "medium"
skills = ["python"]
"""


def test_a_preferred_option_to_verify_also_names_what_running_it_needs(tmp_path):
    # The share option's export is unknown (to verify) and it needs capacity and skills the
    # council has not stated: preferring it names both. A council that has said it cannot add
    # them is not told to prefer it at all.
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "hosted-forms.toml").write_text(HOSTED_FORMS)
    (tmp_path / "tools" / "run-your-own-forms.toml").write_text(RUN_YOUR_OWN_FORMS)
    catalog = load_catalog([tmp_path]).catalog
    rec = recommend(catalog, council())
    assert [(a.key, a.tier) for a in rec.options] == [
        ("hosted-forms/cloud", FITS), ("run-your-own-forms/self-hosted", TO_VERIFY),
    ]
    assert rec.answer.headline == "Adopt Hosted Forms Cloud (buy)."
    assert rec.answer.conditions[0] == (
        "Prefer Run Your Own Forms (self-hosted; share) if its full data export is confirmed and the agency "
        "provides medium ops capacity (it has none) and skills in python (not among its stated skills)."
    )
    for indexed in (True, False):
        ruled_out = recommend(catalog, council(will_resource=False), indexed=indexed)
        assert ruled_out.answer.headline == "Adopt Hosted Forms Cloud (buy)."
        assert not any(c.startswith("Prefer") for c in ruled_out.answer.conditions), indexed


def test_the_agency_capacity_changes_the_order(forms):
    low = recommend(forms, council(level="other-public"))
    high = recommend(forms, council(level="other-public", ops_capacity="high", skills=("python",)))
    assert low.answer.option.step == "buy"
    assert high.answer.option.key == "open-forms/self-hosted" and high.answer.tier == FITS
    assert high.options[0].needs == ()


def test_an_agency_that_will_resource_ranks_resourced_options_with_those_that_fit(forms):
    rec = recommend(forms, council(level="other-public", will_resource=True))
    assert rec.options[0].key == "open-forms/self-hosted"
    assert rec.options[0].tier == FITS_IF_RESOURCED
    assert rec.answer.headline.startswith("Adopt Open Forms (self-hosted; share); the agency will provide medium ops capacity")


def test_fits_if_resourced_answer_names_what_to_fund_and_the_fallback(forms):
    rec = recommend(forms, council(("self_hosted", True)))
    assert rec.answer.tier == FITS_IF_RESOURCED
    assert rec.answer.headline.startswith("Adopt Open Forms (self-hosted; share) if the agency provides medium ops capacity")


def test_to_verify_answer_names_exactly_what_to_verify(forms):
    p = profile(FORMS, ("residency", ("AU",)), ("data_owner", True), country="NZ", level="national", today=AS_OF)
    rec = recommend(forms, p.without("eligible"))
    verify_first = [a for a in rec.options if a.tier == TO_VERIFY]
    assert verify_first
    if rec.answer.tier == TO_VERIFY:
        top = rec.answer.option
        assert rec.answer.headline.startswith(f"Verify, then adopt {top.name}")
        assert all(v.label in rec.answer.headline for v in top.unknown)


def test_a_high_risk_ranks_below_an_option_without_one(forms):
    rec = recommend(forms, council())
    buy = keys(rec, FITS)
    cloud = next(a for a in rec.options if a.key == "cloud-forms/cloud")
    assert cloud.risks["data_control"].level == "high"
    assert "AI assistant stores data in US" in cloud.risks["data_control"].reason
    # Cloud Forms has the most reuse evidence, but its HIGH risk puts it below the others.
    assert buy.index("cloud-forms/cloud") > buy.index("aardvark-forms/cloud")


def test_evidence_breaks_ties_before_the_name(forms):
    rec = recommend(forms, council())
    buy = keys(rec, FITS)
    assert buy.index("zebra-forms/cloud") < buy.index("aardvark-forms/cloud")


def test_a_residency_exception_fails_only_when_the_agency_uses_the_feature(forms):
    unused = recommend(forms, council())
    assert "cloud-forms/cloud" in keys(unused)
    used = recommend(forms, council(uses_features=("ai assistant",)))
    assert "cloud-forms/cloud" not in keys(used)
    near = next(a for a in used.near_misses if a.key == "cloud-forms/cloud")
    assert "AI assistant (used by the agency) stores data in US" in near.failed[0].fact


def test_an_ended_option_is_not_offered_and_shows_its_date(forms):
    rec = recommend(forms, council())
    assert "old-forms/cloud" not in keys(rec)
    near = next(a for a in rec.near_misses if a.key == "old-forms/cloud")
    assert near.ended == date(2026, 6, 1)
    assert near.blocking(False)[0].fact == "ended 2026-06-01"
    assert "old-forms/cloud (buy) blocked by ended 2026-06-01" in to_table(rec)
    earlier = recommend(forms, council(today=date(2026, 5, 1)))
    assert "old-forms/cloud" in keys(earlier)


def test_an_option_ending_within_a_year_carries_a_platform_risk_naming_the_date(forms):
    rec = recommend(forms, council())
    sunset = next(a for a in rec.options if a.key == "sunset-forms/cloud")
    assert sunset.risks["platform_control"].level == "high"
    assert "ends 2027-03-01" in sunset.risks["platform_control"].reason
    a_year_before = recommend(forms, council(today=date(2025, 11, 30)))
    sunset = next(a for a in a_year_before.options if a.key == "sunset-forms/cloud")
    assert "2027-03-01" not in sunset.risks["platform_control"].reason


# (demand, option, result, words in the fact): the assurance, records and open-data kinds.
KIND_CASES = [
    (("irap:protected",), "gov-forms/service", "pass", "IRAP (Australia) PROTECTED (the service)"),
    (("irap:official-sensitive",), "gov-forms/service", "pass", "PROTECTED"),  # higher meets lower
    (("irap:protected",), "vendor-forms/cloud", "fail", "only to IRAP (Australia) OFFICIAL: Sensitive"),
    (("irap:protected",), "cloud-forms/cloud", "unknown", "only its hosting is assessed"),
    (("iso27001",), "vendor-forms/cloud", "unknown", "only its hosting is assessed"),
    (("irap:protected",), "mystery-forms/cloud", "unknown", "level and scope not stated"),
    (("irap:protected",), "sealed-forms/cloud", "fail", "no security assessment"),
    (("irap:protected",), "aardvark-forms/cloud", "unknown", "not stated"),
    (("irap:protected",), "open-forms/self-hosted", "pass", "accredits its own deployment"),
    (("fedramp:moderate", "irap:official-sensitive"), "vendor-forms/cloud", "pass", "OFFICIAL: Sensitive"),
    (("retention_controls",), "gov-forms/service", "pass", "retention controls"),
    (("retention_controls",), "aardvark-forms/cloud", "unknown", "not stated"),
    (("retention_controls",), "sealed-forms/cloud", "fail", "no retention controls"),
    (("legal_hold",), "gov-forms/service", "fail", "no legal hold"),
    (("legal_hold",), "vendor-forms/cloud", "pass", "legal hold"),
    (("legal_hold",), "aardvark-forms/cloud", "unknown", "not stated"),
    (("archival_export",), "vendor-forms/cloud", "pass", "pdf-a"),
    (("archival_export",), "cloud-forms/cloud", "fail", "no archival export"),
    (("archival_export",), "aardvark-forms/cloud", "unknown", "not stated"),
    (("open_data",), "gov-forms/service", "pass", "publishes open data"),
    (("open_data",), "vendor-forms/cloud", "fail", "does not publish"),
    (("open_data",), "aardvark-forms/cloud", "unknown", "not stated"),
]


@pytest.mark.parametrize("demand,key,expected,words", KIND_CASES)
def test_new_requirement_kinds(forms, demand, key, expected, words):
    if demand[0] in ("retention_controls", "legal_hold", "archival_export", "open_data"):
        requirement = (demand[0], True)
    else:
        requirement = ("assurance", demand)
    rec = recommend(forms, profile(FORMS, requirement, today=AS_OF), strict=False)
    found = [a for a in (*rec.options, *rec.near_misses) if a.key == key]
    assert found, key
    verdict = next(v for v in found[0].verdicts if v.requirement == requirement[0])
    assert verdict.result == expected, verdict
    assert words in verdict.fact


def test_self_hosting_under_an_assurance_requirement_needs_capacity_to_accredit(forms):
    rec = recommend(forms, council(("assurance", ("irap:protected",)), ops_capacity="medium", skills=("python",)))
    own = next(a for a in rec.options if a.key == "open-forms/self-hosted")
    assert own.tier == FITS_IF_RESOURCED
    assert own.needs == ("high ops capacity to assess and accredit its own deployment",)


def test_strict_names_the_unverified_and_keeps_them_as_near_misses(forms):
    p = profile(FORMS, ("assurance", ("irap:protected",)), ("self_hosted", False), country="NZ", level="national", today=AS_OF)
    rec = recommend(forms, p.without("eligible"), strict=True)
    assert rec.only_build
    assert {a.key for a in rec.unverified} == {"cloud-forms/cloud", "mystery-forms/cloud", "aardvark-forms/cloud", "zebra-forms/cloud", "sunset-forms/cloud", "shared-unknown/service"}
    near = {a.key for a in rec.near_misses}
    assert {a.key for a in rec.unverified} <= near
    assert rec.answer.tier == BUILD
    assert rec.answer.headline.startswith("Build only if verification fails: nothing is verified to fit under --strict")
    assert rec.answer.conditions[0].startswith("Verify ")
    assert "removed as unverified under --strict" in to_table(rec)


def test_build_answer_when_nothing_fits_names_the_closest(forms):
    p = profile(FORMS, ("self_hosted", True), ("open_source", False), today=AS_OF)
    rec = recommend(forms, p)
    assert rec.only_build and rec.answer.tier == BUILD and rec.answer.option is None
    assert rec.answer.headline.startswith("Build")
    assert "nothing fits" in rec.answer.headline
    assert any(c.startswith("Resourcing risk of building: HIGH") for c in rec.answer.conditions)
    assert "Closest: Open Forms (self-hosted; share), blocked by not: open-source licence." in rec.answer.conditions


def test_every_output_opens_with_the_answer(forms):
    rec = recommend(forms, council())
    text = rec.answer.text
    assert to_table(rec).splitlines()[2].startswith("Answer: Adopt Gov Forms (share).")
    assert f"**Answer:** {text}" in to_markdown(rec).replace("\\", "")
    assert "**Adopt Gov Forms (share).**" in to_record(rec)
    data = json.loads(to_json(rec))
    assert data["schema_version"] == 2 and data["as_of"] == "2026-11-30"
    assert data["answer"] == {
        "option": "gov-forms/service",
        "step": "share",
        "tier": "fits",
        "headline": "Adopt Gov Forms (share).",
        "reason": rec.answer.reason,
        "conditions": list(rec.answer.conditions),
        "text": text,
    }
    tiers = {o["id"]: o["tier"] for o in data["options"]}
    assert tiers["open-forms/self-hosted"] == "fits-if-resourced"


def test_same_input_same_output(forms):
    assert to_json(recommend(forms, council())) == to_json(recommend(forms, council()))


# -- the command line ------------------------------------------------------------------------
runner = CliRunner()
CAT = ("--catalog", str(ANSWER_CATALOG))


def run(*args):
    return runner.invoke(app, list(args))


def test_as_of_makes_runs_reproducible():
    args = ("recommend", *CAT, "-c", "online-forms", "--format", "json")
    before = json.loads(run(*args, "--as-of", "2026-05-01").stdout)
    after = json.loads(run(*args, "--as-of", "2026-11-30").stdout)
    assert "old-forms/cloud" in {o["id"] for o in before["options"]}
    assert "old-forms/cloud" not in {o["id"] for o in after["options"]}
    assert next(n for n in after["near_misses"] if n["id"] == "old-forms/cloud")["ended"] == "2026-06-01"
    bad = run(*args, "--as-of", "30/11/2026")
    assert bad.exit_code == BAD_INPUT and "--as-of" in bad.stderr


def test_an_empty_catalogue_is_an_error_not_a_build(tmp_path):
    result = run("recommend", "--catalog", str(tmp_path), "-c", "online-forms")
    assert result.exit_code == BAD_INPUT, result.output
    assert "holds no tools" in result.stderr
    assert "Build" not in result.stdout


def test_no_tool_in_scope_is_an_error():
    result = run("recommend", *CAT, "-c", "web-analytics")
    assert result.exit_code == BAD_INPUT
    assert "no tool in the catalogue offers web-analytics" in result.stderr


def test_a_key_both_hard_and_soft_on_the_command_line_is_an_error():
    result = run("recommend", *CAT, "-c", "online-forms", "--soft", "capabilities=surveys:2")
    assert result.exit_code == BAD_INPUT
    assert "`capabilities` is given both as hard (--capability) and as a preference (--soft)" in result.stderr
    result = run("recommend", *CAT, "-c", "online-forms", "--hard", "open_data=true", "--soft", "open_data:2")
    assert result.exit_code == BAD_INPUT and "`open_data`" in result.stderr


def test_sso_protocols_and_assurance_are_read_in_any_case():
    result = run("recommend", *CAT, "-c", "online-forms", "--hard", "sso=OIDC", "--hard", "assurance=IRAP:Protected", "--format", "json")
    assert result.exit_code in (OK, ONLY_BUILD), result.output
    hard = json.loads(result.stdout)["profile"]["hard"]
    assert {"requirement": "sso", "value": ["oidc"]} in hard
    assert {"requirement": "assurance", "value": ["irap:protected"]} in hard


def test_unknown_schemes_and_levels_are_errors_with_suggestions():
    result = run("recommend", *CAT, "-c", "online-forms", "--hard", "assurance=irap:protectd")
    assert result.exit_code == BAD_INPUT
    assert "unknown level `protectd` for irap" in result.stderr and "did you mean `protected`?" in result.stderr
    result = run("recommend", *CAT, "-c", "online-forms", "--hard", "assurance=fedrmp:high")
    assert "unknown assessment scheme `fedrmp`" in result.stderr and "`fedramp`" in result.stderr


def test_labels_read_naturally(forms):
    p = profile(FORMS, ("api", True), ("sso", True), today=AS_OF)
    labels = [r.label for r in p.requirements]
    assert "any API" in labels and "single sign-on (any protocol)" in labels
    assurance = profile(FORMS, ("assurance", ("irap:protected",)), today=AS_OF).get("assurance")
    assert assurance.label == "security assessment: IRAP (Australia) PROTECTED or higher"


def test_certification_demands_are_checked_against_the_schemes():
    result = run("recommend", *CAT, "-c", "online-forms", "--hard", "certifications=iso9001")
    assert result.exit_code == BAD_INPUT
    assert "unknown assessment scheme `iso9001`" in result.stderr and "`iso27001`" in result.stderr
    ok = run("recommend", *CAT, "-c", "online-forms", "--hard", "certifications=ISO27001", "--format", "json")
    assert {"requirement": "certifications", "value": ["iso27001"]} in json.loads(ok.stdout)["profile"]["hard"]


def test_strict_table_says_unverified_not_failing(forms):
    p = profile(FORMS, ("assurance", ("irap:protected",)), ("self_hosted", False), country="NZ", level="national", today=AS_OF)
    text = to_table(recommend(forms, p.without("eligible"), strict=True))
    assert "No share or buy option is verified to meet the hard requirements: 6 removed under --strict" in text
    assert "No share or buy option meets the hard requirements." not in text


def test_a_judge_reuses_risks_only_while_what_risks_read_is_unchanged(forms):
    from recommender.engine import Judge

    judge = Judge(forms)
    base = council()
    first = judge.recommend(base)
    cloud = next(a for a in first.options if a.key == "cloud-forms/cloud")
    assert cloud.risks["data_control"].level == "high"  # AI assistant outside the required AU
    # A preference that risks do not read: the same risks, from the memo.
    again = judge.recommend(base.with_requirement(Requirement("max_exit_cost", "medium", False, 2)))
    assert next(a for a in again.options if a.key == "cloud-forms/cloud").risks == cloud.risks
    # Residency no longer demanded: the exception is no longer outside a requirement.
    wider = judge.recommend(base.without("residency"))
    assert next(a for a in wider.options if a.key == "cloud-forms/cloud").risks["data_control"].level == "medium"
    assert recommend(forms, base.without("residency")).options[0].risks == wider.options[0].risks


def test_every_face_lists_tiers_in_rank_order(forms):
    rec = recommend(forms, council(will_resource=False))
    assert rec.tiers == (FITS, TO_VERIFY, FITS_IF_RESOURCED)
    text = to_table(rec)
    assert text.index("TO VERIFY (") < text.index("FITS IF RESOURCED (")
