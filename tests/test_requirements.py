"""Every requirement kind yields pass, fail and unknown from the catalogue facts."""

from __future__ import annotations

from datetime import date

import pytest

from recommender.requirements import FAIL, KINDS, PASS, UNKNOWN, Context

CTX = Context(country="GB", level="national", skills=("php", "mysql"), today=date(2026, 11, 21))

# (kind, value, tool id, option id, expected result, words expected in the fact)
CASES = [
    ("capabilities", ("web-analytics",), "alpha-analytics", "cloud", PASS, "offers web-analytics"),
    ("capabilities", ("web-analytics", "surveys"), "alpha-analytics", "cloud", FAIL, "lacks surveys"),
    ("full_export", True, "alpha-analytics", "cloud", PASS, "full export"),
    ("full_export", True, "gamma-notify", "service", FAIL, "no full export"),
    ("full_export", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("full_export", True, "beta-insights", "cloud", PASS, "separately paid"),
    ("export_formats", ("sql",), "alpha-analytics", "self-hosted", PASS, "csv, sql"),
    ("export_formats", ("json",), "alpha-analytics", "self-hosted", FAIL, "csv, sql"),
    ("export_formats", ("json",), "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("residency", ("DE",), "alpha-analytics", "cloud", PASS, "stored in DE"),
    ("residency", ("EU",), "alpha-analytics", "cloud", PASS, "stored in DE"),
    ("residency", ("AU",), "alpha-analytics", "cloud", FAIL, "stored in DE"),
    ("residency", ("DE",), "beta-insights", "cloud", UNKNOWN, "stored in EU"),
    ("residency", ("EU",), "beta-insights", "cloud", PASS, "AI summaries, which stores data in US (a risk if used)"),
    ("residency", ("AU",), "alpha-analytics", "self-hosted", PASS, "agency chooses"),
    ("residency", ("AU",), "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("self_hosted", True, "alpha-analytics", "self-hosted", PASS, "self-hosted"),
    ("self_hosted", True, "alpha-analytics", "cloud", FAIL, "hosted by Alpha Ltd"),
    ("data_owner", True, "alpha-analytics", "cloud", PASS, "agency"),
    ("data_owner", True, "beta-insights", "cloud", FAIL, "vendor"),
    ("data_owner", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("no_third_party", True, "alpha-analytics", "cloud", PASS, "no data"),
    ("no_third_party", True, "beta-insights", "cloud", FAIL, "by default"),
    ("no_third_party", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("retention_months", 25, "alpha-analytics", "cloud", PASS, "without a time limit"),
    ("retention_months", 25, "beta-insights", "cloud", FAIL, "14 months"),
    ("retention_months", 25, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("open_source", True, "alpha-analytics", "cloud", PASS, "MIT"),
    ("open_source", True, "beta-insights", "cloud", FAIL, "not open source"),
    ("open_source", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("open_standards", True, "alpha-analytics", "self-hosted", PASS, "csv"),
    ("open_standards", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("independent_providers", True, "alpha-analytics", "cloud", PASS, "other providers"),
    ("independent_providers", True, "beta-insights", "cloud", FAIL, "no independent"),
    ("independent_providers", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("max_exit_cost", "medium", "alpha-analytics", "cloud", PASS, "low"),
    ("max_exit_cost", "medium", "beta-insights", "cloud", FAIL, "high"),
    ("max_exit_cost", "medium", "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("maintained", True, "alpha-analytics", "cloud", PASS, "active"),
    ("maintained", True, "beta-insights", "cloud", FAIL, "retiring, ends 2027-06-30"),
    ("maintained", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("api", ("rest",), "alpha-analytics", "cloud", PASS, "rest"),
    ("api", ("graphql",), "alpha-analytics", "cloud", FAIL, "rest"),
    ("api", True, "beta-insights", "cloud", PASS, "Enterprise plan only"),
    ("api", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("webhooks", True, "gamma-notify", "service", PASS, "webhooks"),
    ("webhooks", True, "beta-insights", "cloud", FAIL, "no webhooks"),
    ("webhooks", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("sso", ("saml", "oidc"), "alpha-analytics", "cloud", PASS, "saml"),
    ("sso", ("oidc",), "alpha-analytics", "cloud", FAIL, "saml"),
    ("sso", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("provisioning", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("max_ops_effort", "medium", "alpha-analytics", "self-hosted", PASS, "medium"),
    ("max_ops_effort", "low", "alpha-analytics", "self-hosted", FAIL, "medium"),
    ("max_ops_effort", "low", "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("skills", True, "alpha-analytics", "self-hosted", PASS, "php, mysql"),
    ("skills", True, "gamma-notify", "code", FAIL, "lacks python, aws"),
    ("skills", True, "delta-desk", "cloud", PASS, "hosted"),
    ("certifications", ("iso27001", "irap"), "alpha-analytics", "cloud", PASS, "iso27001"),
    ("certifications", ("irap",), "alpha-analytics", "cloud", FAIL, "iso27001"),
    ("certifications", ("irap",), "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("certifications", ("irap",), "alpha-analytics", "self-hosted", UNKNOWN, "agency's own hosting"),
    ("accessibility", "wcag2.1-aa", "epsilon-cms", "platform", PASS, "wcag2.1-aa"),
    ("accessibility", "wcag2.0-aa", "epsilon-cms", "platform", PASS, "wcag2.1-aa"),
    ("accessibility", "wcag2.1-aa", "beta-insights", "cloud", FAIL, "wcag2.0-aa"),
    ("accessibility", "wcag2.1-aa", "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("archiving", True, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("cost_models", ("free", "free-for-government"), "gamma-notify", "service", PASS, "free-for-government"),
    ("cost_models", ("free",), "alpha-analytics", "cloud", FAIL, "subscription"),
    ("cost_models", ("free",), "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("max_cost_band", "low", "alpha-analytics", "cloud", PASS, "low"),
    ("max_cost_band", "low", "beta-insights", "cloud", FAIL, "high"),
    ("max_cost_band", "low", "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("eligible", True, "gamma-notify", "service", PASS, "GB"),
    ("eligible", True, "epsilon-cms", "platform", FAIL, "AU"),
    ("eligible", True, "alpha-analytics", "cloud", PASS, "any buyer"),
    ("min_agencies", 2, "alpha-analytics", "self-hosted", PASS, "used by 2"),
    ("min_agencies", 3, "alpha-analytics", "self-hosted", FAIL, "used by 2"),
    ("min_agencies", 1, "zeta-unknown", "cloud", UNKNOWN, "not stated"),
    ("reviewed_within_months", 12, "alpha-analytics", "cloud", PASS, "2026-10-01"),
    ("reviewed_within_months", 12, "beta-insights", "cloud", FAIL, "2024-01-15"),
]


@pytest.mark.parametrize("kind,value,tool_id,option_id,expected,words", CASES)
def test_verdict(fixture_catalog, kind, value, tool_id, option_id, expected, words):
    tool = fixture_catalog.tools[tool_id]
    option = next(o for o in tool.options if o.id == option_id)
    outcome = KINDS[kind].evaluate(value, tool, option, CTX)
    assert outcome.result == expected, outcome
    assert words in outcome.fact


def test_a_sub_feature_stored_elsewhere_fails_residency_only_when_used(fixture_catalog):
    tool = fixture_catalog.tools["beta-insights"]
    uses = Context(country="GB", uses_features=("AI Summaries",))
    outcome = KINDS["residency"].evaluate(("EU",), tool, tool.options[0], uses)
    assert outcome.result == FAIL and "AI summaries (used by the agency) stores data in US" in outcome.fact


def test_every_kind_is_tested_for_each_result():
    from tests.test_answer import KIND_CASES

    seen: dict[str, set] = {}
    for kind, *_, expected, _ in CASES:
        seen.setdefault(kind, set()).add(expected)
    for demand, _, expected, _ in KIND_CASES:
        kind = demand[0] if demand[0] in KINDS else "assurance"
        seen.setdefault(kind, set()).add(expected)
    assert set(seen) == set(KINDS), set(KINDS) - set(seen)
    never_unknown = {"capabilities", "self_hosted", "reviewed_within_months"}
    one_sided = {"open_standards", "provisioning", "archiving"}  # the fixture states none: unknown only
    for kind, results in seen.items():
        if kind in one_sided:
            assert UNKNOWN in results
        elif kind in never_unknown or kind in ("skills", "eligible"):
            assert {PASS, FAIL} <= results, (kind, results)
        else:
            assert {PASS, FAIL, UNKNOWN} <= results, (kind, results)


def test_eligibility_unknown_without_context_and_for_unstated_services(fixture_catalog):
    tool = fixture_catalog.tools["gamma-notify"]
    service = tool.options[0]
    assert KINDS["eligible"].evaluate(True, tool, service, Context()).result == UNKNOWN
    assert KINDS["eligible"].evaluate(True, tool, service, Context(country="GB", level="state")).result == FAIL


def test_verdicts_carry_the_sources_of_their_fact(fixture_catalog):
    tool = fixture_catalog.tools["beta-insights"]
    outcome = KINDS["residency"].evaluate(("EU",), tool, tool.options[0], CTX)
    assert "https://beta.example.com/ai" in [s.url for s in outcome.sources]
