"""Hostile input that was already handled, kept handled: malformed TOML, markup, git URLs, links out.

The corpus is `tests/fixtures/hostile/held/`: a malformed tool file, a name full of Rich markup,
HTML and Markdown (valid text, shown literally), and a sources file whose git URLs would run a
command or pass an option to git, or whose path climbs out of the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from catalog.loader import load_catalog, load_vocabulary, read_tool
from catalog.sources import read_config
from recommender.cli import app
from recommender.engine import recommend
from recommender.exits import PROBLEMS
from recommender.render import to_markdown, to_table
from tests.conftest import profile
from tests.sharing_helpers import entry, write_catalogue

runner = CliRunner()
HELD = Path(__file__).parent / "fixtures" / "hostile" / "held"


def test_malformed_toml_names_its_file_and_line_and_the_rest_loads(tmp_path):
    vocabulary, _ = load_vocabulary([])
    tool, problems = read_tool(HELD / "tools" / "broken-toml.toml", vocabulary)
    assert tool is None and [str(p).split("tools/")[1] for p in problems] == [
        "broken-toml.toml:5: error: invalid TOML: Unclosed array"
    ]
    catalogue = write_catalogue(tmp_path / "cat", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    shutil.copy(HELD / "tools" / "broken-toml.toml", catalogue / "tools")
    result = load_catalog([catalogue])
    assert list(result.catalog.tools) == ["aa-stats"] and len(result.errors) == 1


def test_markup_in_a_name_is_valid_text_shown_literally(tmp_path):
    catalogue = write_catalogue(tmp_path / "cat", {})
    shutil.copy(HELD / "tools" / "markup-name.toml", catalogue / "tools" / "alpha-analytics.toml")
    result = load_catalog([catalogue])
    assert result.ok
    name = result.catalog.tools["alpha-analytics"].name
    assert name == "[bold red]Markup[/] <b>html</b> *em* `code`"
    rec = recommend(result.catalog, profile(("capabilities", ("web-analytics",))))
    assert name in to_table(rec)
    markdown = to_markdown(rec)
    assert "<b>" not in markdown and "\\<b\\>html\\</b\\> \\*em\\* \\`code\\`" in markdown


def test_git_urls_that_run_commands_or_pass_options_and_paths_out_are_refused():
    specs, _, problems = read_config(HELD / "config" / "sources.toml")
    assert specs == []
    assert [(p.line, p.key, p.message) for p in problems] == [
        (4, "sources[1].git", "`ext::sh -c touch% /tmp/pwned` is not a repository URL git may fetch"),
        (8, "sources[2].git", "`--upload-pack=touch /tmp/pwned` is not a repository URL git may fetch"),
        (13, "sources[3].path", "a path inside a repository must be relative and stay inside it"),
    ]


def test_a_tools_folder_linked_out_of_the_catalogue_is_not_read(tmp_path):
    outside = write_catalogue(tmp_path / "elsewhere", {"aa-stats": entry("AA Stats", "https://aa.example.org")})
    catalogue = tmp_path / "cat"
    catalogue.mkdir()
    (catalogue / "tools").symlink_to(outside / "tools")
    out = runner.invoke(app, ["catalog", "validate", str(catalogue)])
    assert out.exit_code == PROBLEMS
    assert f"{catalogue / 'tools'}: error: a symbolic link to a file outside the catalogue directory: not read" in out.stdout
    assert "AA Stats" not in out.output
