"""Shared fixtures: the bundled catalogue, a small fictional catalogue, profile helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: thorough locally, and repeatable in CI (same examples every run).
settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

from catalog.loader import BUNDLED_CATALOG, load_catalog
from recommender.profile import Profile, Requirement
from recommender.requirements import Context

HERE = Path(__file__).parent
FIXTURE_CATALOG = HERE / "fixtures" / "catalog"
EXAMPLES = HERE.parent / "examples"
REAL_FIXTURES = HERE / "fixtures"  # real published files (see fixtures/README.md)


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory, monkeypatch):
    """Keep the machine running the tests out of them: no user config, no user cache."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SBB_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("SBB_CACHE_DIR", str(home / "cache"))
    monkeypatch.delenv("SBB_CATALOG", raising=False)


@pytest.fixture(scope="session")
def fixture_catalog():
    result = load_catalog([FIXTURE_CATALOG])
    assert result.ok, [str(p) for p in result.problems]
    return result.catalog


@pytest.fixture(scope="session")
def bundled():
    result = load_catalog([BUNDLED_CATALOG])
    assert result.ok, [str(p) for p in result.errors]
    return result.catalog


def profile(*hard, soft=(), **context) -> Profile:
    """A profile from (kind, value) pairs; soft items are (kind, value, weight)."""
    requirements = tuple(Requirement(k, v, True) for k, v in hard) + tuple(
        Requirement(k, v, False, w) for k, v, w in soft
    )
    unique = tuple(context.pop("unique", ()))
    control = context.pop("must_control_code", False)
    return Profile("test", "", requirements, Context(**context), unique, control)
