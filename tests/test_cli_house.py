"""The command line in its ecosystem: --version, shell completion, help examples, `-` for
standard input and output, and a clear exit where the TUI has no terminal (CliRunner)."""

from __future__ import annotations

import json
import os
from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from catalog.sources import SourceSpec, checkout_dir
from recommender.cli import app
from recommender.exits import BAD_INPUT, OK
from recommender.madr import directory_digest
from tests.conftest import FIXTURE_CATALOG

runner = CliRunner()


def run(*args, **kwargs):
    return runner.invoke(app, list(args), prog_name="sbb", **kwargs)


# -- --version ---------------------------------------------------------------------------------
def test_version_prints_the_installed_package_version():
    result = run("--version")
    assert result.exit_code == OK, result.output
    assert result.stdout == f"sharebuybuild {version('sharebuybuild')}\n"


def test_version_verbose_names_each_source_with_its_digest_or_commit(monkeypatch):
    monkeypatch.setenv("SBB_CATALOG", str(FIXTURE_CATALOG))
    config = os.environ["SBB_CONFIG_DIR"]
    os.makedirs(config, exist_ok=True)
    with open(os.path.join(config, "sources.toml"), "w") as f:
        f.write('[[sources]]\nname = "agency"\ngit = "https://example.org/agency/catalogue.git"\n'
                '[[sources]]\nname = "later"\ngit = "https://example.org/later.git"\n')
    # `agency` was pulled at a known commit; `later` never was.
    spec = SourceSpec("agency", "git", "", "https://example.org/agency/catalogue.git")
    (checkout_dir(spec) / ".git").mkdir(parents=True)
    checkout_dir(spec).with_suffix(".json").write_text(json.dumps({"commit": "c0ffee" * 6 + "abcd", "url": spec.url}))
    result = run("--version", "-v")
    assert result.exit_code == OK, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"sharebuybuild {version('sharebuybuild')}"
    assert lines[1].startswith("Python ") and f"typer {version('typer')}" in lines[1]
    text = result.stdout
    assert f"{FIXTURE_CATALOG} (directory) {directory_digest(FIXTURE_CATALOG)}" in text
    assert "agency (git) commit " + "c0ffee" * 6 + "abcd" in text
    assert "later (git) not pulled yet" in text
    assert "bundled (bundled) sha256:" in text
    # highest precedence first: the environment's directory before the configured git sources
    assert text.index(str(FIXTURE_CATALOG)) < text.index("agency (git)")


def test_version_verbose_is_long_form_too():
    assert run("--version", "--verbose").stdout == run("--version", "-v").stdout


# -- shell completion --------------------------------------------------------------------------
def test_help_offers_completion_install():
    out = run("--help").stdout
    assert "--install-completion" in out and "--show-completion" in out


@pytest.fixture
def named_shell(monkeypatch):
    """Completion options that take the shell's name (Typer's switch for tests), so the tests
    do not depend on the shell the suite itself was started from (sh in some CI runners)."""
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")


def test_show_completion_prints_a_script_for_the_named_shell(named_shell):
    result = run("--show-completion", "bash")
    assert result.exit_code == OK, result.output
    assert "_sbb_completion" in result.stdout and "complete " in result.stdout


def test_install_completion_writes_the_script_and_keeps_the_existing_shell_config(tmp_path, monkeypatch, named_shell):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".bashrc").write_text("# mine\nalias ll='ls -l'\n")
    result = run("--install-completion", "bash")
    assert result.exit_code == OK, result.output
    script = tmp_path / ".bash_completions" / "sbb.sh"
    assert "_sbb_completion" in script.read_text()
    rc = (tmp_path / ".bashrc").read_text()
    assert rc.startswith("# mine\nalias ll='ls -l'\n") and f"source '{script}'" in rc


def test_completion_completes_commands_and_options():
    env = {"_SBB_COMPLETE": "complete_bash", "COMP_WORDS": "sbb rec", "COMP_CWORD": "1"}
    assert run(env=env).stdout.split() == ["recommend"]
    env = {"_SBB_COMPLETE": "complete_bash", "COMP_WORDS": "sbb recommend --form", "COMP_CWORD": "2"}
    assert run(env=env).stdout.split() == ["--format"]
    env = {"_SBB_COMPLETE": "complete_bash", "COMP_WORDS": "sbb catalog val", "COMP_CWORD": "2"}
    assert run(env=env).stdout.split() == ["validate"]


