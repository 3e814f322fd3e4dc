"""The Markdown report says who does what under the stance for every option, as the README promises."""

from __future__ import annotations

from catalog.loader import load_catalog
from recommender.engine import recommend
from recommender.profile import Profile, Requirement
from recommender.render import to_markdown
from recommender.requirements import Context
from recommender.stance import ROLE_LABELS, duties
from tests.conftest import FIXTURE_CATALOG


def test_markdown_report_has_a_roles_table_for_every_option():
    catalog = load_catalog([FIXTURE_CATALOG]).catalog
    for stance in ("leader", "supporter", "observer"):
        profile = Profile("roles", "", (Requirement("capabilities", ("web-analytics",)),), Context(stance=stance))
        rec = recommend(catalog, profile)
        text = to_markdown(rec)
        assert rec.options
        sections = text.split("\n### ")[1:]
        assert len(sections) == len(rec.options)
        for a, section in zip(rec.options, sections):
            assert section.startswith(a.name)
            assert f"Who does what ({stance} stance, {a.option.deployment}):" in section
            assert "| role | carried by | how |" in section
            for d in duties(stance, a.option.deployment, a.option.provider):
                assert f"| {ROLE_LABELS[d.role]} | {d.carrier} |" in section
