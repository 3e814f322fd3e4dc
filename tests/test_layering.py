"""Dependencies flow one way: the catalogue and the engine never import the UI."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

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


def drives_the_tui(item) -> bool:
    """A test of the terminal UI: in a test_tui file, or building the App or calling a helper that does."""
    if Path(str(item.fspath)).name.startswith("test_tui"):
        return True
    try:
        source = inspect.getsource(item.function)
    except (OSError, TypeError):
        return False
    source = source.split(":\n", 1)[-1]  # the body, not the test's own name
    return any(mark in source for mark in ("SbbApp", "run_test(", "from tui", "import tui", "_tui_"))


def test_every_test_that_drives_the_tui_is_marked(request):
    """`pytest -m "not tui"` runs everything but the terminal UI: each test of it carries the marker."""
    unmarked = [
        item.nodeid
        for item in request.session.items
        if item is not request.node and drives_the_tui(item) and item.get_closest_marker("tui") is None
    ]
    assert unmarked == []


def _imports(path: Path) -> set[str]:
    """Modules a file imports at module level or in functions (not under TYPE_CHECKING)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    guarded = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


ROOT = Path(__file__).parent.parent


def test_cli_command_groups_import_only_the_apps_and_the_helpers():
    cli = ROOT / "recommender" / "cli"
    groups = {"commands", "catalog_group", "sharing_group", "decide"}
    for name in ("app", "helpers"):
        imported = _imports(cli / f"{name}.py")
        assert not any(m.startswith("recommender.cli.") and m.split(".")[2] in groups for m in imported), name
    assert not any(m.startswith("recommender.cli.app") for m in _imports(cli / "helpers.py"))
    for name in groups:
        imported = {m for m in _imports(cli / f"{name}.py") if m.startswith("recommender.cli.")}
        assert {m.split(".")[2] for m in imported} <= {"app", "helpers"}, (name, imported)


def test_the_model_and_the_vocabulary_do_not_import_each_other():
    assert not any(m.startswith("catalog.vocabulary") for m in _imports(ROOT / "catalog" / "model.py"))
    assert "catalog.model" not in _imports(ROOT / "catalog" / "vocabulary.py")
