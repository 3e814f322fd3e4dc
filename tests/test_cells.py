"""Tables measure display cells: wide (CJK) names keep the `recommend` table and `compare` aligned."""

from __future__ import annotations

import re
import shutil

from typer.testing import CliRunner

from catalog import cells
from recommender.cli import app
from tests.conftest import FIXTURE_CATALOG

runner = CliRunner()
WIDE = "アルファ解析プラットフォーム全国版"  # 17 wide characters: 34 cells


def test_width_counts_cells():
    assert cells.width("abc") == 3
    assert cells.width("解析") == 4
    assert cells.width("ｆｕｌｌ") == 8  # fullwidth forms
    assert cells.width("e\u0301") == 1  # a combining accent takes no cell
    assert cells.width("a\u200bb") == 2  # nor does a zero-width space


def test_clip_pad_and_wrap_by_cells():
    assert cells.clip(WIDE, 10) == "アルファ…"  # 8 cells and the mark: never a half character
    assert cells.width(cells.clip(WIDE, 11)) <= 11
    assert cells.ljust("解析", 6) == "解析  "
    assert cells.rjust("解析", 6) == "  解析"
    assert cells.cut("ab解析", 5) == "ab解"
    lines = cells.wrap(WIDE + " and more words " + WIDE, 20, initial_indent="  ", subsequent_indent="    ")
    assert all(cells.width(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == WIDE + "andmorewords" + WIDE
    assert lines[0].startswith("  ") and all(line.startswith("    ") for line in lines[1:])
    # Narrow text wraps exactly as textwrap does.
    import textwrap

    text = "a fairly long sentence of narrow words that must wrap the same way as before " * 3
    assert cells.wrap(text, 30, "  ", "    ") == textwrap.wrap(text, 30, initial_indent="  ", subsequent_indent="    ")


def wide_catalogue(tmp_path):
    """The fixture catalogue with Alpha Analytics and its options given wide names."""
    target = tmp_path / "cat"
    shutil.copytree(FIXTURE_CATALOG, target)
    tool = target / "tools" / "alpha-analytics.toml"
    text = tool.read_text(encoding="utf-8")
    text = re.sub(r'^name = "Alpha \(self-hosted\)"', f'name = "{WIDE}（自己ホスト）"', text, flags=re.M)
    text = re.sub(r'^name = "Alpha Analytics"', f'name = "{WIDE}"', text, flags=re.M)
    text = re.sub(r'^name = "Alpha Cloud[^"]*"', 'name = "解析クラウド"', text, flags=re.M)
    tool.write_text(text, encoding="utf-8")
    return target


def test_recommend_table_aligns_wide_names(tmp_path):
    target = wide_catalogue(tmp_path)
    result = runner.invoke(app, ["recommend", "--catalog", str(target), "-c", "web analytics"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("アルファ" in line for line in lines) and any("解析クラウド" in line for line in lines)
    assert all(cells.width(line) <= 80 for line in lines), [line for line in lines if cells.width(line) > 80]
    header = next(line for line in lines if line.lstrip().startswith("#") and "step" in line)
    step_at = cells.width(header[: header.index("step")])
    rows = [line for line in lines if re.match(r"^\s+\d+ ", line) and re.search(r" (share|buy) ", line)]
    assert any("アルファ" in row for row in rows)
    for row in rows:
        step = re.search(r" (share|buy) ", row)
        assert step and cells.width(row[: step.start() + 1]) == step_at, row


def test_compare_aligns_wide_names(tmp_path):
    target = wide_catalogue(tmp_path)
    result = runner.invoke(app, ["compare", "alpha-analytics/self-hosted", "beta-insights", "--catalog", str(target), "-c", "web analytics"])
    if result.exit_code != 0:  # beta-insights may have more than one option
        result = runner.invoke(app, ["compare", "alpha-analytics/self-hosted", "alpha-analytics/cloud", "--catalog", str(target), "-c", "web analytics"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "アルファ" in lines[0]
    bars = [cells.width(line[: line.index(" | ")]) for line in lines if " | " in line]
    assert len(bars) > 5 and set(bars) == {38}
    assert all(cells.width(line) <= 80 for line in lines)


def test_plain_text_is_wrapped_as_textwrap_wraps_it():
    """Plain text takes a path of its own (no regular expressions): the same lines as textwrap,
    over many random texts, widths and indents; anything else goes to textwrap itself."""
    import random
    import string
    import textwrap

    from catalog import cells as cells_module
    from catalog.cells import _plain_wrap

    rng = random.Random(7)
    letters = string.ascii_letters + string.digits + ".,;:()!?'/\"·—…éï"
    taken = 0
    for _ in range(20000):
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 14))) for _ in range(rng.randint(0, 30))]
        text = " ".join(words)
        cells, first, rest = rng.randint(1, 90), " " * rng.randint(0, 8), " " * rng.randint(0, 10)
        fast = _plain_wrap(text, cells, first, rest)
        if fast is not None:
            taken += 1
            assert fast == textwrap.wrap(text, cells, initial_indent=first, subsequent_indent=rest)
            assert cells_module.wrap(text, cells, first, rest) == fast
    assert taken > 10000
    for other in ("self-hosted option", "two  spaces", " leading", "tab\there", "line\nbreak", "no\u00a0break", "x" * 50):
        assert _plain_wrap(other, 20, "", "  ") is None
        assert cells_module.wrap(other, 20, "", "  ") == textwrap.wrap(other, 20, subsequent_indent="  ")
