"""Screens over the walk: option detail, comparison, the catalogue error list, and dialogs."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static

from recommender.render import RISK_NAMES
from recommender.requirements import KINDS
from recommender.stance import ROLE_LABELS, STANCE_LINES, duties
from tui.text import RESULT_STYLE, RESULT_WORD, RISK_ORDER, RISK_STYLE, lit


def _table(*columns: str, ratios: tuple[int, ...] | None = None) -> Table:
    table = Table(show_header=True, header_style="bold", expand=True, box=None, padding=(0, 1), show_edge=False)
    for i, column in enumerate(columns):
        table.add_column(column, ratio=ratios[i] if ratios else None, overflow="fold")
    return table


def verdict_table(a, home: str = "") -> Table:
    """Every requirement's verdict with the catalogue fact and its sources.

    A fact another catalogue source disputes is marked `! disputed`; one stated only by other
    agencies' catalogues (not `home`, the run's highest-precedence source, nor the bundled
    one) names them.
    """
    from recommender.provenance import from_elsewhere

    table = _table("requirement", "", "result", "catalogue fact", "source", ratios=(4, 2, 2, 6, 5))
    for v in a.verdicts:
        kind = "must" if v.hard else f"pref ×{v.weight}"
        sources = Text("\n").join(lit(s.url) for s in v.sources) if v.sources else Text("—", style="dim")
        fact = lit(v.fact)
        if v.disputed:
            fact.append("\n! disputed", style="bold red")
        if from_elsewhere(v.stated_by, home):
            fact.append("\n* per ", style="bold")
            fact.append_text(lit(", ".join(v.stated_by)))
        table.add_row(lit(v.label), kind, Text(RESULT_WORD[v.result], style=RESULT_STYLE[v.result]), fact, sources)
    return table


def score_text(a) -> Text:
    """The score and what each preference contributed."""
    out = Text(f"Score {a.score}/{a.score_max}", style="bold")
    soft = [v for v in a.verdicts if not v.hard]
    if not soft:
        out.append(" (no preferences stated)", style="dim")
    for v in soft:
        out.append(f"\n  +{v.points:<2} ", style="bold" if v.points else "dim")
        out.append_text(lit(f"{v.label} (×{v.weight}, {v.result})"))
    return out


def risk_table(risks: dict) -> Table:
    """The four risks with their reasons."""
    table = _table("risk", "level", "why", ratios=(2, 1, 7))
    for name in RISK_ORDER:
        risk = risks[name]
        table.add_row(RISK_NAMES[name], Text(risk.level.upper() if risk.level == "high" else risk.level, style=RISK_STYLE[risk.level]), lit(risk.reason))
    return table


def roles_table(stance: str, deployment: str, provider: str) -> Table:
    """Who does what under the stance: the six roles."""
    table = _table("role", "carried by", "how", ratios=(4, 1, 5))
    for d in duties(stance, deployment, provider):
        table.add_row(ROLE_LABELS[d.role], d.carrier, lit(d.note))
    return table


def heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def option_document(a, stance: str, home: str = "") -> Group:
    """Everything known about one option, as literal text and tables."""
    head = Text()
    head.append_text(lit(a.name, "bold"))
    head.append(f"\n{a.key} · {a.step} · {a.option.origin}, {a.option.deployment}")
    if a.option.provider:
        head.append_text(lit(f" by {a.option.provider}"))
    head.append(f" · status: {a.status}")
    if a.tool.summary:
        head.append("\n")
        head.append_text(lit(a.tool.summary))
    head.append("\nHome page: ")
    head.append_text(lit(a.tool.homepage))
    head.append(f" · last reviewed {a.tool.last_reviewed}")
    if a.used_by:
        head.append("\nUsed by: ")
        head.append_text(lit(", ".join(a.used_by)))
    parts = [head, heading("Verdicts"), verdict_table(a, home), heading("Score"), score_text(a), heading("Risks"), risk_table(a.risks)]
    parts += [heading(f"Who does what — {STANCE_LINES.get(stance, stance)}"), roles_table(stance, a.option.deployment, a.option.provider)]
    if a.option.caveats:
        caveats = Text()
        for c in a.option.caveats:
            caveats.append_text(lit(f"• {RISK_NAMES.get(c.risk, c.risk)}: {c.text}" + (f" ({c.source.url})" if c.source else "") + "\n"))
        parts += [heading("Caveats"), caveats]
    return Group(*parts)


def build_document(rec) -> Group:
    """Why build is on the table, what to build on, its risks and roles."""
    build, stance = rec.build, rec.profile.context.stance
    head = Text("Build (custom development) — the last resort\n", style="bold")
    head.append("Build only with a legitimate unique requirement, or when the agency must control the code.\n")
    for reason in build.reasons:
        head.append_text(lit(f"• {reason}\n"))
    if build.foundations:
        head.append("\nBuild on (closest options, open source first):\n", style="bold")
        for a in build.foundations:
            head.append_text(lit(f"• {a.name} ({a.key}, {a.step})\n"))
    parts = [head, heading("Risks"), risk_table(build.risks)]
    parts += [heading(f"Who does what — {STANCE_LINES.get(stance, stance)}"), roles_table(stance, "self-hosted", "")]
    return Group(*parts)


class DocumentScreen(Screen):
    """A scrollable read-only page: option detail, build, or a comparison."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", tooltip="Back to the results."),
    ]

    def __init__(self, title: str, body, **kwargs):
        super().__init__(**kwargs)
        self.page_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        yield Static(lit(self.page_title), id="page-title")
        with VerticalScroll(id="page"):
            yield Static(self.body, id="page-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#page").focus()


