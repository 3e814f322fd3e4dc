"""Dependencies flow one way: the catalogue and the engine never import the UI."""

from __future__ import annotations

import inspect
import re
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


def test_recommend_builds_only_its_own_command_and_reads_no_policy_code_without_a_pack():
    """Start-up: `sbb recommend` does not turn the other commands into Click commands, and
    reads the policy code only when the profile names a pack."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from recommender.cli import app\n"
        "r = CliRunner().invoke(app, ['recommend', '-c', 'web-analytics', '-f', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "import typer.main\n"
        "print('recommender.policy' in sys.modules)\n"
        "r = CliRunner().invoke(app, ['recommend', '-c', 'web-analytics', '--policy', 'uk-tcop', '-f', 'json'])\n"
        "assert r.exit_code in (0, 3), r.output\n"
        "print('recommender.policy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"], out


def test_the_root_group_builds_a_command_when_it_is_first_used():
    from typer.main import get_command

    from recommender.cli import app

    group = get_command(app)
    names = list(group.commands)
    assert names[:3] == ["recommend", "compare", "tui"] and "catalog" in names and "decide" in names
    assert group.commands.built == {}  # nothing built until a command is looked up
    assert group.get_command(None, "recommend").name == "recommend"
    assert set(group.commands.built) == {"recommend"}
    assert group.get_command(None, "nope") is None and "nope" not in group.commands


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


# -- the terminal UI: the App is wiring, each step holds its own logic --------------------------------
TUI = ROOT / "tui"
STEP_FILES = sorted(p for p in (TUI / "steps").glob("*.py") if p.name not in ("__init__.py", "base.py"))
APP_METHODS_AT_MOST = 30
"""The App's own methods: start-up, reading the catalogue, running the engine, telling the steps,
step keys, saving, quitting and help. A step's handlers put back in it would push it past this."""


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _ids_given(path: Path) -> set[str]:
    """Widget ids a module gives (`id="…"` in a call)."""
    import ast

    return {
        k.value.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        for k in node.keywords
        if k.arg == "id" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
    }


def _app_class():
    import ast

    tree = ast.parse((TUI / "main.py").read_text(encoding="utf-8"))
    return tree, next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SbbApp")


def _steps() -> tuple[str, ...]:
    """STEPS as `tui/steps/base.py` defines it (read, not imported: these tests need no Textual)."""
    import ast

    tree = ast.parse((TUI / "steps" / "base.py").read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "STEPS")
    return ast.literal_eval(node.value)


def test_there_is_one_module_per_step_and_each_holds_its_controls():
    import ast

    steps = _steps()
    assert len(steps) == 5 and sorted(p.stem for p in STEP_FILES) == sorted(steps)
    for step in steps:
        path = TUI / "steps" / f"{step}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and any(getattr(b, "id", "") == "Step" for b in n.bases)]
        assert len(classes) == 1, path.name
        body = classes[0].body
        values = {t.id: n.value.value for n in body if isinstance(n, ast.Assign) for t in n.targets if isinstance(n.value, ast.Constant)}
        assert values.get("STEP") == step, path.name
        assert values.get("FIRST", "").lstrip("#") in _ids_given(path), f"{path.name}: its first control is not its own"
        assert any(isinstance(n, ast.FunctionDef) and n.name == "compose_controls" for n in body), f"{path.name} does not build its own controls"
    init = ast.parse((TUI / "steps" / "__init__.py").read_text(encoding="utf-8"))
    walk = next(n for n in init.body if isinstance(n, ast.AnnAssign) and n.target.id == "STEP_CLASSES")
    assert [e.id for e in walk.value.elts] == [f"{s.capitalize()}Step" for s in steps], "STEP_CLASSES is not in walk order"


def test_the_app_holds_no_step_logic():
    """The App listens to no step's controls, names none of them, and imports nothing a step
    decides with (the vocabulary, countries, requirement kinds, stances, the step widgets)."""
    import ast

    _tree, app = _app_class()
    methods = [n for n in app.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert len(methods) <= APP_METHODS_AT_MOST, [m.name for m in methods]
    for method in methods:
        for decorator in method.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "on":
                assert len(decorator.args) == 1 and not decorator.keywords, f"{method.name} listens to a step's control"
    step_ids = set().union(*(_ids_given(p) for p in STEP_FILES)) - set(_steps())
    assert len(step_ids) > 20  # the ids were found
    for path in (TUI / "main.py", TUI / "walk.py"):
        named = {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        mentioned = {i for text in named for i in re.findall(r"#([\w-]+)", text)} & step_ids | (named & step_ids)
        assert mentioned == set(), f"{path.name} reaches into a step: {sorted(mentioned)}"
    forbidden = ("catalog.vocabulary", "catalog.countries", "catalog.schema", "recommender.requirements", "recommender.stance", "tui.widgets", "tui.text", "rich")
    imported = _imports(TUI / "main.py")
    assert not {m for m in imported if m.split(".")[0] == "rich" or any(m == f or m.startswith(f + ".") for f in forbidden)}


def test_the_steps_do_not_import_each_other_and_the_tui_has_no_import_circle():
    steps = {_module(p) for p in STEP_FILES}
    for path in STEP_FILES:
        others = {m for m in _imports(path) if m.startswith("tui.steps")} - {"tui.steps.base"}
        others = {m for m in others if not m.startswith("tui.steps.base.")}
        assert not others, (path.name, others)
    assert not {m for m in _imports(TUI / "steps" / "base.py") if any(m.startswith(s) for s in steps)}
    modules = {_module(p): p for p in TUI.rglob("*.py")}
    graph = {
        name: {m for m in modules if m != name and any(i == m or i.startswith(m + ".") for i in _imports(path)) and not (name.startswith(m + ".") or m == "tui")}
        for name, path in modules.items()
    }

    def circle_from(start: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        for nxt in graph[start]:
            if nxt in path:
                return path[path.index(nxt):] + (nxt,)
            found = circle_from(nxt, path + (nxt,))
            if found:
                return found
        return None

    for name in modules:
        assert circle_from(name, (name,)) is None, circle_from(name, (name,))


def test_the_catalogue_and_the_engine_never_import_the_terminal_ui():
    """Statically, every module: only the CLI's own commands that open the TUI name it, inside
    the function that opens it (so `recommender.cli` imports no Textual at start-up)."""
    import ast

    opens_the_tui = {"recommender/cli/app.py", "recommender/cli/commands.py"}
    for path in sorted([*(ROOT / "catalog").rglob("*.py"), *(ROOT / "recommender").rglob("*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                root = name.split(".")[0]
                if root not in ("tui", "textual"):
                    continue
                assert rel in opens_the_tui and name == "tui.app" and id(node) not in top_level, f"{rel} imports {name}"
