"""Every command that prints JSON names the version of its shape, and the docs describe each shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from tests.conftest import FIXTURE_CATALOG

ROOT = Path(__file__).parent.parent
PUBLICCODE = Path(__file__).parent / "fixtures" / "publiccode" / "standard-example-minimal.yml"
CAT = ["--catalog", str(FIXTURE_CATALOG)]
runner = CliRunner()

# (command as documented in OUTPUT.md, its arguments, the version key, the version)
COMMANDS = [
    ("sbb recommend", ["recommend", *CAT, "-c", "web analytics", "-f", "json"], "schema_version", 2),
    ("sbb compare", ["compare", "alpha-analytics/cloud", "alpha-analytics/self-hosted", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog validate", ["catalog", "validate", str(FIXTURE_CATALOG), "-f", "json"], "schema_version", 1),
    ("sbb catalog lint", ["catalog", "lint", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog stats", ["catalog", "stats", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog sample", ["catalog", "sample", "--seed", "1", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog search", ["catalog", "search", "analytics", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog show", ["catalog", "show", "alpha-analytics", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog sources", ["catalog", "sources", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog conflicts", ["catalog", "conflicts", *CAT, "-f", "json"], "schema_version", 1),
    ("sbb catalog export", ["catalog", "export", *CAT, "-f", "json"], "version", 2),
    ("sbb catalog validate`/`lint -f sarif", ["catalog", "validate", str(FIXTURE_CATALOG), "-f", "sarif"], "version", "2.1.0"),
]


@pytest.mark.parametrize("name, args, key, version", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_json_carries_its_version_and_is_documented(name, args, key, version):
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    assert data[key] == version
    doc = (ROOT / "recommender" / "OUTPUT.md").read_text(encoding="utf-8")
    assert f"| `{name}" in doc, f"{name} is not in OUTPUT.md"


def test_import_report_carries_its_version(tmp_path):
    result = runner.invoke(app, ["catalog", "import", "publiccode", str(PUBLICCODE), "--into", str(tmp_path / "c"), "-f", "json"])
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert {"created", "skipped", "problems", "unmapped"} <= set(data)
    assert "| `sbb catalog import" in (ROOT / "recommender" / "OUTPUT.md").read_text(encoding="utf-8")


def test_documented_keys_are_the_printed_keys():
    """The top-level keys OUTPUT.md gives for each catalogue command are the ones printed."""
    doc = (ROOT / "recommender" / "OUTPUT.md").read_text(encoding="utf-8")
    for name, args, *_ in COMMANDS[2:9]:
        if name == "sbb catalog show":
            continue
        data = json.loads(runner.invoke(app, args).stdout)
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{name}"))
        assert all(f'"{key}"' in row for key in data), (name, [k for k in data if f'"{k}"' not in row])
