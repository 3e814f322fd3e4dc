"""Decision records in MADR 4.0: headings, front matter, every option examined, reproducibility,
and `sbb decide` filing numbered records without ever overwriting one."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.cli.decide import file_record, next_number
from recommender.engine import recommend
from recommender.exits import BAD_INPUT, OK
from recommender.madr import RecordMeta, slug, status_problem, to_madr
from tests.conftest import FIXTURE_CATALOG, profile

runner = CliRunner()
CAT = ["--catalog", str(FIXTURE_CATALOG)]
ASKED = ["-c", "web-analytics", "--hard", "full_export=true", "--soft", "open_source:3", "--as-of", "2026-11-30"]
# An agency able to run the self-hosted option: it fits, and share comes before buy.
ABLE = ["--ops-capacity", "high", "--skill", "php", "--skill", "mysql"]

# The MADR 4.0 template (adr/madr, template/adr-template.md): its headings, in order.
HEADINGS = [
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "### Confirmation",
    "## Pros and Cons of the Options",
    "## More Information",
]
FRONT_KEYS = ["status", "date", "decision-makers", "consulted", "informed"]


def run(*args):
    return runner.invoke(app, list(args))


def front_matter(text: str) -> list[str]:
    lines = text.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    return lines[1:end]


def section(text: str, heading: str) -> str:
    """The body of one `##`/`###` section, up to the next heading of the same or higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n") + len(heading) + 1
    pattern = re.compile(rf"^#{{1,{len(level)}}} ", re.M)
    found = pattern.search(text, start)
    return text[start : found.start() if found else len(text)]


def test_madr_headings_front_matter_and_outcome_line():
    result = run("recommend", *CAT, *ASKED, *ABLE, "-f", "madr")
    assert result.exit_code == OK, result.output
    text = result.stdout
    keys = [line.split(":")[0] for line in front_matter(text) if not line.startswith("  ")]
    assert keys == FRONT_KEYS
    assert 'status: "proposed"' in front_matter(text)
    assert "date: 2026-11-30" in front_matter(text)
    headings = [line for line in text.split("\n") if line.startswith("## ") or line.startswith("### ")]
    madr = [h for h in headings if h in HEADINGS]
    assert madr == HEADINGS
    assert re.search(r'^Chosen option: "Alpha Analytics — Alpha \(self-hosted\)", because .+\.$', text, re.M)
    title = [line for line in text.split("\n") if line.startswith("# ")]
    assert len(title) == 1 and "Alpha" in title[0]
    # Consequences come from the four risks, as MADR's Good/Bad bullets.
    consequences = section(text, "### Consequences")
    for risk in ("resourcing", "data control", "platform control", "system integration"):
        assert re.search(rf"^\* (Good|Bad), because the {risk} risk is ", consequences, re.M), risk
    # The ICT stance roles table stays.
    assert "| Access (bandwidth, security, support) |" in text


def test_record_is_an_alias_of_madr():
    madr = run("recommend", *CAT, *ASKED, "-f", "madr").stdout
    record = run("recommend", *CAT, *ASKED, "-f", "record").stdout
    assert madr == record


def test_every_examined_option_appears_with_its_reason(fixture_catalog):
    p = profile(("capabilities", ("web-analytics",)), ("full_export", True), ("data_owner", True))
    rec = recommend(fixture_catalog, p)
    text = to_madr(rec, RecordMeta())
    considered = section(text, "## Considered Options")
    in_scope = [f"{t.id}/{o.id}" for t in fixture_catalog if "web-analytics" in t.capabilities for o in t.options]
    lines = [line for line in considered.split("\n") if line.startswith("* ")]
    for key in in_scope:
        assert sum(f"`{key}`" in line for line in lines) == 1, key
    # Excluded options name the requirement that excluded them, with its fact.
    beta = next(line for line in lines if "`beta-insights/cloud`" in line)
    assert "excluded by the agency owns the data (catalogue: data owned by: vendor)" in beta
    assert rec.excluded and all(f"`{a.key}`" in considered for a in rec.excluded)
    # Ladder order: share options before buy options, build last.
    steps = [("share" if "; share:" in line else "buy" if "; buy:" in line else "build") for line in lines]
    assert steps == sorted(steps, key=["share", "buy", "build"].index)
    assert lines[-1].startswith("* Build (custom development)")


