"""Importing publiccode.yml and code.json: every shared fixture imports into entries that validate."""

from __future__ import annotations

import json
from datetime import date

import pytest
import tomli
from typer.testing import CliRunner

from catalog.importing import publiccode
from catalog.loader import load_catalog, load_vocabulary
from recommender.cli import app
from recommender.exits import BAD_INPUT, OK, PROBLEMS
from tests.conftest import REAL_FIXTURES

runner = CliRunner()
PUBLICCODE = REAL_FIXTURES / "publiccode"
CODEJSON = REAL_FIXTURES / "codejson" / "hhs-code.json"


def run(*args):
    return runner.invoke(app, list(args))


def valid(directory):
    result = load_catalog([directory])
    assert result.ok, [str(p) for p in result.errors]
    assert run("catalog", "validate", str(directory)).exit_code == OK
    return result.catalog


@pytest.mark.parametrize("name", sorted(p.name for p in PUBLICCODE.glob("*.yml")))
def test_every_publiccode_fixture_imports_into_a_valid_entry(name, tmp_path):
    out = run("catalog", "import", "publiccode", str(PUBLICCODE / name), "--into", str(tmp_path))
    assert out.exit_code == OK, out.output
    assert "1 created, 0 skipped, 0 problem(s)" in out.stdout
    assert "not mapped" in out.stdout and "softwareVersion" in out.stdout
    catalog = valid(tmp_path)
    [tool] = list(catalog)
    assert tool.options[0].step == "share" and tool.options[0].value("lock_in.licence")
    text = next(tmp_path.glob("*.toml")).read_text() if not (tmp_path / "tools").is_dir() else ""
    assert "# Not mapped" in "".join(p.read_text() for p in tmp_path.glob("*.toml") if p.name != "capabilities.toml") or text


def test_publiccode_mapping_of_the_full_example(tmp_path):
    run("catalog", "import", "publiccode", str(PUBLICCODE / "standard-example-full.yml"), "--into", str(tmp_path))
    tool = valid(tmp_path).tools["medusa"]
    option = tool.options[0]
    assert tool.capabilities == ("web-cms",)  # content-management maps; office does not
    assert tool.homepage == "https://example.com/italia/medusa"
    assert tool.repository == "https://example.com/italia/medusa.git"
    assert option.value("reuse.used_by") == ("Comune di Firenze", "Comune di Roma")
    assert option.value("integration.api_docs") == "https://read.the.api.doc/medusa/v1.0"
    assert option.value("lock_in.licence") == "AGPL-3.0-or-later"
    assert option.value("maintenance.ends") == date(2019, 1, 1)  # the expired contract
    assert option.value("maintenance.status") is None  # who maintains it now is unknown
    caveats = {c.risk: c.text for c in option.caveats}
    assert "Oracle, IBM SoftLayer" in caveats["platform_control"]
    text = (tmp_path / "medusa.toml").read_text()
    assert "IT.piattaforme" in text and "categories: office" in text


def test_publiccode_italian_and_dutch_files(tmp_path):
    out = run("catalog", "import", "publiccode", str(PUBLICCODE), "--into", str(tmp_path))
    assert out.exit_code == OK, out.output
    assert "3 created, 1 skipped" in out.stdout
    assert "skipped  medusa:" in out.stdout and "gives the same id" in out.stdout
    assert "it.riuso [deprecated" in out.stdout and "genericName [deprecated in 0.3]" in out.stdout
    catalog = valid(tmp_path)
    wai = catalog.tools["web-analytics-italia-portale"]
    assert wai.summary.startswith("Web analytics Italia è una piattaforma")
    assert wai.capabilities == ("unclassified",)  # data-analytics is not web analytics by rule
    assert wai.options[0].value("maintenance.ends") == date(2021, 10, 18)
    signals = catalog.tools["signalen-frontend"]
    assert signals.options[0].value("reuse.used_by") == ("Gemeente Amsterdam", "Gemeente 's-Hertogenbosch")
    assert signals.options[0].value("maintenance.status") == "community"
    # Imported again: nothing is overwritten unless asked.
    before = (tmp_path / "medusa.toml").read_text()
    again = run("catalog", "import", "publiccode", str(PUBLICCODE), "--into", str(tmp_path))
    assert "0 created, 4 skipped" in again.stdout and "exists (pass --overwrite" in again.stdout
    assert (tmp_path / "medusa.toml").read_text() == before
    forced = run("catalog", "import", "publiccode", str(PUBLICCODE / "standard-example-minimal.yml"), "--into", str(tmp_path), "--overwrite")
    assert "1 created" in forced.stdout and (tmp_path / "medusa.toml").read_text() != before


