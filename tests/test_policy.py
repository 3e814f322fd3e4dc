"""Policy packs: read and validated like catalogue files, applied by the engine (ladder order,
gates, preferences), and their sections and evidence in the decision record."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.engine import EXCLUDED, TO_VERIFY, recommend
from recommender.exits import BAD_INPUT, OK
from recommender.madr import RecordMeta, to_madr
from recommender.policy import builtin_ids, load_pack, load_packs, parse_pack
from recommender.profile import parse_profile
from tests.conftest import FIXTURE_CATALOG, profile

runner = CliRunner()
CAT = ["--catalog", str(FIXTURE_CATALOG)]


def run(*args):
    return runner.invoke(app, list(args))


def with_packs(p, *ids):
    packs, problems = load_packs(ids)
    assert problems == []
    return replace(p, policies=packs)


def ids(rec):
    return [a.key for a in rec.options]


def test_builtin_packs_load_and_every_rule_cites_a_source():
    assert builtin_ids() == ("au-dta-reuse", "it-cad68", "uk-tcop", "us-m-16-21")
    for pack_id in builtin_ids():
        pack, problems = load_pack(pack_id)
        assert problems == [] and pack is not None, problems
        urls = {s.url for s in pack.sources}
        rules = [*pack.ladder, *pack.gates, *pack.preferences, *pack.evidence, *pack.sections]
        assert rules
        for rule in rules:
            assert rule.cites and all(c.url in urls for c in rule.cites), (pack_id, rule)


def test_a_hostile_pack_gets_every_problem_with_line_and_key(tmp_path):
    text = """schema_version = 1
id = "mine"
name = "Our agency"
summary = "x"
colour = "red"

[[sources]]
id = "rule"
title = "Our rule"
url = "ftp://nowhere"

[[ladder]]
id = "first"
label = "First"
origins = ["vendor"]
cites = ["rule"]

[[gates]]
id = "g"
label = "G"
requirement = "fulll_export"
value = true
cites = ["nosuch: 1"]

[[preferences]]
requirement = "open_source"
value = true
weight = 11
cites = ["rule"]

