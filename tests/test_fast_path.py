"""The fast path (catalog/fast.py) builds the same catalogue as the full walk, or steps aside.

Whatever the fast path accepts, the full walk (`ToolReader` after the limits check) accepts
without a single problem and builds an equal tool, facts in the same order; whatever it does
not, `read_tool_text` answers with the full walk's problems, word for word.
"""

from __future__ import annotations

import copy
import datetime
from pathlib import Path

import pytest
import tomli
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.fast import FastBuilder
from catalog.limits import Limits, load_toml, parse_toml
from catalog.loader import BUNDLED_CATALOG, ToolReader, load_catalog, load_vocabulary, read_tool_text, tool_files
from catalog.vocabulary import read_vocabulary
from tests.conftest import FIXTURE_CATALOG

VOCAB, _ = read_vocabulary()
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
GOOD_PATH = FIXTURE_CATALOG / "tools" / "alpha-analytics.toml"
GOOD = tomli.loads(GOOD_PATH.read_text(encoding="utf-8"))
# The same tool with every kind of key the schema has: cite, caveats, assessments, exceptions.
RICH = copy.deepcopy(GOOD)
RICH["sources"][0].update(accept=["redirect"], note="The licence file moved; the redirect is the project's own.", title="Licence")
RICH["options"][1]["caveats"] = [{"risk": "data_control", "text": "Exports are monthly.", "source": "hosting"}]
RICH["options"][1]["data"]["residency_exceptions"] = [{"country": "US", "feature": "Support tickets"}]
RICH["options"][1]["data"]["cite"] = {"owner": "licence", "residency": ["hosting", "licence", "hosting"]}
RICH["options"][1]["assurance"]["assessments"] = [
    {"scheme": "irap", "level": "protected", "scope": "service", "source": "hosting"},
    {"scheme": "iso27001", "scope": "infrastructure"},
]
RICH["options"][1]["maintenance"] = {"status": "active", "ends": datetime.date(2030, 1, 1)}
RICH["options"][1]["sources"] = ["hosting"]


def full_walk(path: Path, text: str, vocabulary, origin: str = ""):
    data, problem = parse_toml(text, str(path))
    if problem is not None:
        return None, [problem]
    return ToolReader(path, text, data, vocabulary, origin).read()


def fast(path: Path, text: str, vocabulary, origin: str = "", limits: Limits | None = None):
    data, problem = load_toml(text, str(path))
    if problem is not None:
        return None
    return FastBuilder(vocabulary.capabilities, origin, limits).build(path, data)


def same_tool(a, b) -> bool:
    """Equal, and every option's facts in the same order."""
    return a == b and all(list(x.facts) == list(y.facts) for x, y in zip(a.options, b.options))


def agree(path: Path, text: str, vocabulary=VOCAB, origin: str = "src"):
    """The fast path and the full walk agree on `text`; the fast path's tool (or None)."""
    tool, problems = full_walk(path, text, vocabulary, origin)
    built = fast(path, text, vocabulary, origin)
    if built is not None:
        assert problems == [], [str(p) for p in problems]
        assert same_tool(built, tool)
    answer = read_tool_text(path, text, vocabulary, origin)
    assert answer[1] == problems
    assert (answer[0] is None) == (tool is None) and (tool is None or same_tool(answer[0], tool))
    return built


def catalogue_files(directory: Path):
    return [(path, path.read_text(encoding="utf-8")) for path in tool_files(directory)]


@pytest.mark.parametrize("directory", [BUNDLED_CATALOG, FIXTURE_CATALOG], ids=["bundled", "fixture"])
def test_every_clean_file_of_a_catalogue_is_built_by_the_fast_path_and_equal(directory):
    vocabulary, _ = load_vocabulary([directory])
    clean = built = 0
    for path, text in catalogue_files(directory):
        tool, problems = full_walk(path, text, vocabulary, "src")
        clean += tool is not None and not problems
        built += agree(path, text, vocabulary) is not None
    assert clean > 0 and built == clean  # it serves every file with nothing to say


def test_the_bundled_catalogue_loads_as_the_full_walk_reads_it():
    vocabulary, _ = load_vocabulary([BUNDLED_CATALOG])
    loaded = load_catalog().catalog
    for path, text in catalogue_files(BUNDLED_CATALOG):
        tool, _problems = full_walk(path, text, vocabulary, str(BUNDLED_CATALOG))
        if tool is not None:
            assert same_tool(loaded.tools[tool.id], tool)


def test_hostile_fixtures_get_the_full_walks_problems():
    files = sorted(HOSTILE.rglob("*.toml"))
    assert files
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        agree(path, text)


def test_every_kind_of_key_is_built_by_the_fast_path():
    built = agree(GOOD_PATH, tomli_w.dumps(RICH))
    assert built is not None
    cloud = built.options[1]
    assert cloud.fact("data.owner").sources[0].id == "licence"
    assert [s.id for s in cloud.fact("data.residency").sources] == ["hosting", "licence", "hosting"]
    assert [(a.scheme, a.level) for a in cloud.value("assurance.assessments")] == [("irap", "protected"), ("iso27001", "certified")]
    assert cloud.caveats and cloud.value("data.residency_exceptions") == (("US", "Support tickets"),)


