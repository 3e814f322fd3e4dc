"""Profiles: round trip through TOML, hostile input, typo-tolerant capabilities."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.vocabulary import read_vocabulary
from recommender.profile import Profile, Requirement, parse_profile
from recommender.requirements import Context

VOCAB, _ = read_vocabulary()


def test_round_trip_through_toml():
    profile = Profile(
        "Title",
        "Why",
        (
            Requirement("capabilities", ("web-analytics", "surveys")),
            Requirement("residency", ("AU", "NZ")),
            Requirement("full_export", True),
            Requirement("max_ops_effort", "low", False, 3),
            Requirement("open_source", True, False, 2),
            Requirement("api", True),
        ),
        Context(country="AU", level="state", stance="observer", ops_capacity="low", skills=("php",)),
        ("a unique need",),
        True,
        ("engagement", "delivery"),
    )
    again, problems = parse_profile(profile.to_toml(), VOCAB)
    assert problems == []
    assert set(again.requirements) == set(profile.requirements)
    assert again.effective() == profile.effective()


def test_capability_typos_are_forgiven_with_a_warning_and_unknowns_refused():
    profile, problems = parse_profile('[hard]\ncapabilities = ["web analytcs", "helpdesk"]\n', VOCAB)
    assert profile.get("capabilities").value == ("web-analytics", "help-desk")
    assert [p.severity for p in problems] == ["warning"]
    profile, problems = parse_profile('[hard]\ncapabilities = ["zzzz"]\n', VOCAB)
    assert profile is None and "unknown capability `zzzz`" in problems[0].message


def test_a_kind_cannot_be_both_hard_and_soft():
    profile, problems = parse_profile("[hard]\nopen_source = true\n[soft]\nopen_source = 2\n", VOCAB)
    assert profile is None and "both hard and soft" in problems[0].message and problems[0].line == 4


def test_every_problem_at_once():
    text = 'title = 3\ncolour = "red"\n[context]\nstance = "boss"\ncountry = "XX"\n[hard]\nresidency = ["ZZ"]\n[soft]\nopen_source = 11\n[build]\nmust_control_code = "yes"\n'
    profile, problems = parse_profile(text, VOCAB)
    assert profile is None
    keys = sorted(p.key for p in problems)
    assert keys == ["build.must_control_code", "colour", "context.country", "context.stance", "hard.residency", "soft.open_source", "title"]


values = st.recursive(
    st.one_of(st.booleans(), st.integers(-5, 30), st.text(max_size=6), st.sampled_from(["AU", "low", "web-analytics", "rest"])),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(["value", "weight", "x"]), c, max_size=2),
    max_leaves=6,
)
kinds = st.sampled_from(["capabilities", "residency", "full_export", "api", "max_ops_effort", "accessibility", "weight", "nope"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(kinds, values, max_size=4), st.dictionaries(kinds, values, max_size=4), st.dictionaries(st.sampled_from(["country", "level", "stance", "ops_capacity", "skills", "x"]), values, max_size=3))
def test_hostile_profiles_give_problems_not_exceptions(hard, soft, context):
    import tomli_w

    try:
        text = tomli_w.dumps({"hard": hard, "soft": soft, "context": context})
    except (TypeError, ValueError):
        return
    profile, problems = parse_profile(text, VOCAB)
    assert profile is not None or any(p.severity == "error" for p in problems)
