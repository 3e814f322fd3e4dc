"""Security assessments, records keeping and open data in catalogue entries."""

from __future__ import annotations

from catalog.export import tool_to_toml_data
from catalog.loader import load_catalog

ENTRY = """schema_version = 1
name = "Secure Forms"
summary = "Forms for agencies."
homepage = "https://forms.example.org"
capabilities = ["online-forms"]
last_reviewed = 2026-11-01

[[sources]]
id = "irap"
url = "https://forms.example.org/irap"

[[sources]]
id = "cloud"
url = "https://cloud.example.org/compliance"

[[options]]
id = "cloud"
name = "Secure Forms Cloud"
origin = "commercial"
deployment = "hosted"

[options.data]
open_data = true

[options.assurance]
assessments = [
  { scheme = "irap", level = "protected", scope = "service", source = "irap" },
  { scheme = "iso27001", scope = "infrastructure", source = "cloud" },
]
{extra}

[options.records]
retention_controls = true
legal_hold = false
archival_formats = ["pdf-a", "csv"]
"""


def load(tmp_path, extra=""):
    (tmp_path / "secure-forms.toml").write_text(ENTRY.replace("{extra}", extra), encoding="utf-8")
    return load_catalog([tmp_path])


def test_assessments_records_and_open_data_are_read_with_their_sources(tmp_path):
    result = load(tmp_path)
    assert result.ok, [str(p) for p in result.problems]
    option = result.catalog.tools["secure-forms"].options[0]
    irap, iso = option.value("assurance.assessments")
    assert (irap.scheme, irap.level, irap.scope) == ("irap", "protected", "service")
    assert (iso.scheme, iso.level, iso.scope) == ("iso27001", "certified", "infrastructure")
    # Each assessment cites its own page; the fact carries both.
    assert [s.id for s in option.fact("assurance.assessments").sources] == ["irap", "cloud"]
    assert option.value("records.retention_controls") is True
    assert option.value("records.legal_hold") is False
    assert option.value("records.archival_formats") == ("pdf-a", "csv")
    assert option.value("data.open_data") is True


def test_unknown_schemes_levels_and_scopes_are_errors_with_suggestions(tmp_path):
    bad = 'certifications = ["iso9001"]'
    text = ENTRY.replace('level = "protected"', 'level = "protectd"').replace('"iso27001", scope = "infrastructure"', '"fedrmp", level = "moderate", scope = "hosting"')
    (tmp_path / "secure-forms.toml").write_text(text.replace("{extra}", bad), encoding="utf-8")
    result = load_catalog([tmp_path])
    found = "\n".join(str(p) for p in result.errors)
    assert "`protectd` is not a level of irap" in found and "did you mean `protected`?" in found
    assert "unknown assessment scheme `fedrmp`" in found and "did you mean `fedramp`?" in found
    assert "`hosting` is not one of `service`, `infrastructure`" in found
    assert "unknown assessment scheme `iso9001`" in found
    assert len(result.errors) == 4
    assert all(p.line for p in result.errors)


def test_a_level_is_required_where_the_scheme_has_several(tmp_path):
    text = ENTRY.replace('level = "protected", ', "")
    (tmp_path / "secure-forms.toml").write_text(text.replace("{extra}", ""), encoding="utf-8")
    result = load_catalog([tmp_path])
    assert ["missing key `level`" in p.message for p in result.errors] == [True]


def test_scheme_spellings_read_with_a_warning(tmp_path):
    result = load(tmp_path, 'certifications = ["ISO 27001", "SOC2"]')
    assert result.ok
    option = result.catalog.tools["secure-forms"].options[0]
    assert option.value("assurance.certifications") == ("iso27001", "soc2")
    assert len(result.warnings) == 2


def test_export_writes_assessments_back(tmp_path):
    result = load(tmp_path)
    data = tool_to_toml_data(result.catalog.tools["secure-forms"])
    assessments = data["options"][0]["assurance"]["assessments"]
    assert assessments[0] == {"scheme": "irap", "level": "protected", "scope": "service", "source": "irap"}


def test_json_and_csv_exports_carry_assessments(tmp_path):
    import json

    from typer.testing import CliRunner

    from recommender.cli import app

    load(tmp_path)
    runner = CliRunner()
    out = runner.invoke(app, ["catalog", "export", "-f", "json", "--catalog", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert '"scheme": "irap"' in out.stdout and json.loads(out.stdout)
    csv = runner.invoke(app, ["catalog", "export", "-f", "csv", "--catalog", str(tmp_path)])
    assert csv.exit_code == 0, csv.output
    assert "assurance.assessments" in csv.stdout and "irap" in csv.stdout
