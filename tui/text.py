"""Catalogue text as literal Rich Text, and the fixed-width rows of the results list.

Catalogue text comes from other agencies: it is never parsed as markup. Everything here
returns `rich.text.Text`, which Textual renders without interpreting `[...]`.
"""

from __future__ import annotations

from rich.text import Text

from recommender.render import one_line, plain

RISK_SHORT = {"low": "low", "medium": "med", "high": "HIGH"}
RISK_ORDER = ("resourcing", "data_control", "platform_control", "system_integration")
RISK_STYLE = {"low": "", "medium": "yellow", "high": "bold red"}
RESULT_WORD = {"pass": "✓ pass", "fail": "✗ FAIL", "unknown": "? unknown"}
RESULT_STYLE = {"pass": "green", "fail": "bold red", "unknown": "yellow"}


def lit(text: object, style: str = "") -> Text:
    """Text shown exactly as written: no markup, control characters made visible."""
    return Text(plain(str(text)), style=style)


def fit(text: str, width: int) -> str:
    """Cut to `width` cells with an ellipsis, padded to exactly `width`; always one line."""
    text = one_line(text)
    if width <= 1:
        return text[:width]
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width)


def risk_cells(risks: dict) -> Text:
    """The four risk levels as short words (readable without colour)."""
    out = Text()
    for name in RISK_ORDER:
        level = risks[name].level
        out.append(f"{RISK_SHORT[level]:<5}", style=RISK_STYLE[level])
    return out


def header_row(name_width: int) -> Text:
    """Column titles matching `option_row`."""
    return Text(f"  {'option'.ljust(name_width)} {'score':>5}  res  data plat intg", style="bold")


def option_row(assessment, name_width: int, marked: bool = False) -> Text:
    """One option: mark, name, score, four risks."""
    a = assessment
    name = f"{a.step}: {a.name}"
    score = f"{a.score}/{a.score_max}" if a.score_max else "-"
    row = Text("● " if marked else "  ", style="bold")
    row.append(fit(name, name_width))
    row.append(f" {score:>5}  ")
    row.append_text(risk_cells(a.risks))
    return row


def near_row(assessment, name_width: int, strict: bool) -> Text:
    """A near miss: its name and what blocks it."""
    blocked = ", ".join(v.fact if v.requirement == "in_service" else v.requirement for v in assessment.blocking(strict))
    row = Text("  ")
    row.append(fit(assessment.name, max(10, name_width - 12)))
    # What blocks it takes the rest of the row (the score and risk columns are not shown here).
    row.append(fit(f" ✗ {blocked}", 34), style="red")
    return row
