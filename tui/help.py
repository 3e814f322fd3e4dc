"""What every step, requirement kind, risk and mark means: the legend and the help screen.

The sentences here are the README's (section "The terminal UI"); a test keeps the two the same.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from recommender.render import RISK_NAMES
from recommender.requirements import KINDS
from recommender.stance import STANCE_LINES

STEPS_HELP = (
    ("1 What for", "goals and capabilities, typo-tolerant search."),
    ("2 Constraints", "data control, lock-in, integration, assurance, resourcing, cost and reuse; each requirement off, must (hard) or prefer (soft, weighted)."),
    ("3 Context", "ICT stance (leader / supporter / observer), ops capacity, level of government, sectors, country, skills."),
    ("4 Building?", "unique requirements, must the agency control the code; build is the last resort."),
    ("5 Results", "the answer in one headline with its conditions; the options by fit (fits, fits if resourced, to verify), share before buy in each, then build, then near misses; open an option for every verdict with its fact and source, the score and each preference's contribution, the four risks, and who does what under the stance; mark two and compare them; flip a requirement hard/soft or change its weight in the what-if panel and watch the list move."),
)
RISKS_HELP = {
    "resourcing": "are there skills and people to implement and run it?",
    "data_control": "who controls the data, can the agency keep a full copy, can third-party misuse be limited?",
    "platform_control": "if the platform removes a feature the agency built on, what then? (lock-in, exit cost)",
    "system_integration": "how far should it plug into core agency systems, and can it (APIs, webhooks, SSO)?",
}
MARKS_HELP = (
    ("FITS", "every must (hard requirement) is met by a stated catalogue fact, and the agency can run it."),
    ("FITS IF RESOURCED", "every must is met, but running it needs ops capacity or skills the agency has not stated."),
    ("TO VERIFY", "a must the catalogue does not state (unknown): confirm it before adopting."),
    ("order", "fits, then fits if resourced, then to verify; in each group share before buy, options with fewer HIGH risks first, then the best score, then the most evidence of reuse, then fewer medium risks."),
    ("step", "share (another agency's work or open source) or buy (a commercial product); build is last and gated."),
    ("score 5/8", "points won from preferences (soft requirements, by weight) out of the most possible; - when no preference is set."),
    ("res data plat intg", "the four risks: resourcing, data control, platform control, system integration; each low, med or HIGH."),
    ("✓ ✗ ?", "pass, fail, unknown (not stated in the catalogue; never a pass)."),
    ("[must] [pref ×2] [off]", "a hard requirement, a preference with its weight, or not asked."),
    ("●", "an option marked for comparison (space marks, c compares)."),
    ("near miss", "an option that fails one or two hard requirements, with what blocks it."),
    ("open to this agency", "always demanded: a service another agency runs for others must be open to the agency's country, level and sector (step 3); until they are set, one open only to some is to verify."),
)
KEYS_HELP = (
    ("ctrl+n / esc", "next / previous step (esc also closes the help, the keys panel and any dialog)"),
    ("space", "cycle a requirement off → must → prefer; tick a goal or capability; on results, mark an option"),
    ("enter", "in the search box: select the best match; on a requirement: cycle it; on a result: open it"),
    ("down / tab", "from the search box into the list; tab moves between parts of a step"),
    ("h, +, -, e, x", "flip hard/soft, weight up/down (preferences only), edit the value, switch off"),
    ("c", "compare the two marked options"),
    ("ctrl+s, ctrl+r", "save the profile (TOML); save the report (Markdown, JSON, decision record)"),
    ("? or F1", "the help (F1 also from a text box, where ? is typed)"),
    ("ctrl+p, ctrl+q", "command palette; quit (asks first if answers are not saved)"),
)
# The legend above the results list: two lines of at most 76 cells (80 columns).
def legend(width: int) -> tuple[str, str]:
    """The legend of the results list's order, columns and marks, for this width."""
    if width >= 130:
        return (
            "In each group: share before buy, options with fewer HIGH risks first, then the best score"
            " · score: preference points won / most possible",
            "risks (low, med, HIGH): res = resourcing · data = data control · plat = platform control · intg = system integration · ? help",
        )
    return (
        "share before buy, fewer HIGH risks first, best score · score=preference points",
        "risks low/med/HIGH: res=resourcing data plat=platform intg=integration",
    )


def _pairs(rows, key_style: str = "bold") -> Table:
    table = Table(show_header=False, box=None, expand=True, padding=(0, 1), show_edge=False)
    width = max(len(word) for k, _ in rows for word in str(k).split()) if rows else 8
    table.add_column(min_width=min(width, 24), max_width=28, style=key_style)
    table.add_column(ratio=1)
    for key, text in rows:
        table.add_row(Text(key), Text(text))
    return table


def heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def help_document() -> Group:
    """Every step, mark, risk, requirement kind, stance and key, in the README's words."""
    intro = Text(
        "sharebuybuild helps decide how to get a capability: share (reuse another agency's work "
        "or open source), buy (a commercial product), or, only as a last resort, build. Every "
        "verdict cites the catalogue fact it rests on; a fact the catalogue does not state is "
        "unknown, never a pass."
    )
    kinds: dict[str, list[tuple[str, str]]] = {}
    for name, spec in KINDS.items():
        kinds.setdefault(spec.dimension, []).append((spec.label, spec.doc))
    parts = [intro, heading("The steps"), _pairs(STEPS_HELP), heading("Reading the results"), _pairs(MARKS_HELP)]
    parts += [heading("The four risks"), _pairs([(RISK_NAMES[k], v) for k, v in RISKS_HELP.items()])]
    parts += [heading("ICT stance"), _pairs([(k, v.split(": ", 1)[1]) for k, v in STANCE_LINES.items()])]
    parts.append(heading("Requirements (what each checks)"))
    for dimension, rows in kinds.items():
        block = Text(dimension.replace("_", " "), style="italic")
        for label, doc in rows:
            block.append("\n • ")
            block.append(label, style="bold")
            block.append(f" — {doc}")
        parts.append(block)
    parts += [heading("Keys"), _pairs(KEYS_HELP)]
    return Group(*parts)


class HelpScreen(Screen):
    """The help: what each step, requirement kind, risk and mark means, and every key."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "app.pop_screen", "Close help", tooltip="Back to where you were."),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.body = help_document()

    def compose(self) -> ComposeResult:
        yield Static(Text("Help — esc closes · ↑↓ pgup pgdn scroll", style="bold"), id="page-title")
        with VerticalScroll(id="page"):
            yield Static(self.body, id="help-body")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#page").focus()