def test_confirmation_lists_facts_still_to_verify(fixture_catalog):
    p = profile(("capabilities", ("web-analytics",)), ("self_hosted", False), ("sso", True), ("full_export", True))
    rec = recommend(fixture_catalog, p)
    text = to_madr(rec, RecordMeta())
    confirmation = section(text, "### Confirmation")
    top = rec.options[0]
    for v in top.unknown:
        assert f"* [ ] {v.label}: not stated in the catalogue (must hold)" in confirmation
    assert "last reviewed on" in confirmation


def test_same_input_and_as_of_give_the_same_bytes(tmp_path):
    first = run("recommend", *CAT, *ASKED, "-f", "madr", "--policy", "it-cad68").stdout
    second = run("recommend", *CAT, *ASKED, "-f", "madr", "--policy", "it-cad68").stdout
    assert first == second
    assert "as of 2026-11-30" in first and "sha256:" in first
    a = run("decide", *CAT, *ASKED, "--dir", str(tmp_path / "a"), "--title", "Web analytics")
    b = run("decide", *CAT, *ASKED, "--dir", str(tmp_path / "b"), "--title", "Web analytics")
    assert a.exit_code == OK and b.exit_code == OK, a.output + b.output
    one = (tmp_path / "a" / "0001-web-analytics.md").read_bytes()
    assert one == (tmp_path / "b" / "0001-web-analytics.md").read_bytes()
    # A different date is a different record (the date is in it).
    other = run("recommend", *CAT, *ASKED[:-1], "2026-12-01", "-f", "madr").stdout
    assert other != run("recommend", *CAT, *ASKED, "-f", "madr").stdout


def test_catalogue_digest_follows_its_content(tmp_path):
    import shutil

    copy = tmp_path / "cat"
    shutil.copytree(FIXTURE_CATALOG, copy)
    before = run("recommend", "--catalog", str(copy), *ASKED, "-f", "madr").stdout
    digest = re.search(r"sha256:[0-9a-f]{64}", before).group()
    path = copy / "tools" / "zeta-unknown.toml"
    path.write_text(path.read_text() + "\n# reviewed again\n")
    after = run("recommend", "--catalog", str(copy), *ASKED, "-f", "madr").stdout
    assert digest not in after


def test_decide_files_the_next_number_and_never_overwrites(tmp_path):
    folder = tmp_path / "docs" / "decisions"
    folder.mkdir(parents=True)
    (folder / "0001-use-madr.md").write_text("keep me\n")
    (folder / "0003-hosting.md").write_text("keep me too\n")
    (folder / "adr-template.md").write_text("template\n")
    result = run(
        "decide", *CAT, *ASKED, "--dir", str(folder), "--title", "Online consultation",
        "--status", "accepted", "--decision-maker", "Ada Lovelace", "--decision-maker", "CIO",
        "--consulted", "Security team", "--informed", "Service desk", "--date", "2026-12-02",
    )
    assert result.exit_code == OK, result.output
    filed = folder / "0004-online-consultation.md"
    assert result.stdout.strip() == str(filed)
    assert "filed 0004-online-consultation.md (accepted): Adopt" in result.stderr
    text = filed.read_text()
    fm = front_matter(text)
    assert fm == [
        'status: "accepted"', "date: 2026-12-02",
        "decision-makers:", '  - "Ada Lovelace"', '  - "CIO"',
        "consulted:", '  - "Security team"',
        "informed:", '  - "Service desk"',
    ]
    assert (folder / "0001-use-madr.md").read_text() == "keep me\n"
    assert (folder / "0003-hosting.md").read_text() == "keep me too\n"
    again = run("decide", *CAT, *ASKED, "--dir", str(folder), "--title", "Online consultation")
    assert again.exit_code == OK
    assert (folder / "0005-online-consultation.md").exists()
    assert filed.read_text() == text


def test_file_record_takes_the_next_number_when_the_name_is_taken(tmp_path, monkeypatch):
    import recommender.cli.decide as decide_cli

    (tmp_path / "0002-x.md").write_text("someone else's\n")
    # Another writer filed 0002 between the scan and the write: the scan still says 2.
    monkeypatch.setattr(decide_cli, "next_number", lambda folder: 2)
    path = file_record(tmp_path, "x", "mine\n")
    assert path.name == "0003-x.md" and path.read_text() == "mine\n"
    assert (tmp_path / "0002-x.md").read_text() == "someone else's\n"