def test_capability_given_on_the_command_line(tmp_path):
    out = run("catalog", "import", "publiccode", str(PUBLICCODE / "agid-wai-portal.yml"), "--into", str(tmp_path), "-c", "web analytics")
    assert out.exit_code == OK
    assert valid(tmp_path).tools["web-analytics-italia-portale"].capabilities == ("web-analytics",)
    assert not (tmp_path / "capabilities.toml").exists()
    bad = run("catalog", "import", "publiccode", str(PUBLICCODE / "agid-wai-portal.yml"), "--into", str(tmp_path), "-c", "web analitics", "-c", "teleportation")
    assert bad.exit_code == BAD_INPUT and "unknown capability `teleportation`" in bad.stderr


VERSIONS = {
    "v0-4.yml": 'publiccodeYmlVersion: "0.4"\nname: Four\nurl: https://example.org/four.git\ncategories: [survey]\n'
    "releaseDate: 2024-02-01\nlegal: {license: EUPL-1.2}\nmaintenance:\n  type: contract\n  contractors:\n    - name: Acme\n      until: 2999-01-01\n"
    "description:\n  en-GB: {shortDescription: Four does surveys.}\n",
    "v0-5.yml": "publiccodeYmlVersion: 0.5\nname: Five\nurl: https://example.org/five.git\nlegal: {license: MIT}\ndevelopmentStatus: obsolete\n"
    "description:\n  no: {shortDescription: Fem gjør ting.}\n",
    "v0-1.yml": "publiccode-yaml-version: '0.1'\nname: One\nurl: https://example.org/one.git\ntags: [blog]\nlegal: {license: MIT}\n"
    "description:\n  eng: {shortDescription: One writes blogs.}\n",
}
BAD = {
    "broken.yml": "name: [unclosed\n",
    "list.yml": "- just\n- a list\n",
    "nameless.yml": "publiccodeYmlVersion: '0.3'\nurl: https://example.org/x.git\ndescription:\n  en: {shortDescription: x}\n",
    "summaryless.yml": "publiccodeYmlVersion: '0.3'\nname: Quiet\nurl: https://example.org/q.git\ndescription: {}\n",
}


