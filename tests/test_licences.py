"""Licences as SPDX expressions: parsing, normalising and the open-source judgement."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from catalog import licences
from catalog.licences import Licence, is_open_source, osi_approved, parse
from catalog.loader import load_catalog
from recommender.engine import recommend
from tests.conftest import FIXTURE_CATALOG, profile

GOOD = (FIXTURE_CATALOG / "tools" / "alpha-analytics.toml").read_text()

# (as written, normalised, open source, a note says) — expressions found in real catalogues
# and publiccode.yml files.
REAL_WORLD = [
    ("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0", True, ""),
    ("mit", "MIT", True, "`mit` is written `MIT`"),
    ("GPL-3.0", "GPL-3.0-only", True, "`GPL-3.0` is a deprecated SPDX id: read as `GPL-3.0-only`"),
    ("GPL-2.0+", "GPL-2.0-or-later", True, "deprecated SPDX id"),
    ("BSD-2-Clause-Patent", "BSD-2-Clause-Patent", True, ""),
    ("LicenseRef-proprietary", "LicenseRef-proprietary", False, ""),
    ("MIT OR Apache-2.0", "MIT OR Apache-2.0", True, ""),
    ("AGPL-3.0-or-later", "AGPL-3.0-or-later", True, ""),
    ("EUPL-1.2", "EUPL-1.2", True, ""),
    ("MIT AND LicenseRef-proprietary", "MIT AND LicenseRef-proprietary", False, ""),  # open core
    ("MIT OR LicenseRef-commercial", "MIT OR LicenseRef-commercial", True, ""),  # dual licensing
    ("(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause", True, ""),
    ("mit or apache-2.0", "MIT OR Apache-2.0", True, "`mit` is written `MIT`"),
    ("BUSL-1.1", "BUSL-1.1", False, ""),  # source-available, not OSI-approved
    ("SSPL-1.0", "SSPL-1.0", False, ""),
    ("CC0-1.0", "CC0-1.0", False, ""),  # public-domain dedication the OSI has not approved
    ("LicenseRef-MIT-Bootstrap", "LicenseRef-MIT-Bootstrap", False, ""),  # the catalogue's own name, kept
    ("DocumentRef-spdx-tool:LicenseRef-acme", "DocumentRef-spdx-tool:LicenseRef-acme", False, ""),
]


@pytest.mark.parametrize("text,normalised,open_source,note", REAL_WORLD)
def test_real_world_expressions(text, normalised, open_source, note):
    parsed = parse(text)
    assert parsed.error == "" and parsed.licence == normalised
    assert parsed.licence.open_source is open_source
    assert is_open_source(text) is open_source
    if note:
        assert any(note in n for n in parsed.notes), parsed.notes
    else:
        assert parsed.notes == ()


@pytest.mark.parametrize(
    "text,says",
    [
        ("MIT OR", "OR requires two or more licenses"),
        ("MIT AND (Apache-2.0 OR", "not a valid SPDX expression"),
        ("()", "not a valid SPDX expression"),
        ("MIT Apache-2.0", "not a valid SPDX expression"),
        ("MIT WITH Apache-2.0", "cannot be used as an exception"),
        ("Classpath-exception-2.0", "not a valid SPDX expression"),
        ("MIT/Apache-2.0", "not a valid SPDX expression"),
        ("Apache 2.0", "`Apache 2.0` is not an SPDX licence id"),
        ("Apachee-2.0", "(did you mean `Apache-2.0`?)"),
        ("Frobnicate-1.0", "`LicenseRef-<name>`"),
        ("   ", "empty"),
    ],
)
def test_malformed_and_unknown_expressions_are_errors(text, says):
    parsed = parse(text)
    assert parsed.licence is None and says in parsed.error
    assert is_open_source(text) is False


def test_the_approval_list_is_data_and_covers_the_common_licences():
    approved = osi_approved()
    assert licences.DATA_FILE.name == "licences.toml" and len(approved) > 100
    assert {"MIT", "Apache-2.0", "GPL-2.0-only", "AGPL-3.0-or-later", "EUPL-1.2", "BSD-2-Clause-Patent", "MPL-2.0"} <= approved
    assert not {"GPL-3.0", "BUSL-1.1", "SSPL-1.0", "CC0-1.0", "LicenseRef-proprietary"} & approved
    # Every approved id parses as itself: none is unknown to the parser or renamed by it.
    for key in approved:
        assert parse(key).licence == key and parse(key).licence.open_source


def test_a_licence_survives_pickling_with_its_verdict():
    licence = parse("GPL-3.0").licence
    back = pickle.loads(pickle.dumps(licence))
    assert isinstance(back, Licence) and back == "GPL-3.0-only" and back.open_source
    assert is_open_source(Licence("LicenseRef-x", False)) is False


def _catalogue(tmp_path: Path, licence: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = GOOD.replace('licence = "MIT"\nopen_standards', f'licence = "{licence}"\nopen_standards')
    assert text != GOOD
    (tmp_path / "alpha-analytics.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_loader_normalises_with_a_warning_on_the_line(tmp_path):
    result = load_catalog([_catalogue(tmp_path, "GPL-3.0")])
    assert result.ok
    [warning] = [p for p in result.warnings if p.key.endswith("lock_in.licence")]
    assert warning.line == GOOD.splitlines().index('licence = "MIT"') + 1
    assert warning.key == "options[1].lock_in.licence" and "read as `GPL-3.0-only`" in warning.message
    value = result.catalog.tools["alpha-analytics"].options[0].value("lock_in.licence")
    assert value == "GPL-3.0-only" and value.open_source


def test_the_loader_refuses_a_malformed_expression(tmp_path):
    result = load_catalog([_catalogue(tmp_path, "MIT OR")])
    [error] = result.errors
    assert error.key == "options[1].lock_in.licence" and error.line > 0
    assert "`MIT OR`: not a valid SPDX expression" in error.message


@pytest.mark.parametrize("licence,passes", [("GPL-2.0-only WITH Classpath-exception-2.0", True), ("mit", True), ("MIT AND LicenseRef-proprietary", False)])
def test_the_engine_judges_open_source_on_the_parsed_expression(tmp_path, licence, passes):
    catalog = load_catalog([_catalogue(tmp_path, licence)]).catalog
    result = recommend(catalog, profile(("capabilities", ("web-analytics",)), ("open_source", True)))
    passed = {a.option.id for a in result.options if a.tool.id == "alpha-analytics"}
    assert ("self-hosted" in passed) is passes


def test_a_run_from_the_parse_cache_does_not_import_the_parser(tmp_path):
    """The library is needed to parse, not to judge: a cached run never loads it."""
    directory = _catalogue(tmp_path / "cat", "GPL-3.0")
    script = (
        "import sys\n"
        "from recommender.catalogs import load_for_cli\n"
        f"result = load_for_cli([__import__('pathlib').Path({str(directory)!r})], notify=None)\n"
        "value = result.catalog.tools['alpha-analytics'].options[0].value('lock_in.licence')\n"
        "print(value, value.open_source, 'license_expression' in sys.modules)\n"
    )
    env = {**os.environ, "SBB_CACHE_DIR": str(tmp_path / "cache"), "SBB_NO_CONFIG": "1"}
    root = Path(__file__).parent.parent
    first = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["GPL-3.0-only", "True", "True"]
    assert second.stdout.split() == ["GPL-3.0-only", "True", "False"]


@pytest.mark.parametrize("text", ["A" * 100_000, "MIT\x00", "MIT OR \x1b[31mred", "(" * 3000 + "MIT", "MIT " * 20_000])
def test_hostile_expressions_give_a_short_plain_error(text):
    parsed = parse(text)
    assert parsed.licence is None and len(parsed.error) < 300
    assert parsed.error.isprintable()


def test_the_loader_message_for_a_hostile_licence_is_short_and_plain(tmp_path):
    result = load_catalog([_catalogue(tmp_path, "Evil\\u001b[31m" + "X" * 5000)])
    [error] = result.errors
    assert error.key == "options[1].lock_in.licence" and len(error.message) < 300 and error.message.isprintable()


def test_parse_caches_are_keyed_by_the_approval_list_and_the_library_index():
    from catalog.federation import _code_stamp, _stat

    paths = licences.inputs()
    assert paths[0] == licences.DATA_FILE and paths[1].name == "scancode-licensedb-index.json" and paths[1].is_file()
    stamp = _code_stamp()
    for path in paths:
        assert _stat(path) is not None and _stat(path) in stamp


def test_a_plain_approved_id_or_licenceref_name_is_what_the_full_parse_makes_of_it():
    from catalog.licences import parse_expression

    for text in [*sorted(osi_approved()), "LicenseRef-proprietary", "LicenseRef-Agency.Terms-2", "LicenseRef-x"]:
        quick, full = parse(text), parse_expression(text)
        assert quick == full, text
        assert (str(quick.licence), quick.licence.open_source) == (str(full.licence), full.licence.open_source), text
    for text in ("mit", "MIT OR Apache-2.0", "LicenseRef-x\n", "DocumentRef-a:LicenseRef-b", "GPL-2.0+"):
        assert parse(text) == parse_expression(text), text  # anything else goes the full way


def test_a_catalogue_of_plain_ids_is_read_without_building_the_spdx_index(tmp_path):
    from catalog import licences
    from catalog.loader import load_catalog
    from tests.sharing_helpers import entry, write_catalogue

    directory = write_catalogue(tmp_path / "c", {
        "a-stats": entry("A Stats", "https://a.example.org", licence="MIT"),
        "b-stats": entry("B Stats", "https://b.example.org", licence="LicenseRef-agency"),
    })
    licences._licensing.cache_clear()
    licences.parse.cache_clear()
    result = load_catalog([directory])
    assert result.ok and result.catalog.tools["b-stats"].options[0].value("lock_in.licence") == "LicenseRef-agency"
    assert licences._licensing.cache_info().currsize == 0
    assert result.catalog.tools["a-stats"].options[0].value("lock_in.licence").open_source is True