[[sections]]
kind = "poem"
title = "P"
cites = ["rule"]
"""
    pack, problems = parse_pack(text, "mine.toml", "mine.toml")
    assert pack is None
    found = {(p.line, p.key) for p in problems}
    assert (5, "colour") in found
    assert (10, "sources[1].url") in found
    assert (15, "ladder[1].origins") in found
    assert (21, "gates[1].requirement") in found
    assert (23, "gates[1].cites") in found
    assert (28, "preferences[1].weight") in found
    assert (32, "sections[1].kind") in found
    assert all(p.file == "mine.toml" for p in problems)
    assert any("did you mean `full_export`" in p.message for p in problems)
    assert not any("no rules" in p.message for p in problems)  # it has rules; they are wrong
    escape, problems = parse_pack(text.replace('name = "Our agency"', 'name = "Our\\u001b[2Jagency"'), "mine.toml", "mine.toml")
    assert any(p.key == "name" and "U+001B" in p.message for p in problems)
    bad, problems = parse_pack("id = [", "broken.toml", "broken.toml")
    assert bad is None and problems[0].line == 1 and "invalid TOML" in problems[0].message


def test_unknown_policy_and_bad_pack_file_exit_2(tmp_path):
    result = run("recommend", *CAT, "-c", "web-analytics", "--policy", "it-cad86")
    assert result.exit_code == BAD_INPUT
    assert "unknown policy `it-cad86`" in result.output and "did you mean `it-cad68`" in result.output
    bad = tmp_path / "ours.toml"
    bad.write_text('schema_version = 1\nid = "ours"\n')
    result = run("recommend", *CAT, "-c", "web-analytics", "--policy", str(bad))
    assert result.exit_code == BAD_INPUT
    assert f"{bad}:" in result.output and "Traceback" not in result.output
    assert "error(s) in the profile and its policy packs" in result.output


def test_agid_gates_exclude_proprietary_options_that_fail_any_of_the_five(fixture_catalog):
    p = with_packs(profile(("capabilities", ("web-analytics",))), "it-cad68")
    rec = recommend(fixture_catalog, p)
    beta = next(a for a in rec.excluded if a.key == "beta-insights/cloud")
    failed = {v.requirement for v in beta.failed}
    assert failed == {"policy:it-cad68/data-protection", "policy:it-cad68/accessibility", "policy:it-cad68/export"}
    # An MIT-licensed vendor cloud is not proprietary: the conditions do not apply to it.
    cloud = next(a for a in rec.options if a.key == "alpha-analytics/cloud")
    gates = [v for v in cloud.verdicts if v.requirement.startswith("policy:")]
    assert len(gates) == 5 and all(v.fact.startswith("does not apply") for v in gates)
    # A commercial option whose licence is not stated is held to the conditions, as unknowns.
    zeta = next(a for a in rec.options if a.key == "zeta-unknown/cloud")
    assert zeta.status == TO_VERIFY and len(zeta.unknown) == 5
    assert all("licence not stated" in v.fact for v in zeta.unknown)
    strict = recommend(fixture_catalog, p, strict=True)
    assert "zeta-unknown/cloud" not in ids(strict)
    # Without the policy, Beta Insights stays.
    assert "beta-insights/cloud" in ids(recommend(fixture_catalog, profile(("capabilities", ("web-analytics",)))))


def test_agid_export_gate_wants_free_export_in_an_open_format(fixture_catalog):
    from recommender.policy import _free_open_export
    from recommender.requirements import Context

    alpha = fixture_catalog.tools["alpha-analytics"]
    beta = fixture_catalog.tools["beta-insights"]
    formats = ("csv", "json")
    assert _free_open_export(formats, beta, beta.options[0], Context()).result == "fail"  # paid
    assert _free_open_export(formats, alpha, alpha.options[0], Context()).result == "unknown"  # free? not stated
    zeta = fixture_catalog.tools["zeta-unknown"]
    assert _free_open_export(formats, zeta, zeta.options[0], Context()).result == "unknown"


ABLE = {"ops_capacity": "high", "skills": ("php", "mysql", "python", "aws")}
# An agency gamma-notify's service is open to (GB, national): without a country its eligibility is to verify.
ELIGIBLE = {"country": "GB", "level": "national"}


def test_agid_ladder_puts_pa_reuse_before_open_source(fixture_catalog):
    # An agency able to run either option, so that the ladder, not fit, decides the order.
    base = profile(("capabilities", ("email-notifications",)), soft=[("self_hosted", True, 3)], **ABLE, **ELIGIBLE)
    assert ids(recommend(fixture_catalog, base)) == ["gamma-notify/code", "gamma-notify/service"]
    agid = recommend(fixture_catalog, with_packs(base, "it-cad68"))
    assert ids(agid) == ["gamma-notify/service", "gamma-notify/code"]


def test_m_16_21_weighs_open_source_and_commercial_on_a_level_field(fixture_catalog):
    base = profile(("capabilities", ("web-analytics",)), soft=[("self_hosted", False, 5)], **ABLE)
    assert ids(recommend(fixture_catalog, base))[0] == "alpha-analytics/self-hosted"  # share first
    level = recommend(fixture_catalog, with_packs(base, "us-m-16-21"))
    # On a level field the score decides between options of the same risks: the self-hosted
    # option (lowest score) ranks after the cloud; beta, carrying HIGH risks, ranks after both.
    assert ids(level).index("alpha-analytics/self-hosted") > ids(level).index("alpha-analytics/cloud")
    assert ids(level)[0] == "alpha-analytics/cloud"
    # Existing Federal solutions still come first.
    notify = profile(("capabilities", ("email-notifications",)), soft=[("self_hosted", True, 3)], **ABLE, **ELIGIBLE)
    assert ids(recommend(fixture_catalog, with_packs(notify, "us-m-16-21")))[0] == "gamma-notify/service"


def test_tcop_adds_its_preferences_unless_the_profile_weighs_them(fixture_catalog):
    base = profile(("capabilities", ("web-analytics",)), soft=[("open_source", True, 5)])
    rec = recommend(fixture_catalog, with_packs(base, "uk-tcop"))
    top = rec.options[0]
    assert top.score_max == 5 + 2 + 1 + 2  # open_standards, min_agencies, max_exit_cost; open_source is the profile's
    kinds = [v.requirement for v in top.verdicts if not v.hard]
    assert kinds.count("open_source") == 1 and {"open_standards", "min_agencies", "max_exit_cost"} <= set(kinds)
    text = to_madr(rec, RecordMeta())
    assert "### Technology Code of Practice points 3, 4, 8 and 11; Service Standard point 11" in text
    assert "| open source (point 3) |" in text
    assert "Preference, weight 2 (uk-tcop): max exit cost" in text


def test_agid_record_has_the_comparative_assessment_and_the_impossibility(fixture_catalog):
    p = with_packs(
        profile(("capabilities", ("web-analytics",)), ("self_hosted", False), ("residency", ("FR",))), "it-cad68"
    )
    rec = recommend(fixture_catalog, p)
    assert ids(rec) == ["zeta-unknown/cloud"]
    text = to_madr(rec, RecordMeta())
    assert "### Valutazione comparativa (comparative assessment)" in text
    table = text.split("### Valutazione comparativa")[1].split("###")[0]
    for key in ("alpha-analytics/self-hosted", "alpha-analytics/cloud", "zeta-unknown/cloud", "beta-insights/cloud"):
        assert f"`{key}`" in table
    assert "| Cloud or proprietary software under a licence | chosen |" in table
    impossibility = text.split("### Accertamento impossibilità")[1].split("###")[0]
    assert "`alpha-analytics/self-hosted`" in impossibility and "`alpha-analytics/cloud`" in impossibility
    assert "data residency: FR (catalogue: stored in DE)" in impossibility
    assert "`beta-insights/cloud`" not in impossibility
    assert "CAD art. 68, comma 1-ter" in impossibility
    # The AgID conditions the chosen proprietary option must still meet go to the checklist.
    confirmation = text.split("### Confirmation")[1].split("## ")[0]
    assert "minimum security levels set for public administrations" in confirmation
    # When an open-source option fits, no impossibility needs justifying.
    fits = recommend(fixture_catalog, with_packs(profile(("capabilities", ("web-analytics",))), "it-cad68"))
    assert "Not required" in to_madr(fits, RecordMeta()).split("### Accertamento impossibilità")[1].split("###")[0]


def test_dta_evidence_table_and_missing_evidence(fixture_catalog):
    text = """schema_version = 1
