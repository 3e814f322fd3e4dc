"""Mutated real inputs: catalogues, profiles, publiccode.yml and code.json, through loaders and importers.

Each test starts from a real file (a fixture tool, an example profile, the publiccode.yml
standard examples, a code.json inventory), changes it at random places (a value replaced by
hostile text, a deep or long structure, a wrong type; a key removed; an unknown key added),
writes it back in its own format and reads it as the tool would. The only acceptable outcomes
are a result or the project's own `Problem`s: never an exception. Example counts are bounded
so CI stays fast (60 each; FUZZ_N=500 for a longer local run); CI runs them derandomized.
"""

from __future__ import annotations

import copy
import json
import tempfile
from datetime import date
from pathlib import Path

import tomli
import tomli_w
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.importing import codejson, publiccode, write_entries
from catalog.importing.common import ImportReport
from catalog.loader import load_vocabulary, read_tool_text
from catalog.problems import Problem
from catalog.vocabulary import read_vocabulary
from recommender.profile import parse_profile
from tests.conftest import EXAMPLES, FIXTURE_CATALOG

HERE = Path(__file__).parent
VOCAB, _ = load_vocabulary([])
FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_N", "60")), deadline=None, suppress_health_check=list(HealthCheck))

HOSTILE_TEXT = st.sampled_from([
    "", " ", "\x1b]0;PWNED\x07", "a\nb", "\u202eevil", "zero\u200bwidth", "\x9b2J", "../../etc/passwd",
    "/abs/path", "javascript:alert(1)", "https://x.org/<script>", "=HYPERLINK()", "x" * 300, "nul\x00byte",
    "web-analytics", "open-source", "hosted", "MIT", "AU", "2026-01-01", "publiccodeYmlVersion",
])
TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=12))
SCALARS = st.one_of(TEXT, st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.dates(), st.floats(allow_nan=False, allow_infinity=False))


def deep(levels: int):
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(TEXT, SCALARS, max_size=3),
    st.integers(min_value=20, max_value=60).map(deep),
    st.builds(lambda: ["dup"] * 50),
)


def containers(data, path=()):
    """Every (path, container) in a structure, the root included."""
    yield path, data
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, child in items:
        if isinstance(child, (dict, list)):
            yield from containers(child, path + (key,))