# -- no terminal -------------------------------------------------------------------------------
def test_no_command_without_a_terminal_says_so_and_exits_2():
    # CliRunner gives the command pipes, as a CI job or `sbb < file` would.
    result = run()
    assert result.exit_code == BAD_INPUT
    assert "needs a terminal" in result.stderr and "sbb recommend" in result.stderr
    assert result.stdout == ""


def test_tui_command_without_a_terminal_says_so_and_exits_2():
    result = run("tui", "--catalog", str(FIXTURE_CATALOG))
    assert result.exit_code == BAD_INPUT
    assert "needs a terminal" in result.stderr


# -- examples in every --help ------------------------------------------------------------------
def every_command():
    """(path, click command) for the root, every group and every command."""
    import typer.main

    out = []

    def walk(command, path):
        out.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, path + [name])

    walk(typer.main.get_command(app), ["sbb"])
    return out


def example_lines(help_text):
    lines = help_text.splitlines()
    start = lines.index("  Examples:")
    block = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        block.append(line.strip())
    return block


def test_every_command_help_ends_its_description_with_examples_that_parse():
    import shlex

    commands = every_command()
    assert len(commands) > 15
    for path, _ in commands:
        result = run(*path[1:], "--help")
        assert result.exit_code == OK, (path, result.output)
        examples = example_lines(result.stdout)
        assert examples, path
        for example in examples:
            words = shlex.split(example, comments=True)
            words = words[: words.index(">")] if ">" in words else words
            words = words[len(words) - words[::-1].index("|"):] if "|" in words else words
            assert words[: len(path)] == path, (path, example)
            # Follow the example's words down to the command it runs; every option it uses
            # must be one of that command's, and a command must accept the whole line.
            target, rest = commands[0][1], words[1:]
            while rest and rest[0] in getattr(target, "commands", {}):
                target, rest = target.commands[rest[0]], rest[1:]
            names = {n for p in target.params for n in (*p.opts, *p.secondary_opts)} | {"--help"}
            for word in rest:
                if word.startswith("-") and word != "-":
                    assert word.split("=")[0] in names, (example, word)
            if not hasattr(target, "commands"):
                try:
                    target.make_context(words[-1], list(rest))
                except Exception as exc:  # a missing argument, an unknown option, a bad value
                    raise AssertionError(f"{example}: {exc}") from exc


# -- `-` for standard input and output ---------------------------------------------------------
PROFILE_TOML = '[hard]\ncapabilities = ["web-analytics"]\n[context]\ncountry = "DE"\n'
CAT = ["--catalog", str(FIXTURE_CATALOG)]


def test_profile_dash_reads_standard_input_like_a_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(PROFILE_TOML)
    from_file = run("recommend", *CAT, "-p", str(path), "-f", "json", "--as-of", "2026-11-30")
    from_stdin = run("recommend", *CAT, "-p", "-", "-f", "json", "--as-of", "2026-11-30", input=PROFILE_TOML)
    assert from_stdin.exit_code == from_file.exit_code == OK, from_stdin.output
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)
    assert json.loads(from_stdin.stdout)["profile"]["context"]["country"] == "DE"


def test_profile_dash_problems_name_standard_input():
    result = run("recommend", *CAT, "--profile", "-", input='[hard]\ncapabilities = ["web-analytics"]\nbogus = 1\n')
    assert result.exit_code == BAD_INPUT
    assert "<stdin>:3" in result.stderr and "bogus" in result.stderr
    assert "Traceback" not in result.output


def test_profile_dash_that_is_not_text_is_a_clear_error():
    result = runner.invoke(app, ["recommend", *CAT, "--profile", "-"], input=b"\xff\xfe[hard]\n")
    assert result.exit_code == BAD_INPUT
    assert "<stdin>: error: not UTF-8 text" in result.stderr


def test_profile_dash_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setenv("SBB_MAX_FILE_BYTES", "64")
    result = run("recommend", *CAT, "--profile", "-", input=PROFILE_TOML + "# " + "x" * 100 + "\n")
    assert result.exit_code == BAD_INPUT
    assert "64-byte limit" in result.stderr


def test_compare_and_decide_read_the_profile_from_standard_input(tmp_path):
    result = run("compare", "alpha-analytics/self-hosted", "alpha-analytics/cloud", *CAT, "-p", "-", "-f", "json", input=PROFILE_TOML)
    assert result.exit_code == OK, result.output
    assert len(json.loads(result.stdout)["options"]) == 2
    result = run("decide", *CAT, "-p", "-", "--dir", str(tmp_path / "decisions"), "--as-of", "2026-11-30", input=PROFILE_TOML)
    assert result.exit_code == OK, result.output
    (record,) = (tmp_path / "decisions").glob("0001-*.md")
    assert "from the profile `standard input`" in record.read_text()