title = "Web analytics"
policies = ["au-dta-reuse"]
[hard]
capabilities = ["web-analytics"]
[[evidence.systems_investigated]]
name = "GovAnalytics"
type = "web analytics (shared service)"
users = "12 agencies"
scale = "40 sites"
classification = "OFFICIAL"
"""
    p, problems = parse_profile(text, fixture_catalog.vocabulary, "p.toml")
    assert problems == [] and p is not None
    rec = recommend(fixture_catalog, p)
    record = to_madr(rec, RecordMeta())
    assert "### Government systems investigated" in record
    assert "| name | type | users | scale | classification |" in record
    assert "| GovAnalytics | web analytics (shared service) | 12 agencies | 40 sites | OFFICIAL |" in record
    assert "Australian Government Architecture, Case Management Policy, Build for reuse" in record
    # Reuse was not rejected here (a share option is chosen), and the evidence is complete.
    assert "Government systems investigated before reuse was rejected" not in record.split("### Confirmation")[1].split("## ")[0]
    # Without the evidence, and with reuse rejected, the checklist says what is missing.
    bare = replace(p, evidence=())
    rejected = recommend(fixture_catalog, replace(bare, requirements=bare.requirements + (type(bare.requirements[0])("self_hosted", False, True),)))
    assert rejected.options[0].step == "buy"
    checklist = to_madr(rejected, RecordMeta()).split("### Confirmation")[1].split("## ")[0]
    assert "* [ ] Government systems investigated before reuse was rejected: no " in checklist
    assert "systems\\_investigated\\]\\] entries in the profile" in checklist


def test_decide_accepted_needs_the_evidence_the_policy_requires(tmp_path):
    args = ["decide", *CAT, "-c", "web-analytics", "--hard", "self_hosted=false", "--policy", "au-dta-reuse", "--dir", str(tmp_path / "d")]
    refused = run(*args, "--status", "accepted")
    assert refused.exit_code == BAD_INPUT
    assert "au-dta-reuse: Government systems investigated" in refused.output
    assert not (tmp_path / "d").exists()
    proposed = run(*args)
    assert proposed.exit_code == OK, proposed.output


def test_profile_policies_match_the_flag_and_round_trip(tmp_path, fixture_catalog):
    ours = tmp_path / "packs" / "ours.toml"
    ours.parent.mkdir()
    ours.write_text(
        'schema_version = 1\nid = "ours"\nname = "Our rule"\nsummary = "Prefer open standards."\n'
        '[[sources]]\nid = "r"\ntitle = "Our ICT rule"\nurl = "https://example.gov/rule"\n'
        '[[preferences]]\nrequirement = "open_standards"\nvalue = true\nweight = 4\ncites = ["r: clause 2"]\n'
    )
    path = tmp_path / "p.toml"
    path.write_text('schema_version = 1\npolicies = ["it-cad68", "packs/ours.toml"]\n[hard]\ncapabilities = ["web-analytics"]\n')
    by_file = run("recommend", *CAT, "-p", str(path), "-f", "json")
    assert by_file.exit_code == OK, by_file.output
    flag = run("recommend", *CAT, "-c", "web-analytics", "--policy", "it-cad68", "--policy", str(ours), "-f", "json")
    strip = lambda out: [(o["id"], o["score"]) for o in json.loads(out)["options"]]
    assert strip(by_file.stdout) == strip(flag.stdout)
    assert json.loads(by_file.stdout)["options"][0]["score_max"] == 4
    p, problems = parse_profile(path.read_text(), fixture_catalog.vocabulary, str(path))
    assert problems == []
    again, problems = parse_profile(p.to_toml(), fixture_catalog.vocabulary, str(path))
    assert problems == [] and again == p


def test_profile_naming_an_unknown_policy_points_at_its_line(tmp_path, fixture_catalog):
    text = 'schema_version = 1\ntitle = "x"\npolicies = ["uk-tcopp"]\n[evidence]\nsystems_investigated = "none"\n'
    p, problems = parse_profile(text, fixture_catalog.vocabulary, "p.toml")
    assert p is None
    found = {(x.line, x.key) for x in problems}
    assert (3, "policies") in found and (5, "evidence.systems_investigated") in found
    assert any("did you mean `uk-tcop`" in x.message for x in problems)


def test_pack_text_cannot_style_or_link_anything_in_the_record(tmp_path, fixture_catalog):
    text = (
        'schema_version = 1\nid = "evil"\nname = "[click](https://evil.example) *bold* <b>x</b>"\nsummary = "s"\n'
        '[[sources]]\nid = "r"\ntitle = "T](https://evil.example)"\nurl = "https://ok.example/a) [x](https://evil.example"\n'
        '[[sections]]\nkind = "statement"\ntitle = "# Heading"\ntext = "| a | b |\\n<script>"\ncites = ["r: 1"]\n'
    )
    pack, problems = parse_pack(text, "evil.toml", "evil.toml")
    assert problems == [], problems
    rec = recommend(fixture_catalog, replace(profile(("capabilities", ("web-analytics",))), policies=(pack,)))
    record = to_madr(rec, RecordMeta())
    assert "](https://evil.example)" not in record.replace("\\](https://evil.example)", "")
    assert "<script>" not in record and "<b>" not in record
    assert "https://ok.example/a%29%20%5Bx%5D%28https://evil.example" in record
    assert not any(line.startswith("# Heading") for line in record.split("\n"))
    assert record.count("\n# ") == 1  # the record's own title only


def test_agid_answer_prefers_pa_reuse_if_confirmed_but_adopts_what_fits(fixture_catalog):
    from recommender.requirements import Context

    base = profile(("capabilities", ("email-notifications",)), ("eligible", True))
    base = replace(base, context=Context(ops_capacity="high", skills=("python", "aws")))
    plain_answer = recommend(fixture_catalog, base).answer
    assert plain_answer.option.key == "gamma-notify/code" and plain_answer.tier == "fits"
    assert not any("Prefer" in c for c in plain_answer.conditions)  # both are share: no better step
    agid = recommend(fixture_catalog, with_packs(base, "it-cad68")).answer
    assert agid.option.key == "gamma-notify/code"  # fit before the ladder
    assert any(c.startswith("Prefer Gamma Notify service") for c in agid.conditions)


def test_json_names_the_policies_and_gate_verdicts():
    result = run("recommend", *CAT, "-c", "web-analytics", "--policy", "it-cad68", "-f", "json")
    data = json.loads(result.stdout)
    assert [p["id"] for p in data["profile"]["policies"]] == ["it-cad68"]
    assert all(u.startswith("https://") for u in data["profile"]["policies"][0]["sources"])
    gates = {v["requirement"] for o in data["options"] for v in o["verdicts"] if v["requirement"].startswith("policy:")}
    assert "policy:it-cad68/export" in gates


@pytest.mark.parametrize("pack_id", ["it-cad68", "au-dta-reuse", "us-m-16-21", "uk-tcop"])
def test_each_pack_adds_its_sections_with_their_citations(fixture_catalog, pack_id):
    pack, _ = load_pack(pack_id)
    rec = recommend(fixture_catalog, with_packs(profile(("capabilities", ("web-analytics",))), pack_id))
    text = to_madr(rec, RecordMeta())
    for sec in pack.sections:
        assert f"### {sec.title}" in text.replace("\\", "")
        body = text.split(f"### {sec.title.split(' (')[0]}")[1]
        assert f"Required by {pack.name}" in body.split("\n### ")[0].replace("\\", "")
        assert all(c.url in body for c in sec.cites)
    # The record names the pack and links its sources in More Information.
    info = text.split("## More Information")[1]
    assert f"Policy `{pack_id}`" in info.replace("\\", "") and all(s.url in info for s in pack.sources)


def test_dta_ladder_puts_services_across_government_first(fixture_catalog):
    base = profile(("capabilities", ("email-notifications",)), soft=[("self_hosted", True, 3)], **ABLE, **ELIGIBLE)
    assert ids(recommend(fixture_catalog, base))[0] == "gamma-notify/code"
    assert ids(recommend(fixture_catalog, with_packs(base, "au-dta-reuse")))[0] == "gamma-notify/service"
    assert ids(recommend(fixture_catalog, with_packs(base, "uk-tcop")))[0] == "gamma-notify/code"  # no reordering


def test_several_packs_apply_together_and_the_first_ladder_decides(fixture_catalog):
    base = profile(("capabilities", ("web-analytics",)))
    rec = recommend(fixture_catalog, with_packs(base, "uk-tcop", "it-cad68", "us-m-16-21"))
    assert rec.policy.ladder_pack.id == "it-cad68"
    assert len(rec.policy.gates) == 5 and "beta-insights/cloud" not in ids(rec)
    assert rec.options[0].score_max == 2 + 2 + 1 + 2  # uk-tcop's preferences; us-m-16-21's open standards is one of them


# -- mutated packs: a pack or problems, never an exception; a pack that loads always applies ------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from recommender.policy import PACK_DIR  # noqa: E402
from tests.test_hostile_fuzz import FUZZ, mutated, only_problems, toml_text  # noqa: E402

PACKS = [__import__("tomli").loads(p.read_text()) for p in sorted(PACK_DIR.glob("*.toml"))]


@FUZZ
@given(data=st.data())
def test_mutated_policy_packs_give_a_pack_or_problems(fixture_catalog, data):
    text = toml_text(mutated(data.draw, data.draw(st.sampled_from(PACKS))))
    if text is None:
        return
    pack, problems = parse_pack(text, "pack.toml", "pack.toml")
    only_problems(problems)
    assert pack is not None or any(p.severity == "error" for p in problems)
    if pack is not None:
        p = replace(profile(("capabilities", ("web-analytics",))), policies=(pack,))
        rec = recommend(fixture_catalog, p)
        assert to_madr(rec, RecordMeta()).startswith("---\n")


def test_agid_security_condition_reads_assessments_of_the_service(tmp_path):
    import shutil

    from catalog.loader import load_catalog

    shutil.copytree(FIXTURE_CATALOG, tmp_path / "cat")
    path = tmp_path / "cat" / "tools" / "zeta-unknown.toml"
    text = path.read_text()
    assert "[options.assurance]" not in text
    path.write_text(text + '\n[options.assurance]\nassessments = [{ scheme = "iso27001", scope = "infrastructure" }]\n')
    catalog = load_catalog([tmp_path / "cat"]).catalog
    p = with_packs(profile(("capabilities", ("web-analytics",))), "it-cad68")
    zeta = next(a for a in recommend(catalog, p).options if a.key == "zeta-unknown/cloud")
    [security] = [v for v in zeta.verdicts if v.requirement == "policy:it-cad68/security"]
    assert security.result == "unknown" and "only its hosting is assessed" in security.fact
    path.write_text(text + '\n[options.assurance]\nassessments = [{ scheme = "iso27001", scope = "service" }]\n')
    catalog = load_catalog([tmp_path / "cat"]).catalog
    zeta = next(a for a in recommend(catalog, p).options if a.key == "zeta-unknown/cloud")
    [security] = [v for v in zeta.verdicts if v.requirement == "policy:it-cad68/security"]
    assert security.result == "pass" and "(service)" in security.fact
    beta = load_catalog([FIXTURE_CATALOG]).catalog
    assert "beta-insights/cloud" not in ids(recommend(beta, p))


def test_an_open_source_release_without_a_stated_licence_is_on_the_open_source_step(fixture_catalog):
    from recommender.policy import Selector

    delta = fixture_catalog.tools["delta-desk"]
    release = replace(delta.options[0], facts={k: f for k, f in delta.options[0].facts.items() if k != "lock_in.licence"})
    assert release.origin == "open-source" and release.value("lock_in.licence") is None
    assert Selector((), "open").matches(release) is True
    assert Selector((), "proprietary").matches(release) is False
    zeta = fixture_catalog.tools["zeta-unknown"].options[0]  # commercial, licence not stated
    assert Selector((), "open").matches(zeta) is None