def test_a_file_with_only_a_warning_goes_the_full_walk():
    text = GOOD_PATH.read_text(encoding="utf-8").replace('licence = "MIT"', 'licence = "mit"')
    assert fast(GOOD_PATH, text, VOCAB) is None
    tool, problems = read_tool_text(GOOD_PATH, text, VOCAB)
    assert tool is not None and {p.severity for p in problems} == {"warning"}


def test_under_tight_limits_the_fast_path_steps_aside():
    text = GOOD_PATH.read_text(encoding="utf-8")
    assert fast(GOOD_PATH, text, VOCAB) is not None
    assert fast(GOOD_PATH, text, VOCAB, limits=Limits(depth=3)) is None
    assert fast(GOOD_PATH, text, VOCAB, limits=Limits(items=4)) is None


def test_long_lists_step_aside_under_the_items_limit():
    data = copy.deepcopy(GOOD)
    data["aliases"] = [f"name {i}" for i in range(40)]
    text = tomli_w.dumps(data)
    assert fast(GOOD_PATH, text, VOCAB) is not None
    assert fast(GOOD_PATH, text, VOCAB, limits=Limits(items=39)) is None


def test_equal_values_are_shared_between_tools():
    builder = FastBuilder(VOCAB.capabilities, "src")
    first = builder.build(GOOD_PATH, copy.deepcopy(GOOD))
    second = builder.build(GOOD_PATH, copy.deepcopy(GOOD))
    assert first == second and first is not second
    a, b = first.options[0], second.options[0]
    assert all(x is y for x, y in zip(a.facts, b.facts))  # the fact keys
    shared = [k for k, f in a.facts.items() if isinstance(f.value, tuple) and f.value]
    assert shared and all(a.facts[k].value is b.facts[k].value for k in shared)
    assert first.origins is second.origins
    assert a.id is b.id and first.sources[0].id is second.sources[0].id  # short ids: one string each


# -- generated hostile variants of a good file ----------------------------------------------------
def _paths(value, prefix=()):
    """Every key path in parsed TOML, tables and arrays alike."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


PATHS = [p for p in _paths(RICH) if p]
AWKWARD_TEXT = st.sampled_from([
    "", " ", "x", "MIT", "mit", "AU", "au", "EU", "rest", "REST", "irap", "IRAP", "iso 27001", "protected",
    "licence", "hosting", "nope", "web-analytics", "Web analytics", "https://example.org", "http://x",
    "ftp://example.org", "https://exa mple.org", "https://example.org\n", "a\u202eb", "a\x1bb", "a\nb", "a\tb",
    " padded ", "unlimited", "self-hosted", "hosted", "open-source", "commercial", "low", "agency", "saml",
    "Bad_Slug", "ok-slug", "service", "infrastructure", "2026-01-01",
])
AWKWARD = st.recursive(
    st.one_of(
        AWKWARD_TEXT, st.booleans(), st.integers(-3, 3), st.sampled_from([0.5, 10**6]),
        st.sampled_from([datetime.date(2020, 1, 1), datetime.date(2999, 1, 1), datetime.datetime(2020, 1, 1, 10, 0)]),
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(AWKWARD_TEXT, children, max_size=3),
    max_leaves=6,
)


def _edit(data, path, action, value):
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif action == "add" and isinstance(parent[last], dict):
        parent[last][value if isinstance(value, str) else "extra"] = value
    elif action == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    else:
        parent[last] = value


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["replace", "delete", "add"]), AWKWARD), min_size=1, max_size=3))
def test_generated_variants_agree_with_the_full_walk(edits):
    data = copy.deepcopy(RICH)
    for path, action, value in edits:
        try:
            _edit(data, path, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this place
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return
    agree(GOOD_PATH, text)


def test_capabilities_are_the_vocabularys_own_strings_not_a_copy_per_file():
    builder = FastBuilder(VOCAB.capabilities, "here")
    tools = []
    for index in range(2):
        data = tomli.loads(GOOD_PATH.read_text(encoding="utf-8"))  # strings of its own each time
        tools.append(builder.build(Path(f"/cat/tool-{index}.toml"), data))
    terms = {term: term for term in VOCAB.capabilities}
    for tool in tools:
        assert tool is not None and tool.capabilities == tuple(GOOD["capabilities"])
        assert all(cap is terms[cap] for cap in tool.capabilities)
    assert tools[0].capabilities is tools[1].capabilities


def test_option_and_source_ids_are_one_string_each_across_files_and_still_checked():
    builder = FastBuilder(VOCAB.capabilities, "here")
    first, second = (builder.build(Path(f"/cat/tool-{i}.toml"), tomli.loads(GOOD_PATH.read_text(encoding="utf-8"))) for i in range(2))
    assert first is not None and second is not None
    assert all(a.id is b.id for a, b in zip(first.options, second.options))
    assert all(a.id is b.id for a, b in zip(first.sources, second.sources))
    bad = tomli.loads(GOOD_PATH.read_text(encoding="utf-8"))
    bad["options"][0]["id"] = "Not A Slug"
    assert builder.build(Path("/cat/tool-3.toml"), bad) is None
    assert builder.build(Path("/cat/tool-4.toml"), bad) is None  # not remembered as checked