def test_versions_dates_languages_and_invalid_files(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for name, text in {**VERSIONS, **BAD}.items():
        (source / name).write_text(text, encoding="utf-8")
    (source / "latin1.yml").write_bytes("name: Caf\xe9\n".encode("latin-1"))
    target = tmp_path / "out"
    out = run("catalog", "import", "publiccode", *(str(p) for p in sorted(source.iterdir())), "--into", str(target), "--reviewed", "2025-06-30")
    assert out.exit_code == PROBLEMS  # some files could not be imported...
    assert "3 created" in out.stdout  # ...and the others were
    text = out.stdout
    assert "broken.yml:1: error: not valid YAML" in text or "broken.yml:2: error: not valid YAML" in text
    assert "list.yml: error: not a publiccode.yml: expected a mapping" in text
    assert "nameless.yml: error: name: missing `name`" in text
    assert "summaryless.yml:4: error: description: missing `description`" in text
    assert "latin1.yml: error: not UTF-8 text" in text
    assert "v0-5.yml:1: warning: publiccodeYmlVersion: version 0.5 is newer than this importer knows" in text
    assert "v0-1.yml:1: warning: publiccode-yaml-version: deprecated key" in text
    catalog = valid(target)
    four = catalog.tools["four"].options[0]
    assert catalog.tools["four"].capabilities == ("surveys",)
    assert four.value("maintenance.status") == "active" and four.value("maintenance.ends") == date(2999, 1, 1)
    assert catalog.tools["five"].options[0].value("maintenance.status") == "unmaintained"
    assert catalog.tools["five"].summary == "Fem gjør ting."  # the Norwegian key `no` survives YAML 1.1
    assert catalog.tools["one"].capabilities == ("web-cms",)
    # last_reviewed: the file's releaseDate, else the date given on import; never today's.
    assert catalog.tools["four"].last_reviewed == date(2024, 2, 1)
    assert catalog.tools["five"].last_reviewed == catalog.tools["one"].last_reviewed == date(2025, 6, 30)
    assert "# last_reviewed (2025-06-30) was given on import" in (target / "five.toml").read_text()


def test_hostile_text_is_made_plain(tmp_path):
    path = tmp_path / "publiccode.yml"
    path.write_text('publiccodeYmlVersion: "0.4"\nname: "Evil\\e[31m Tool"\nurl: https://example.org/e.git\nreleaseDate: 2024-01-01\n'
                    'legal: {license: MIT}\ndescription:\n  en: {shortDescription: "Bad\\x07 bell\\ttab"}\n')
    vocabulary, _ = load_vocabulary([])
    [entry], problems = publiccode.import_files([tmp_path], vocabulary)
    assert entry.data["name"] == "Evil [31m Tool" and entry.data["summary"] == "Bad bell tab"


def test_codejson_fixture(tmp_path):
    out = run("catalog", "import", "codejson", str(CODEJSON), "--into", str(tmp_path))
    assert out.exit_code == OK, out.output
    assert "88 created, 235 skipped, 0 problem(s)" in out.stdout
    assert "235 records: usageType not stated" in out.stdout
    assert "laborHours ×88" in out.stdout
    catalog = valid(tmp_path)
    assert len(catalog) == 88
    fnms = catalog.tools["fnms"].options[0]
    assert (fnms.origin, fnms.step, fnms.id) == ("cross-agency", "share", "government-wide-reuse")
    assert fnms.value("eligibility.countries") == ("US",) and fnms.value("lock_in.licence") is None
    assert fnms.value("resourcing.skills")[:2] == ("asp", "c#")
    open_ones = [t for t in catalog if t.options[0].origin == "open-source"]
    assert len(open_ones) == 87
    licences = {t.options[0].value("lock_in.licence") for t in open_ones}
    assert {"Apache-2.0", None} <= licences  # null and NOASSERTION stay unknown
    assert all(t.repository.startswith("https://") for t in catalog if t.repository)  # git:// made https
    assert catalog.tools["fnms"].last_reviewed == date(2020, 11, 12)


def test_codejson_exempt_missing_and_bad_input(tmp_path):
    inventory = {
        "version": "2.0.0",
        "agency": "GSA",
        "releases": [
            {"name": "Open One", "description": "Does things.", "homepageURL": "https://one.example.gov",
             "permissions": {"usageType": "openSource", "licenses": [{"name": "MIT"}]}, "status": "Archival"},
            {"name": "Secret", "description": "Classified.", "homepageURL": "https://s.example.gov",
             "permissions": {"usageType": "exemptByNationalSecurity", "licenses": None}},
            {"name": "Bare", "permissions": {"usageType": "openSource"}, "repositoryURL": "git://github.com/gsa/bare.git"},
            "not an object",
        ],
    }
    path = tmp_path / "code.json"
    path.write_text(json.dumps(inventory))
    out = run("catalog", "import", "codejson", str(path), "--into", str(tmp_path / "c"), "--reviewed", "2025-06-30")
    assert "2 created, 1 skipped" in out.stdout
    assert "Secret: exempt from sharing (exemptByNationalSecurity): not offered as reusable" in out.stdout
    assert "code.json: error: releases[4]: expected an object" in out.stdout and out.exit_code == PROBLEMS
    catalog = valid(tmp_path / "c")
    assert catalog.tools["open-one"].options[0].value("maintenance.status") == "unmaintained"
    bare = catalog.tools["bare"]
    assert bare.homepage == "https://github.com/gsa/bare" and "no description" in bare.summary
    assert bare.options[0].value("lock_in.licence") is None
    path.write_text("{not json")
    out = run("catalog", "import", "codejson", str(path), "--into", str(tmp_path / "d"))
    assert out.exit_code == PROBLEMS and "code.json:1: error: not valid JSON" in out.stdout
    entry = tomli.loads((tmp_path / "c" / "open-one.toml").read_text())
    assert entry["options"][0]["lock_in"]["licence"] == "MIT"


PLAIN = (
    'publiccodeYmlVersion: "0.4"\nname: {name}\nurl: https://example.org/{name}.git\n{extra}'
    "legal: {{license: {licence}}}\ndescription:\n  en: {{shortDescription: Does things.}}\n"
)


@pytest.mark.parametrize(
    "licence,stored,note,free",
    [
        ("mit", "MIT", "`mit` is written `MIT`", True),
        ("GPL-3.0", "GPL-3.0-only", "`GPL-3.0` is a deprecated SPDX id: read as `GPL-3.0-only`", True),
        ("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0", "", True),
        ("LicenseRef-proprietary", "LicenseRef-proprietary", "", False),
    ],
)
def test_publiccode_licences_are_normalised_with_a_note(tmp_path, licence, stored, note, free):
    (tmp_path / "publiccode.yml").write_text(PLAIN.format(name="tool", extra="releaseDate: 2023-05-04\n", licence=licence))
    vocabulary, _ = load_vocabulary([])
    [entry], problems = publiccode.import_files([tmp_path], vocabulary)
    option = entry.data["options"][0]
    assert option["lock_in"]["licence"] == stored and type(option["lock_in"]["licence"]) is str
    assert ("cost" in option) is free
    notes = [n for n in entry.notes if "legal.license" in n]
    assert len(notes) == bool(note) and all(n.startswith(f"legal.license: {note}") for n in notes)
    assert entry.data["last_reviewed"] == date(2023, 5, 4)


def test_publiccode_malformed_licence_is_left_unknown(tmp_path):
    (tmp_path / "publiccode.yml").write_text(PLAIN.format(name="tool", extra="releaseDate: 2023-05-04\n", licence='"MIT OR"'))
    vocabulary, _ = load_vocabulary([])
    [entry], problems = publiccode.import_files([tmp_path], vocabulary)
    assert "lock_in" not in entry.data["options"][0] and "cost" not in entry.data["options"][0]
    [problem] = [p for p in problems if p.key == "legal.license"]
    assert problem.severity == "warning" and problem.line == 5 and "`MIT OR`: not a valid SPDX expression" in problem.message


def test_publiccode_without_a_usable_date_is_not_imported_unless_one_is_given(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "undated.yml").write_text(PLAIN.format(name="undated", extra="", licence="MIT"))
    (source / "future.yml").write_text(PLAIN.format(name="future", extra="releaseDate: 2999-01-01\n", licence="MIT"))
    out = run("catalog", "import", "publiccode", str(source), "--into", str(tmp_path / "a"))
    assert out.exit_code == PROBLEMS and "0 created" in out.stdout
    assert "undated.yml: error: releaseDate: no usable `releaseDate` to take last_reviewed from: pass --reviewed DATE" in out.stdout
    assert "future.yml:4: warning: releaseDate: 2999-01-01 is in the future" in out.stdout
    out = run("catalog", "import", "publiccode", str(source), "--into", str(tmp_path / "b"), "--reviewed", "2026-01-15")
    assert out.exit_code == OK and "2 created" in out.stdout
    assert valid(tmp_path / "b").tools["undated"].last_reviewed == date(2026, 1, 15)
    for bad in ("2999-01-01", "last tuesday"):
        refused = run("catalog", "import", "publiccode", str(source), "--into", str(tmp_path / "c"), "--reviewed", bad)
        assert refused.exit_code == BAD_INPUT and "--reviewed" in refused.output
    assert not (tmp_path / "c").exists()


def test_codejson_dates_and_licences(tmp_path):
    def release(name, dates, licences):
        return {"name": name, "description": "Does things.", "homepageURL": f"https://{name}.example.gov",
                "permissions": {"usageType": "openSource", "licenses": licences}, **({"date": dates} if dates is not None else {})}

    inventory = {"version": "2.0.0", "agency": "GSA", "releases": [
        release("meta", {"created": "2012-01-01", "lastModified": "2019-03-04", "metadataLastUpdated": "2020-11-12"}, [{"name": "mit"}]),
        release("modified", {"created": "2012-01-01", "lastModified": "2019-03-04T10:00:00Z"}, [{"name": "GPL-3.0"}]),
        release("created", {"created": "2014-02-03", "metadataLastUpdated": "2999-01-01"}, [{"name": "MIT"}, {"name": "Apache-2.0 OR BSD-3-Clause"}]),
        release("undated", {}, [{"name": "MIT OR"}]),
    ]}
    path = tmp_path / "code.json"
    path.write_text(json.dumps(inventory))
    out = run("catalog", "import", "codejson", str(path), "--into", str(tmp_path / "c"))
    assert "3 created, 1 skipped" in out.stdout
    assert "undated: no usable date (metadataLastUpdated, lastModified, created) to take last_reviewed from" in out.stdout
    assert "releases[3].date.metadataLastUpdated: 2999-01-01 is in the future" in out.stdout
    catalog = valid(tmp_path / "c")
    reviewed = {t.id: t.last_reviewed for t in catalog}
    assert reviewed == {"meta": date(2020, 11, 12), "modified": date(2019, 3, 4), "created": date(2014, 2, 3)}
    licence = {t.id: t.options[0].value("lock_in.licence") for t in catalog}
    assert licence == {"meta": "MIT", "modified": "GPL-3.0-only", "created": "MIT AND (Apache-2.0 OR BSD-3-Clause)"}
    header = (tmp_path / "c" / "modified.toml").read_text()
    assert "# permissions.licenses: `GPL-3.0` is a deprecated SPDX id: read as `GPL-3.0-only`." in header
    assert "# last_reviewed is the inventory's date.lastModified (2019-03-04)." in header
    out = run("catalog", "import", "codejson", str(path), "--into", str(tmp_path / "d"), "--reviewed", "2025-01-02")
    assert "4 created" in out.stdout and "licence `MIT OR` is not recognised" in out.stdout
    undated = valid(tmp_path / "d").tools["undated"]
    assert undated.last_reviewed == date(2025, 1, 2) and undated.options[0].value("lock_in.licence") is None
