"""Problems point at the line of the key they name, also after multi-line strings and arrays."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from catalog.problems import key_lines
from recommender.cli import app
from recommender.exits import PROBLEMS
from tests.conftest import FIXTURE_CATALOG

runner = CliRunner()


def test_lines_inside_multi_line_strings_and_arrays_are_not_keys():
    text = "\n".join([
        'schema_version = 1',            # 1
        'summary = """',                 # 2
        '[fake]',                        # 3: inside the string
        'options = 3',                   # 4: inside the string
        '"""',                           # 5
        '"dotted.key" = 2',              # 6
        "a.b = 'x # not a comment'  # c",  # 7
        'list = [',                      # 8
        '  "one", # comment, ]',         # 9
        '  { id = "two" },',             # 10
        '  """three',                    # 11
        '  [[options]]',                 # 12: inside the string
        '  """,',                        # 13
        ']',                             # 14
        '[[options]]',                   # 15
        "notes = '''",                   # 16
        'x = 1',                         # 17: inside the string
        "'''",                           # 18
        'bad = 1',                       # 19
        'quote = """ends with a quote""""',  # 20
        'late = 1',                      # 21
        '[options.data]',                # 22
        'residency = "DE"',              # 23
    ])
    lines = key_lines(text)
    assert lines[("summary",)] == 2
    assert ("fake",) not in lines and ("options", 0, "x") not in lines
    assert lines[("dotted.key",)] == 6
    assert lines[("a", "b")] == 7
    assert lines[("list",)] == 8
    assert [lines[("list", i)] for i in range(3)] == [9, 10, 11]
    assert lines[("options", 0)] == 15
    assert lines[("options", 0, "bad")] == 19
    assert lines[("options", 0, "late")] == 21
    assert lines[("options", 0, "data", "residency")] == 23


def test_line_breaks_other_than_lf_do_not_shift_lines():
    text = 'a = "form\x0cfeed and \u2028 separator"\r\nb = 1\r\n'
    assert key_lines(text)[("b",)] == 2


def test_validate_names_the_line_of_a_key_after_a_multi_line_string(tmp_path):
    target = tmp_path / "cat"
    shutil.copytree(FIXTURE_CATALOG, target)
    tool = target / "tools" / "alpha-analytics.toml"
    text = tool.read_text(encoding="utf-8")
    note = 'note = """\nThe hosting page moved twice.\n[[options]]\nid = "not-an-option"\n"""\n'
    text = text.replace('url = "https://alpha.example.org/hosting"\n', 'url = "https://alpha.example.org/hosting"\n' + note)
    text = text.replace('webhooks = true\n', 'webhooks = true\nwebhoks = true\n', 1)
    tool.write_text(text, encoding="utf-8")
    expected = text.split("\n").index("webhoks = true") + 1
    result = runner.invoke(app, ["catalog", "validate", str(tool)])
    assert result.exit_code == PROBLEMS, result.output
    assert f"alpha-analytics.toml:{expected}: error: options[1].integration.webhoks:" in result.stdout, result.stdout
