"""Catalogue text as literal Rich Text, and the fixed-width rows of the results list.

Catalogue text comes from other agencies: it is never parsed as markup. Everything here
returns `rich.text.Text`, which Textual renders without interpreting `[...]`.
"""

from __future__ import annotations

from rich.text import Text

from recommender.engine import FITS, FITS_IF_RESOURCED, TIER_WORDS, TO_VERIFY
from recommender.render import one_line, plain

RISK_SHORT = {"low": "low", "medium": "med", "high": "HIGH"}
RISK_ORDER = ("resourcing", "data_control", "platform_control", "system_integration")
RISK_STYLE = {"low": "", "medium": "yellow", "high": "bold red"}
# Without colour (NO_COLOR) the level is carried by the word and its weight: HIGH stands out
# in reverse video, never a grey that a colour filter makes of red.
RISK_STYLE_MONO = {"low": "", "medium": "bold", "high": "bold reverse"}
RESULT_WORD = {"pass": "✓ pass", "fail": "✗ FAIL", "unknown": "? unknown"}
RESULT_STYLE = {"pass": "green", "fail": "bold red", "unknown": "yellow"}
RESULT_STYLE_MONO = {"pass": "", "fail": "bold reverse", "unknown": "bold"}
# What each tier (the group headings of the results list) means, in a few words.
TIER_MEANING = {
    FITS: "every must met; the agency can run it",
    FITS_IF_RESOURCED: "needs capacity or skills not stated",
    TO_VERIFY: "a must not stated in the catalogue",
}
STEP_WIDTH = 5
ROW_EXTRA = 2 + 1 + STEP_WIDTH + 1 + 5 + 2 + 20
"""Cells a results row uses besides the name: mark, step, score and the four risks."""


def lit(text: object, style: str = "") -> Text:
    """Text shown exactly as written: no markup, control characters made visible."""
    return Text(plain(str(text)), style=style)


def risk_style(level: str, mono: bool = False) -> str:
    """The style of a risk level: colour, or text weight without colour."""
    return (RISK_STYLE_MONO if mono else RISK_STYLE)[level]


def risk_word(level: str) -> str:
    """low, medium or HIGH: the most important level shouts."""
    return level.upper() if level == "high" else level


def result_style(result: str, mono: bool = False) -> str:
    return (RESULT_STYLE_MONO if mono else RESULT_STYLE)[result]


def fit(text: str, width: int) -> str:
    """Cut to `width` cells with an ellipsis, padded to exactly `width`; always one line."""
    text = one_line(text)
    if width <= 1:
        return text[:width]
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width)


def short_name(assessment) -> str:
    """The name without the tool's name said twice ("Piwik PRO Suite — Piwik PRO Core" → "Piwik PRO Core")."""
    a = assessment
    name = a.name
    tool_words, option_words = a.tool.name.split(), a.option.name.split()
    if name != a.option.name and tool_words and option_words and tool_words[0].casefold() == option_words[0].casefold():
        return a.option.name
    return name


def _common_prefix(a: str, b: str) -> int:
    """Length of the common start of two names, cut back to the start of a word (0 if identical)."""
    if a == b:
        return 0
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return max(0, a.rfind(" ", 0, n) + 1)


def distinct_names(names: list[str], width: int) -> list[str]:
    """Each name fitted to `width` cells, keeping the part that tells it from the others.

    A name that fits is kept whole. A longer one keeps its start and the words where it differs
    from the names it shares a start with, eliding the shared middle ("Piwik PRO …(on-premises)").
    """
    out = []
    cleaned = [one_line(n) for n in names]
    for i, name in enumerate(cleaned):
        if len(name) <= width:
            out.append(name.ljust(width))
            continue
        shared = max((_common_prefix(name, other) for j, other in enumerate(cleaned) if j != i), default=0)
        keep = max(4, width // 3)
        if shared <= keep or width < 12:
            out.append(fit(name, width))  # what differs starts early: an ordinary cut keeps it
            continue
        tail = name[shared:]
        head_room = width - 1 - len(tail)
        if head_room >= keep:
            out.append((name[:head_room].rstrip() + "…" + tail).ljust(width))
        else:
            head = name[:keep].rstrip()
            out.append(head + "…" + fit(tail, width - len(head) - 1))
    return out


def risk_cells(risks: dict, mono: bool = False) -> Text:
    """The four risk levels as short words (readable without colour)."""
    out = Text()
    for name in RISK_ORDER:
        level = risks[name].level
        out.append(f"{RISK_SHORT[level]:<4}", style=risk_style(level, mono))
        out.append(" ")
    return out


def header_row(name_width: int) -> Text:
    """Column titles matching `option_row`."""
    return Text(f"  {'option'.ljust(name_width)} {'step':<{STEP_WIDTH}} {'score':>5}  res  data plat intg", style="bold")


def fit_word(assessment) -> str:
    """The option's tier in words: fits, fits if resourced, to verify."""
    return TIER_WORDS.get(assessment.tier, assessment.tier)


def option_row(assessment, name: str, marked: bool = False, mono: bool = False) -> Text:
    """One option: mark, name (already fitted), step, score, four risks."""
    a = assessment
    score = f"{a.score}/{a.score_max}" if a.score_max else "-"
    row = Text("● " if marked else "  ", style="bold")
    row.append(name)
    row.append(f" {a.step:<{STEP_WIDTH}}")
    row.append(f" {score:>5}  ")
    row.append_text(risk_cells(a.risks, mono))
    return row


def near_row(assessment, name: str, strict: bool, width: int) -> Text:
    """A near miss: its name and what blocks it."""
    blocked = ", ".join(v.fact if v.requirement == "in_service" else v.requirement for v in assessment.blocking(strict))
    row = Text("  ")
    row.append(name)
    # What blocks it takes the rest of the row (the score and risk columns are not shown here).
    row.append(fit(f" ✗ {blocked}", width), style="bold")
    return row