def test_output_dash_writes_standard_output_and_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plain = run("recommend", *CAT, "-c", "web-analytics", "--as-of", "2026-11-30")
    dashed = run("recommend", *CAT, "-c", "web-analytics", "--as-of", "2026-11-30", "-o", "-")
    assert dashed.exit_code == plain.exit_code == OK, dashed.output
    assert dashed.stdout == plain.stdout and "Alpha" in dashed.stdout
    assert list(tmp_path.iterdir()) == []


def test_output_dash_with_an_existing_file_named_dash_leaves_it_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("mine\n")
    result = run("recommend", *CAT, "-c", "web-analytics", "-o", "-", "-f", "json")
    assert result.exit_code == OK, result.output
    assert json.loads(result.stdout)["options"]
    assert (tmp_path / "-").read_text() == "mine\n"


def test_export_output_dash_is_standard_output_and_toml_needs_a_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("catalog", "export", *CAT, "-f", "json", "-o", "-")
    assert result.exit_code == OK, result.output
    assert json.loads(result.stdout)
    result = run("catalog", "export", *CAT, "-f", "toml", "-o", "-")
    assert result.exit_code == BAD_INPUT
    assert "--output DIR" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_tui_refuses_a_profile_on_standard_input():
    result = run("tui", "--profile", "-", input=PROFILE_TOML)
    assert result.exit_code == BAD_INPUT
    assert "give a file" in result.stderr


# -- validate FILE… --------------------------------------------------------------------------------
TOOLS = FIXTURE_CATALOG / "tools"
PARKING = '''[[capability]]
id = "parking-permits"
label = "Parking permits"
description = "Residents apply for and renew parking permits."
goals = ["delivery"]
area = "surveys"
'''


def test_validate_one_tool_file():
    result = run("catalog", "validate", str(TOOLS / "alpha-analytics.toml"))
    assert result.exit_code == OK, result.output
    assert result.stdout.splitlines()[-1] == "1 tools, 2 options checked: 0 error(s), 0 warning(s)"


def test_validate_files_and_directories_mixed_count_each_tool_once(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "epsilon-cms.toml").write_text((TOOLS / "epsilon-cms.toml").read_text())
    result = run("catalog", "validate", "-f", "json", str(TOOLS / "alpha-analytics.toml"), str(TOOLS / "beta-insights.toml"), str(other))
    data = json.loads(result.stdout)
    assert result.exit_code == OK, result.output
    assert data["tools"] == 3 and data["errors"] == 0
    # a file inside a directory also given is checked with the directory, once
    whole = json.loads(run("catalog", "validate", "-f", "json", str(FIXTURE_CATALOG)).stdout)
    both = json.loads(run("catalog", "validate", "-f", "json", str(FIXTURE_CATALOG), str(TOOLS / "alpha-analytics.toml")).stdout)
    assert both == whole


def test_validate_a_broken_file_reports_file_line_and_key(tmp_path):
    text = (TOOLS / "alpha-analytics.toml").read_text().replace('licence = "MIT"', 'licence = "MIT"\nflavour = "mint"')
    path = tmp_path / "alpha-analytics.toml"
    path.write_text(text)
    result = run("catalog", "validate", str(path))
    assert result.exit_code == 1
    line = text.splitlines().index('flavour = "mint"') + 1
    assert f"{path}:{line}: error:" in result.stdout and "flavour" in result.stdout
    wrong_name = tmp_path / "renamed.toml"
    wrong_name.write_text((TOOLS / "alpha-analytics.toml").read_text().replace('schema_version = 1', 'schema_version = 1\nid = "alpha-analytics"'))
    result = run("catalog", "validate", str(wrong_name))
    assert result.exit_code == 1 and "must equal the file name" in result.stdout


