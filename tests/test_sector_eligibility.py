"""A service open only to some functions of government (COFOG sectors) is judged by the
agency's sectors: open to it, closed to it, or to verify when the agency has not said."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.loader import load_catalog
from recommender.cli import app
from recommender.engine import recommend
from recommender.profile import Profile, Requirement, parse_profile
from recommender.requirements import FAIL, KINDS, PASS, UNKNOWN, Context

HEALTH_NOTIFY = """\
schema_version = 1
name = "Care Notify"
summary = "Messages to patients, run by a national health body for health and care organisations."
homepage = "https://care-notify.example.gov"
capabilities = ["email-notifications"]
last_reviewed = 2026-11-01

[[sources]]
id = "who"
url = "https://care-notify.example.gov/who-can-use-it"

[[options]]
id = "service"
name = "Care Notify service"
origin = "cross-agency"
deployment = "hosted"
provider = "National Health Body"

[options.integration]
api = ["rest"]

[options.eligibility]
countries = ["GB"]
sectors = ["health", "social-protection"]
sources = ["who"]
"""

OPEN_NOTIFY = HEALTH_NOTIFY.replace("Care Notify", "Open Notify").replace("care-notify", "open-notify").replace(
    'sectors = ["health", "social-protection"]\n', ""
)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("sectors")
    (root / "tools").mkdir()
    (root / "tools" / "care-notify.toml").write_text(HEALTH_NOTIFY)
    (root / "tools" / "open-notify.toml").write_text(OPEN_NOTIFY)
    result = load_catalog([root])
    assert result.ok, [str(p) for p in result.problems]
    return root, result.catalog


def judge(catalog, **context):
    tool = catalog.tools["care-notify"]
    return KINDS["eligible"].evaluate(True, tool, tool.options[0], Context(country="GB", **context))


def test_a_health_body_may_use_it(catalog):
    outcome = judge(catalog[1], sectors=("health",))
    assert outcome.result == PASS and "sectors health, social-protection" in outcome.fact
    assert [s.id for s in outcome.sources] == ["who"]


def test_an_agency_of_another_sector_may_not(catalog):
    assert judge(catalog[1], sectors=("education",)).result == FAIL
    # One shared function is enough: a council with adult social care may use it.
    assert judge(catalog[1], sectors=("general-public-services", "social-protection")).result == PASS


def test_an_unstated_sector_is_to_verify_never_a_pass(catalog):
    outcome = judge(catalog[1])
    assert outcome.result == UNKNOWN and "sector is not stated" in outcome.fact
    # A wrong country still fails outright, sector or not.
    tool = catalog[1].tools["care-notify"]
    assert KINDS["eligible"].evaluate(True, tool, tool.options[0], Context(country="AU")).result == FAIL


def test_ranking_follows_the_sector(catalog):
    base = Profile(requirements=(Requirement("capabilities", ("email-notifications",)),))
    health = recommend(catalog[1], replace(base, context=Context(country="GB", sectors=("health",))).effective())
    assert {a.key for a in health.options} == {"care-notify/service", "open-notify/service"}
    schools = recommend(catalog[1], replace(base, context=Context(country="GB", sectors=("education",))).effective())
    assert [a.key for a in schools.options] == ["open-notify/service"]
    missed = next(a for a in schools.near_misses if a.key == "care-notify/service")
    assert [v.requirement for v in missed.failed] == ["eligible"]


def test_sectors_alone_make_eligibility_a_requirement():
    profile = Profile(context=Context(sectors=("health",)))
    assert profile.effective().get("eligible") is not None


def test_profile_reads_and_writes_sectors(catalog):
    text = '[context]\ncountry = "GB"\nsectors = ["health"]\n[hard]\ncapabilities = ["email-notifications"]\n'
    profile, problems = parse_profile(text, catalog[1].vocabulary, "p.toml")
    assert not problems and profile.context.sectors == ("health",)
    assert profile.to_toml_data()["context"]["sectors"] == ["health"]


def test_an_unknown_sector_is_an_error_with_a_suggestion(catalog):
    text = '[context]\nsectors = ["helth"]\n[hard]\ncapabilities = ["email-notifications"]\n'
    _, problems = parse_profile(text, catalog[1].vocabulary, "p.toml")
    assert any("`helth` is not one of" in str(p) and "did you mean `health`" in str(p) for p in problems)


def test_the_cli_takes_sectors_and_reports_them(catalog):
    runner = CliRunner()
    args = ["recommend", "--catalog", str(catalog[0]), "-c", "email-notifications", "--country", "GB", "-f", "json"]
    schools = json.loads(runner.invoke(app, [*args, "--sector", "education"]).stdout)
    assert schools["profile"]["context"]["sectors"] == ["education"]
    assert [o["id"] for o in schools["options"] if o["id"] != "build"] == ["open-notify/service"]
    health = json.loads(runner.invoke(app, [*args, "--sector", "health"]).stdout)
    assert "care-notify/service" in [o["id"] for o in health["options"]]
    bad = runner.invoke(app, [*args, "--sector", "helth"])
    assert bad.exit_code == 2 and "did you mean `health`" in bad.stderr


def test_the_bundled_nhs_notify_is_only_for_health_and_care(bundled):
    tool = bundled.tools["nhs-notify"]
    option = tool.options[0]
    assert option.value("eligibility.sectors") == ("health", "social-protection")
    gb = Context(country="GB", level="national")
    assert KINDS["eligible"].evaluate(True, tool, option, replace(gb, sectors=("economic-affairs",))).result == FAIL
    assert KINDS["eligible"].evaluate(True, tool, option, replace(gb, sectors=("health",))).result == PASS


def test_without_the_agencys_country_a_service_open_to_some_countries_is_to_verify(fixture_catalog):
    """Unknown is never a pass: a service open only to GB agencies is not offered as fitting an
    agency that has not said where it is, and it fits once the agency says it is one of them."""
    from recommender.engine import recommend
    from tests.conftest import profile

    unstated = recommend(fixture_catalog, profile(("capabilities", ("email-notifications",))))
    service = next(a for a in unstated.options if a.key == "gamma-notify/service")
    assert service.status == "to-verify"
    verdict = next(v for v in service.verdicts if v.requirement == "eligible")
    assert verdict.hard and verdict.result == "unknown" and "GB" in verdict.fact
    stated = recommend(fixture_catalog, profile(("capabilities", ("email-notifications",)), country="GB", level="national"))
    assert next(a for a in stated.options if a.key == "gamma-notify/service").status != "to-verify"