def mutated(draw, original, values=VALUES):
    """A copy of `original` with one to four random changes."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 4))):
        places = list(containers(data))
        _, target = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if isinstance(target, dict):
            keys = list(target)
            if action == "add" or not keys:
                target[draw(TEXT)] = draw(values)
            elif action == "delete":
                del target[draw(st.sampled_from(keys))]
            else:
                target[draw(st.sampled_from(keys))] = draw(values)
        elif isinstance(target, list):
            if action == "add" or not target:
                target.append(draw(values))
            elif action == "delete":
                target.pop(draw(st.integers(0, len(target) - 1)))
            else:
                target[draw(st.integers(0, len(target) - 1))] = draw(values)
    return data


def only_problems(problems) -> None:
    assert all(isinstance(p, Problem) for p in problems)
    for p in problems:
        str(p), p.as_dict()  # every problem can be shown


# -- catalogue entries ------------------------------------------------------------------------------
TOOLS = [tomli.loads(p.read_text()) for p in sorted((FIXTURE_CATALOG / "tools").glob("*.toml"))]


def toml_text(data) -> str | None:
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError):
        return None  # not expressible as TOML (a key of the wrong type): nothing to read


@FUZZ
@given(st.data())
def test_mutated_catalogue_entries_give_a_tool_or_problems(data):
    text = toml_text(mutated(data.draw, data.draw(st.sampled_from(TOOLS))))
    if text is None:
        return
    tool, problems = read_tool_text(Path("cat/tools/alpha-analytics.toml"), text, VOCAB)
    only_problems(problems)
    assert tool is not None or any(p.severity == "error" for p in problems)


VOCABULARY = tomli.loads((HERE.parent / "catalog" / "data" / "capabilities.toml").read_text())


@FUZZ
@given(st.data())
def test_mutated_vocabularies_give_terms_or_problems(data):
    text = toml_text(mutated(data.draw, VOCABULARY))
    if text is None:
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "capabilities.toml"
        path.write_text(text, encoding="utf-8")
        vocabulary, problems = read_vocabulary(path)
    only_problems(problems)
    for term in vocabulary:
        assert isinstance(term.label, str) and all(isinstance(a, str) for a in term.aliases)


# -- profiles --------------------------------------------------------------------------------------
PROFILES = [tomli.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.toml"))]


@FUZZ
@given(st.data())
def test_mutated_profiles_give_a_profile_or_problems(data):
    text = toml_text(mutated(data.draw, data.draw(st.sampled_from(PROFILES))))
    if text is None:
        return
    profile, problems = parse_profile(text, VOCAB, "profile.toml")
    only_problems(problems)
    assert profile is not None or any(p.severity == "error" for p in problems)


# -- imports ---------------------------------------------------------------------------------------
YAML_VALUES = st.one_of(VALUES, st.none())
PUBLICCODE = [yaml.safe_load(p.read_text()) for p in sorted((HERE / "fixtures" / "publiccode").glob("*.yml"))]
CODEJSON = json.loads((HERE / "fixtures" / "codejson" / "hhs-code.json").read_text())
CODEJSON_SMALL = {**CODEJSON, "releases": CODEJSON["releases"][:6]}


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def import_and_write(entries, scratch: Path) -> None:
    report = write_entries(entries, scratch / "into", report=ImportReport())
    only_problems(report.problems)
    for tool_id, path in report.created:
        assert Path(path).parent == scratch / "into" and Path(path).name == f"{tool_id}.toml"


@FUZZ
@given(st.data())
def test_mutated_publiccode_files_give_an_entry_or_problems(data):
    text = yaml.safe_dump(mutated(data.draw, data.draw(st.sampled_from(PUBLICCODE)), YAML_VALUES), allow_unicode=True)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "publiccode.yml"
        path.write_text(text, encoding="utf-8")
        entry, problems = publiccode.read_file(path, VOCAB, fallback=["web-analytics"])
        only_problems(problems)
        if entry is not None:
            import_and_write([entry], Path(scratch))


@FUZZ
@given(st.data())
def test_mutated_code_json_gives_entries_or_problems(data):
    inventory = _jsonable(mutated(data.draw, CODEJSON_SMALL, YAML_VALUES))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "code.json"
        path.write_text(json.dumps(inventory), encoding="utf-8")
        entries, skipped, problems, unmapped = codejson.read_inventory(path, VOCAB, fallback=["web-analytics"])
        only_problems(problems)
        assert all(isinstance(reason, str) for _, reason in skipped)
        import_and_write(entries, Path(scratch))


# -- sbb-json exports read back ----------------------------------------------------------------------
def _export() -> dict:
    from catalog.sbbjson import export_text
    from catalog.sources import configured_sources
    from catalog.federation import load_sources

    with tempfile.TemporaryDirectory() as cache:
        result = load_sources(configured_sources([FIXTURE_CATALOG], env={"SBB_NO_CONFIG": "1"}), Path(cache), use_cache=False)
        return json.loads(export_text(result, Path(cache)))


EXPORT = _export()


@FUZZ
@given(st.data())
def test_mutated_sbb_json_exports_give_sources_or_problems(data):
    from catalog.sbbjson import read_export, write_import

    export = _jsonable(mutated(data.draw, EXPORT, YAML_VALUES))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "export.json"
        path.write_text(json.dumps(export), encoding="utf-8")
        imported = read_export(path)
        only_problems(imported.problems)
        created, skipped, problems = write_import(imported, Path(scratch) / "into")
        only_problems(problems)
        for _, written in created:
            assert Path(written).resolve().is_relative_to((Path(scratch) / "into").resolve())


def test_sbb_json_shapes_the_fuzzing_found_are_problems(tmp_path):
    """Regressions: an entry whose `source` is an array, a source whose vocabulary is a number."""
    from catalog.sbbjson import read_export

    path = tmp_path / "export.json"
    path.write_text(json.dumps({
        "format": "sbb-json", "version": 2,
        "sources": [{"name": "a", "vocabulary": 5}],
        "entries": [{"source": ["a"], "id": "x", "entry": {}}],
    }))
    assert [(p.key, p.message) for p in read_export(path).problems] == [
        ("sources[1].vocabulary", "expected an array of terms"),
        ("entries[1].source", "no source named `['a']` in `sources`"),
    ]
