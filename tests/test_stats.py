"""`sbb catalog stats`: the tool count and the unknown share of the deciding facts per step.

Expected figures are counted by hand from tests/fixtures/catalog (9 options):

| option | step / origin | hosted | unknown deciding facts |
|---|---|---|---|
| alpha self-hosted | share, open-source | no | sso (1 of 7) |
| alpha cloud | buy | yes | webhooks (1 of 9) |
| beta cloud | buy | yes | sso; webhooks is a sourced `false` (1 of 9) |
| delta self-hosted | share, open-source | no | full_export, cost_model (2 of 7) |
| delta cloud | buy | yes | sso, ops_effort, cost_model, assurance (4 of 9) |
| epsilon platform | share, cross-agency | yes | api, webhooks, sso, ops_effort, cost_model (5 of 9) |
| gamma service | share, cross-agency | yes | sso, licence, assurance; full_export is a sourced `false` (3 of 9) |
| gamma code | share, open-source | no | full_export, sso, cost_model (3 of 7) |
| zeta cloud | buy | yes | all nine (9 of 9) |
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from catalog.loader import load_catalog
from catalog.stats import stats
from recommender.cli import app
from tests.conftest import FIXTURE_CATALOG

runner = CliRunner()


def test_deciding_facts_on_the_fixture_catalogue(fixture_catalog):
    data = stats(fixture_catalog)
    assert data["tools"] == 6 and data["options"] == 9
    deciding = data["deciding_facts"]
    figures = {g: (deciding[g]["options"], deciding[g]["unknown"], deciding[g]["possible"]) for g in ("share", "buy", "buy_and_cross_agency", "overall")}
    assert figures == {"share": (5, 14, 39), "buy": (4, 15, 36), "buy_and_cross_agency": (6, 23, 54), "overall": (9, 29, 75)}
    assert deciding["overall"]["unknown_share"] == round(29 / 75, 4)
    assert deciding["overall"]["unknown_by_fact"] == {
        "full_export": 3, "api": 2, "webhooks": 3, "sso": 7, "ops_effort": 3, "cost_model": 5, "licence": 2, "residency": 1, "assurance": 3,
    }
    assert deciding["facts"] == ["full_export", "api", "webhooks", "sso", "ops_effort", "cost_model", "licence"]
    assert deciding["hosted_facts"] == ["residency", "assurance"]


def test_a_false_or_empty_fact_counts_only_with_a_source(tmp_path):
    text = (FIXTURE_CATALOG / "tools" / "gamma-notify.toml").read_text()
    (tmp_path / "gamma-notify.toml").write_text(text)
    with_source = stats(load_catalog([tmp_path]).catalog)["deciding_facts"]["overall"]["unknown_by_fact"]["full_export"]
    start, end = text.index("[[sources]]"), text.index("[[options]]")
    bare = text[:start] + text[end:]
    bare = "\n".join(line for line in bare.splitlines() if not line.startswith(("sources =", "source =")))
    (tmp_path / "gamma-notify.toml").write_text(bare)
    result = load_catalog([tmp_path])
    assert result.ok, [str(p) for p in result.errors]
    option = result.catalog.tools["gamma-notify"].options[0]
    assert option.value("data.full_export") is False and option.fact("data.full_export").sources == ()
    without = stats(result.catalog)["deciding_facts"]["overall"]["unknown_by_fact"]["full_export"]
    assert without == with_source + 1


def test_stats_cli_text_and_json():
    out = runner.invoke(app, ["catalog", "stats", "--catalog", str(FIXTURE_CATALOG)])
    assert out.exit_code == 0
    assert out.stdout.startswith("6 tools, 9 options")
    assert "  buy + cross-agency      23 of 54      43%   (6 options)" in out.stdout
    assert "  overall                 29 of 75      39%   (9 options)" in out.stdout
    assert "unknown by fact, buy + cross-agency: full_export 1, api 2, webhooks 3, sso 5, ops_effort 3, cost_model 3, licence 2, residency 1, assurance 3" in out.stdout
    data = json.loads(runner.invoke(app, ["catalog", "stats", "--catalog", str(FIXTURE_CATALOG), "-f", "json"]).stdout)
    assert data["tools"] == 6
    assert data["deciding_facts"]["buy"]["unknown"] == 15 and data["deciding_facts"]["share"]["possible"] == 39


def test_gaps_list_each_option_with_its_unknown_deciding_facts_buy_and_cross_agency_first():
    # The same options and facts as the table at the top of this file.
    out = runner.invoke(app, ["catalog", "stats", "--catalog", str(FIXTURE_CATALOG), "--gaps"])
    assert out.exit_code == 0
    section = out.stdout.split("options with deciding facts unknown (9; buy and cross-agency first, most unknown first):\n")[1]
    assert section.splitlines() == [
        "  zeta-unknown/cloud           buy   B/X  9 of 9: full_export, api, webhooks, sso, ops_effort, cost_model, licence, residency, assurance",
        "  epsilon-cms/platform         share B/X  5 of 9: api, webhooks, sso, ops_effort, cost_model",
        "  delta-desk/cloud             buy   B/X  4 of 9: sso, ops_effort, cost_model, assurance",
        "  gamma-notify/service         share B/X  3 of 9: sso, licence, assurance",
        "  alpha-analytics/cloud        buy   B/X  1 of 9: webhooks",
        "  beta-insights/cloud          buy   B/X  1 of 9: sso",
        "  gamma-notify/code            share      3 of 7: full_export, sso, cost_model",
        "  delta-desk/self-hosted       share      2 of 7: full_export, cost_model",
        "  alpha-analytics/self-hosted  share      1 of 7: sso",
    ]
    data = json.loads(runner.invoke(app, ["catalog", "stats", "--catalog", str(FIXTURE_CATALOG), "--gaps", "-f", "json"]).stdout)
    by_option = {row["option"]: row for row in data["gaps"]}
    # A sourced `false` is known: gamma's service states no full export, with its source.
    assert by_option["gamma-notify/service"]["unknown"] == ["sso", "licence", "assurance"]
    assert by_option["gamma-notify/service"]["origin"] == "cross-agency" and by_option["gamma-notify/service"]["buy_or_cross_agency"]
    assert sum(len(row["unknown"]) for row in data["gaps"]) == data["deciding_facts"]["overall"]["unknown"]
    # Without --gaps the list is left out of both formats.
    plain = runner.invoke(app, ["catalog", "stats", "--catalog", str(FIXTURE_CATALOG), "-f", "json"]).stdout
    assert "gaps" not in json.loads(plain)