def test_validate_a_file_uses_its_own_catalogue_vocabulary(tmp_path):
    catalogue = tmp_path / "ours"
    (catalogue / "tools").mkdir(parents=True)
    entry = (TOOLS / "alpha-analytics.toml").read_text().replace('capabilities = ["web-analytics"]', 'capabilities = ["parking-permits"]')
    (catalogue / "tools" / "alpha-analytics.toml").write_text(entry)
    assert run("catalog", "validate", str(catalogue / "tools" / "alpha-analytics.toml")).exit_code == 1
    (catalogue / "capabilities.toml").write_text(PARKING)
    result = run("catalog", "validate", str(catalogue / "tools" / "alpha-analytics.toml"))
    assert result.exit_code == OK, result.output
    # a capabilities.toml named alone is checked as a vocabulary
    assert run("catalog", "validate", str(catalogue / "capabilities.toml")).exit_code == OK
    (catalogue / "capabilities.toml").write_text(PARKING.replace('goals = ["delivery"]', 'goals = ["teleportation"]'))
    result = run("catalog", "validate", str(catalogue / "capabilities.toml"))
    assert result.exit_code == 1 and str(catalogue / "capabilities.toml") in result.stdout


def test_validate_two_files_with_one_tool_id_is_a_duplicate(tmp_path):
    (tmp_path / "a").mkdir()
    copy = tmp_path / "a" / "alpha-analytics.toml"
    copy.write_text((TOOLS / "alpha-analytics.toml").read_text())
    result = run("catalog", "validate", str(TOOLS / "alpha-analytics.toml"), str(copy))
    assert result.exit_code == 1 and "duplicate tool id `alpha-analytics`" in result.stdout
    result = run("catalog", "validate", str(FIXTURE_CATALOG), str(copy))
    assert result.exit_code == 1 and "duplicate tool id `alpha-analytics`" in result.stdout


def test_validate_a_path_that_is_not_there_exits_2_and_still_checks_the_rest(tmp_path):
    result = run("catalog", "validate", str(tmp_path / "nope.toml"), str(TOOLS / "alpha-analytics.toml"))
    assert result.exit_code == BAD_INPUT
    assert f"{tmp_path / 'nope.toml'}: error: no such file or directory" in result.stdout
    assert "1 tools, 2 options checked" in result.stdout


def test_profile_dash_at_a_terminal_says_it_is_waiting(monkeypatch, capsys):
    import io

    from recommender.cli import helpers as cli

    class Keyboard(io.TextIOWrapper):
        def isatty(self):
            return True

    monkeypatch.setattr(cli.sys, "stdin", Keyboard(io.BytesIO(PROFILE_TOML.encode())))
    text, problem = cli.read_stdin("profile")
    assert problem is None and text == PROFILE_TOML
    assert "end it with Ctrl-D" in capsys.readouterr().err
    monkeypatch.setattr(cli.sys, "stdin", io.TextIOWrapper(io.BytesIO(PROFILE_TOML.encode())))
    cli.read_stdin("profile")
    assert capsys.readouterr().err == ""


# -- command modules imported on first use ----------------------------------------------------
EAGER = "import recommender.cli.catalog_group, recommender.cli.commands, recommender.cli.decide, recommender.cli.sharing_group\n"
RUN = "import sys\nfrom recommender.cli import main\nsys.argv = ['sbb', *sys.argv[1:]]\nmain()\n"


def sbb_process(code, *args):
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False)


def test_help_is_the_same_whether_the_command_modules_are_imported_first_or_on_use():
    for args in (["--help"], ["catalog", "--help"], ["catalog", "import", "--help"]):
        lazy, eager = sbb_process(RUN, *args), sbb_process(EAGER + RUN, *args)
        assert lazy.returncode == eager.returncode == OK, lazy.stderr
        assert lazy.stdout == eager.stdout and "Commands:" in lazy.stdout


def test_every_root_command_is_named_by_the_module_table():
    import importlib

    cli_app = importlib.import_module("recommender.cli.app")  # the module, not the `app` it defines
    for module in {m for modules in cli_app.COMMAND_MODULES.values() for m in modules}:
        __import__(module)
    registered = [*cli_app.app.lazy_commands, *cli_app.app.lazy_groups]
    assert sorted(registered) == sorted(cli_app.COMMAND_MODULES)


def test_recommend_does_not_import_the_catalogue_commands():
    code = (
        "import sys\nfrom recommender.cli import app\n"
        "try:\n    app(['recommend', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('recommender.cli.')))\n"
    )
    out = sbb_process(code)
    assert out.returncode == 0, out.stderr
    loaded = out.stdout.strip().splitlines()[-1]
    assert "recommender.cli.commands" in loaded
    assert "catalog_group" not in loaded and "sharing_group" not in loaded and "decide" not in loaded