def compare_table(a, b, stance: str) -> Table:
    """Two options side by side: facts, verdicts, score, risks, roles."""
    table = _table("", "A", "B", ratios=(3, 5, 5))
    table.add_row("", lit(a.name, "bold"), lit(b.name, "bold"))
    for label, get in (
        ("step", lambda x: x.step),
        ("origin", lambda x: x.option.origin),
        ("deployment", lambda x: x.option.deployment),
        ("provider", lambda x: x.option.provider or "—"),
        ("status", lambda x: x.status),
        ("score", lambda x: f"{x.score}/{x.score_max}"),
        ("used by", lambda x: str(len(x.used_by))),
    ):
        table.add_row(Text(label, style="bold"), lit(get(a)), lit(get(b)))
    table.add_row(Text("verdicts", style="bold underline"), "", "")
    verdicts_b = {v.requirement: v for v in b.verdicts}
    for v in a.verdicts:
        w = verdicts_b.get(v.requirement)
        cells = []
        for x in (v, w):
            if x is None:
                cells.append(Text("—"))
                continue
            cell = Text(RESULT_WORD[x.result], style=RESULT_STYLE[x.result])
            cell.append(" ")
            cell.append_text(lit(x.fact))
            cells.append(cell)
        table.add_row(lit(v.label), *cells)
    table.add_row(Text("risks", style="bold underline"), "", "")
    for name in RISK_ORDER:
        cells = []
        for x in (a, b):
            risk = x.risks[name]
            cell = Text(risk.level.upper() if risk.level == "high" else risk.level, style=RISK_STYLE[risk.level])
            cell.append(": ")
            cell.append_text(lit(risk.reason))
            cells.append(cell)
        table.add_row(RISK_NAMES[name], *cells)
    table.add_row(Text(f"roles ({stance})", style="bold underline"), "", "")
    da = duties(stance, a.option.deployment, a.option.provider)
    db = duties(stance, b.option.deployment, b.option.provider)
    for x, y in zip(da, db):
        table.add_row(ROLE_LABELS[x.role].split(" (")[0], lit(f"{x.carrier}: {x.note}"), lit(f"{y.carrier}: {y.note}"))
    return table


class ErrorScreen(Screen):
    """The catalogue (or profile) could not be read: every problem, listed; nothing is lost."""

    BINDINGS = [Binding("q,escape", "app.quit_bad_input", "Quit", tooltip="Leave; fix the files and start again.")]

    def __init__(self, problems, what: str = "the catalogue", **kwargs):
        super().__init__(**kwargs)
        self.problems = list(problems)
        self.what = what

    def compose(self) -> ComposeResult:
        errors = sum(1 for p in self.problems if p.severity == "error")
        yield Static(Text(f"{errors} error(s) in {self.what}: fix them and start again. Nothing was changed.", style="bold"), id="page-title")
        body = Text()
        for p in self.problems:
            body.append_text(lit(str(p), "bold" if p.severity == "error" else "dim"))
            body.append("\n")
        with VerticalScroll(id="page"):
            yield Static(body, id="problems")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#page").focus()


class ConfirmScreen(ModalScreen[bool]):
    """Ask before replacing a file that exists."""

    BINDINGS = [
        Binding("y", "answer(True)", "Replace"),
        Binding("n,escape", "answer(False)", "Keep it"),
    ]

    def __init__(self, question: str, **kwargs):
        super().__init__(**kwargs)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(lit(self.question))
            with Horizontal(classes="buttons"):
                yield Button("Replace (y)", id="yes", variant="error")
                yield Button("Keep it (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers the question."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """y or n answers the question."""
        self.dismiss(answer)


class ValueScreen(ModalScreen[str | None]):
    """Type a requirement's value, in the same words as `sbb recommend --hard KEY=VALUE`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, kind: str, start: str, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.start = start

    def compose(self) -> ComposeResult:
        spec = KINDS[self.kind]
        with Vertical(classes="dialog"):
            yield Label(Text(spec.label, style="bold"))
            yield Static(lit(spec.doc))
            if spec.choices:
                yield Static(lit("Choices: " + ", ".join(spec.choices)), classes="hint")
            yield Input(value=self.start, placeholder="e.g. AU,NZ  or  medium  or  true", id="value")
            yield Static("Enter to keep · Esc to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter keeps the value."""
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Leave without changing anything."""
        self.dismiss(None)


REPORT_FILES = {"markdown": "report.md", "json": "report.json", "record": "decision-record.md"}


class SaveScreen(ModalScreen[tuple[str, str] | None]):
    """Where to save (and, for a report, in which format)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, what: str, default: str, formats: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.default = default
        self.formats = formats

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Save {self.what}", style="bold"))
            if self.formats:
                with RadioSet(id="format"):
                    for i, fmt in enumerate(self.formats):
                        yield RadioButton(fmt, value=i == 0, name=fmt)
            yield Input(value=self.default, id="path")
            yield Static("Enter to save · Esc to cancel · an existing file is never replaced without asking", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#path").focus()

    def chosen_format(self) -> str:
        if not self.formats:
            return ""
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None else self.formats[0]

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        """Changing format changes the suggested file name (if the user has not typed one)."""
        path = self.query_one("#path", Input)
        if path.value in REPORT_FILES.values():
            path.value = REPORT_FILES[self.chosen_format()]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter saves."""
        event.stop()
        if event.value.strip():
            self.dismiss((event.value.strip(), self.chosen_format()))

    def action_cancel(self) -> None:
        """Leave without saving."""
        self.dismiss(None)


def resolve(path_text: str) -> Path:
    """A typed path, with ~ expanded; relative to the current directory."""
    return Path(path_text).expanduser()