def test_next_number_starts_at_one(tmp_path):
    assert next_number(tmp_path / "missing") == 1
    (tmp_path / "0009-a.md").write_text("")
    (tmp_path / "notes.md").write_text("")
    assert next_number(tmp_path) == 10


@pytest.mark.parametrize(
    "args, message",
    [
        (["--status", "approved"], "unknown status"),
        (["--date", "2026-13-01"], "--date"),
        (["--as-of", "yesterday"], "--as-of"),
        (["--decision-maker", " "], "cannot be empty"),
    ],
)
def test_decide_bad_input_writes_nothing(tmp_path, args, message):
    result = run("decide", *CAT, "-c", "web-analytics", "--dir", str(tmp_path / "d"), *args)
    assert result.exit_code == BAD_INPUT
    assert message in result.output
    assert not (tmp_path / "d").exists()


def test_status_superseded_is_accepted():
    assert status_problem("superseded by ADR-0005") == ""
    assert status_problem("deprecated") == ""
    assert status_problem("done")


def test_slug_from_title():
    assert slug("Online consultation") == "online-consultation"
    assert slug("C. A website for a national agency!") == "c-a-website-for-a-national-agency"
    assert slug("Consultazione è pubblica") == "consultazione-e-pubblica"
    assert slug("***") == "decision"
    assert len(slug("word " * 40)) <= 60


def test_hostile_names_stay_inside_the_front_matter(tmp_path):
    evil = 'Eve"\nstatus: accepted\n---\n# pwned'
    result = run("decide", *CAT, *ASKED, "--dir", str(tmp_path), "--title", "T", "--decision-maker", evil)
    assert result.exit_code == OK, result.output
    text = next(tmp_path.glob("0001-*.md")).read_text()
    fm = front_matter(text)
    assert [line for line in fm if line.startswith("status:")] == ['status: "proposed"']
    assert len([line for line in text.split("\n") if line.startswith("# ")]) == 1


def test_only_build_record_chooses_build(fixture_catalog):
    p = profile(("capabilities", ("web-analytics",)), ("residency", ("AU",)), ("self_hosted", False))
    rec = recommend(fixture_catalog, p, strict=True)
    text = to_madr(rec, RecordMeta())
    assert 'Chosen option: "Build (custom development)", because' in text
    assert "### Build (custom development)" in text
    assert "feasibility study" in section(text, "### Confirmation")


def test_every_face_writes_the_same_madr_record(fixture_catalog):
    from recommender.render import FORMATS

    p = profile(("capabilities", ("web-analytics",)))
    rec = recommend(fixture_catalog, p)
    assert FORMATS["record"](rec) == FORMATS["madr"](rec) == to_madr(rec)
    text = to_madr(rec)
    assert f"Answer: **{rec.answer.headline}**" in text
    title = next(line for line in text.split("\n") if line.startswith("# "))
    assert title.startswith("# test: ") and rec.answer.option.name in title


def test_decide_takes_the_context_flags_of_recommend(tmp_path):
    result = run(
        "decide", *CAT, "-c", "email-notifications", "--skill", "python", "--skill", "aws", "--ops-capacity", "high",
        "--unique-requirement", "must run offline", "--as-of", "2026-11-30", "--dir", str(tmp_path), "--title", "Notify",
    )
    assert result.exit_code == OK, result.output
    text = (tmp_path / "0001-notify.md").read_text()
    assert 'Chosen option: "Build (custom development)"' in text
    assert "Unique requirement stated: must run offline" in text
    assert 'skills = [\n    "python",\n    "aws",\n]' in text  # the profile as applied


def test_disputed_facts_go_to_the_confirmation_checklist(tmp_path):
    from tests.test_sharing_trust import disputed_catalogue

    result = disputed_catalogue(tmp_path)
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",)), ("max_exit_cost", "low")))
    confirmation = section(to_madr(rec), "### Confirmation")
    assert "catalogue sources disagree" in confirmation and "agency-b" in confirmation
