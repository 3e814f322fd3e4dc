"""Documentation covers every key and kind; the six roles follow the ICT stance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog import schema
from recommender.requirements import KINDS
from recommender.stance import ROLES, duties

ROOT = Path(__file__).parent.parent


def test_schema_doc_names_every_key():
    text = (ROOT / "catalog" / "SCHEMA.md").read_text()
    keys = [*schema.TOOL_FIELDS, *schema.OPTION_FIELDS, *schema.SOURCE_FIELDS, *schema.CAVEAT_FIELDS, *schema.SECTION_META]
    keys += [fact for facts in schema.SECTIONS.values() for fact in facts]
    missing = [k for k in keys if f"`{k}`" not in text]
    assert not missing
    assert all(f"[options.{section}]" in text for section in schema.SECTIONS)


def test_profile_doc_names_every_requirement_kind():
    text = (ROOT / "recommender" / "PROFILE.md").read_text()
    assert [k for k in KINDS if f"`{k}`" not in text] == []


def test_output_doc_names_the_required_json_keys():
    text = (ROOT / "recommender" / "OUTPUT.md").read_text()
    for key in ("schema_version", "options", "verdicts", "near_misses", "blocked_by", "relaxation", "removes", "data_control"):
        assert f'"{key}"' in text


def carriers(stance, deployment):
    return {d.role: d.carrier for d in duties(stance, deployment, "Vendor")}


def test_supporter_stance_matches_the_design():
    hosted = carriers("supporter", "hosted")
    assert hosted["access"] == "ICT" and hosted["use"] == "business" and hosted["technical_management"] == "provider"
    assert hosted["development"] == "business"  # the business works with third parties on hosted services
    own = carriers("supporter", "self-hosted")
    assert own["technical_management"] == "ICT" and own["monitoring"] == "ICT"  # ICT hosts self-hosted services


def test_leader_carries_everything_and_observer_leaves_a_gap():
    assert set(carriers("leader", "self-hosted").values()) == {"ICT"}
    observer = duties("observer", "self-hosted")
    gap = next(d for d in observer if d.role == "technical_management")
    assert gap.carrier == "business" and "gap" in gap.note


@pytest.mark.parametrize("stance", ["leader", "supporter", "observer"])
@pytest.mark.parametrize("deployment", ["hosted", "self-hosted"])
def test_every_stance_covers_all_six_roles(stance, deployment):
    assert [d.role for d in duties(stance, deployment)] == list(ROLES)


def test_policies_doc_names_every_pack_key():
    from recommender import policy

    text = (ROOT / "recommender" / "POLICIES.md").read_text()
    keys = {*policy.TOP_KEYS, *policy.SOURCE_KEYS, *policy.RUNG_KEYS, *policy.GATE_KEYS, *policy.PREFERENCE_KEYS, *policy.EVIDENCE_KEYS, *policy.SECTION_KEYS}
    assert [k for k in sorted(keys) if not re.search(rf"^\[?\[?{k}\b", text, re.M) and f"{k} =" not in text] == []
    assert all(kind in text for kind in policy.SECTION_KINDS)
    readme = (ROOT / "README.md").read_text()
    assert all(f"### `{pack}`" in readme for pack in policy.builtin_ids())


def test_profile_doc_names_every_top_key():
    from recommender.profile import TOP_KEYS

    text = (ROOT / "recommender" / "PROFILE.md").read_text()
    assert [k for k in TOP_KEYS if not re.search(rf"^\[?\[?{k}\b", text, re.M)] == []


def test_ci_runs_exactly_the_readme_test_command_in_its_own_environment():
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    command = ci_lines[-1]
    assert command in (ROOT / "README.md").read_text()
    # A system Python that refuses pip installs (PEP 668) must still run it: the command makes
    # and uses a virtual environment, and that environment is never committed.
    assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install")
    assert "\n.venv/\n" in "\n" + (ROOT / ".gitignore").read_text()


def test_build_requires_a_setuptools_that_reads_spdx_licence_strings():
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in data["build-system"]["requires"]
