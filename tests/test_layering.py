"""Dependencies flow one way: the catalogue and the engine never import the UI."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "catalog.loader",
    "catalog.lint",
    "catalog.search",
    "catalog.stats",
    "recommender.engine",
    "recommender.render",
    "recommender.profile",
    "recommender.cli",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_modules_do_not_import_textual(module):
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_recommend_command_does_not_import_textual_or_pydantic():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from recommender.cli import app\n"
        "r = CliRunner().invoke(app, ['recommend', '-c', 'web-analytics', '-f', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'tui', 'pydantic'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_catalogue_never_imports_the_recommender():
    code = "import sys, catalog.loader, catalog.lint, catalog.search, catalog.stats, catalog.export; print([m for m in sys.modules if m.startswith('recommender')])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
