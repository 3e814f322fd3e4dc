"""An option's facts held by column (`catalog.model.Facts`): a read-only mapping that reads as
the dict of `Fact` objects it replaces, made by the fast path, the full walk and the cache alike."""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Mapping

import pytest

from catalog.federation import load_sources
from catalog.loader import load_catalog
from catalog.model import Fact, Facts, Option, Source
from catalog.record import replace
from catalog.sources import SourceConfig, SourceSpec

PAGE = Source("page", "https://example.org/a")
OTHER = Source("other", "https://example.org/b")


def as_dict() -> dict[str, Fact]:
    return {
        "lock_in.licence": Fact("MIT", (PAGE,), "here"),
        "integration.api": Fact(True, (PAGE, OTHER), "here"),
        "cost.model": Fact(("free",), (OTHER,), "here"),
    }


def test_the_mapping_reads_as_the_dict_of_facts_it_holds():
    plain = as_dict()
    facts = Facts.of(plain)
    assert type(facts) is Facts and isinstance(facts, Mapping)
    assert len(facts) == len(plain) == 3
    assert list(facts) == list(plain) and list(facts.keys()) == list(plain.keys())
    assert list(facts.items()) == list(plain.items())
    assert list(facts.values()) == list(plain.values())
    for key, fact in plain.items():
        assert key in facts and facts[key] == fact and facts.get(key) == fact
        assert facts.value(key) == fact.value
        assert facts[key].sources is fact.sources  # the same sources, not copies
    assert "data.full_export" not in facts and 3 not in facts
    assert facts.get("data.full_export") is None and facts.get("data.full_export", 7) == 7
    assert facts.value("data.full_export", "unknown") == "unknown"
    with pytest.raises(KeyError, match="data.full_export"):
        facts["data.full_export"]
    assert facts == plain and plain == facts and dict(facts) == plain
    assert facts != {**plain, "lock_in.licence": Fact("GPL-3.0-only", (PAGE,), "here")}
    assert {**facts} == plain and repr(facts) == repr(plain)
    with pytest.raises(TypeError):
        hash(facts)


def test_the_mapping_is_read_only():
    facts = Facts.of(as_dict())
    with pytest.raises(TypeError):
        facts["lock_in.licence"] = Fact("GPL-3.0-only")  # type: ignore[index]
    with pytest.raises(TypeError):
        del facts["lock_in.licence"]  # type: ignore[attr-defined]
    for method in ("update", "pop", "clear", "setdefault", "popitem"):
        assert not hasattr(facts, method)
    with pytest.raises(AttributeError):
        facts.extra = 1  # type: ignore[attr-defined]
    facts["lock_in.licence"].value = "changed"  # a Fact read is a copy: the mapping is unchanged
    assert facts["lock_in.licence"].value == "MIT"


def test_options_with_the_same_keys_share_one_index():
    a, b = Facts.of(as_dict()), Facts.of({k: replace(f, value=None) for k, f in as_dict().items()})
    assert a._index is b._index and a != b


def test_facts_with_federation_claims_or_several_origins_stay_a_dict():
    claimed = {**as_dict(), "cost.band": Fact("low", (PAGE,), "here", (("high", "there"),), ("here", "there"))}
    assert Facts.of(claimed) is claimed
    mixed = {**as_dict(), "cost.band": Fact("low", (PAGE,), "there")}
    assert Facts.of(mixed) is mixed
    empty: dict = {}
    assert Facts.of(empty) is empty


def test_mismatched_columns_are_refused():
    with pytest.raises(ValueError):
        Facts(("a", "b"), (1,), ((PAGE,),), "here")
    with pytest.raises(ValueError):
        Facts(("a", "a"), (1, 2), ((PAGE,), (PAGE,)), "here")


def test_the_mapping_pickles_to_equal_facts_and_an_option_reads_it():
    facts = Facts.of(as_dict())
    again = pickle.loads(pickle.dumps(facts))
    assert type(again) is Facts and again == facts and list(again.items()) == list(facts.items())
    option = Option("o", "O", "open-source", "self-hosted", facts=facts)
    assert option.fact("integration.api") == as_dict()["integration.api"]
    assert option.value("cost.model") == ("free",) and option.value("cost.band", "?") == "?"
    assert option == Option("o", "O", "open-source", "self-hosted", facts=as_dict())


def test_a_cold_a_warm_and_a_plain_load_give_equal_facts_held_by_column(tmp_path):
    from tests.conftest import FIXTURE_CATALOG

    directory = tmp_path / "fixture"
    shutil.copytree(FIXTURE_CATALOG, directory)
    config = SourceConfig(sources=[SourceSpec("fixture", "directory", str(directory), explicit=True)])
    cache = tmp_path / "cache"
    cold = load_sources(config, cache)
    warm = load_sources(config, cache)
    assert warm.statuses[0].cached == len(warm.catalog.tools) > 0
    plain = load_catalog([directory], label=str(directory)).catalog  # the full walk, not the fast path
    for tool_id, tool in warm.catalog.tools.items():
        for mine, theirs, walked in zip(tool.options, cold.catalog.tools[tool_id].options, plain.tools[tool_id].options):
            if mine.facts:
                assert type(mine.facts) is type(theirs.facts) is type(walked.facts) is Facts
            assert list(mine.facts.items()) == list(theirs.facts.items())
            # the same facts as the full walk (which labels their origin by the directory)
            assert [(k, f.value, f.sources) for k, f in walked.facts.items()] == [(k, f.value, f.sources) for k, f in mine.facts.items()]
