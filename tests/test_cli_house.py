"""The command line in its ecosystem: --version, shell completion, help examples, `-` for
standard input and output, and a clear exit where the TUI has no terminal (CliRunner)."""

from __future__ import annotations

import json
import os
from importlib.metadata import version

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


def test_show_completion_prints_a_script_for_the_named_shell():
    result = run("--show-completion", "bash")
    assert result.exit_code == OK, result.output
    assert "_sbb_completion" in result.stdout and "complete " in result.stdout


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
