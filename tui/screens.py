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

from catalog.files import FileExists
from recommender.render import RISK_NAMES, plain
from recommender.requirements import KINDS
from recommender.stance import ROLE_LABELS, STANCE_LINES, duties
from tui.text import RESULT_WORD, RISK_ORDER, fit_word, lit, result_style, risk_style, risk_word


LONGEST_WORD = 14
"""A column is never narrower than its longest word up to this many cells (longer ones, like
addresses, fold); words are never broken in the middle ("unknow/n")."""


def _table(*columns: str, ratios: tuple[int, ...] | None = None) -> Table:
    table = Table(show_header=True, header_style="bold", expand=True, box=None, padding=(0, 1), show_edge=False)
    for i, column in enumerate(columns):
        table.add_column(column, ratio=ratios[i] if ratios else None, overflow="fold")
    return table


def _plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def whole_words(table: Table) -> Table:
    """Give each column at least the width of its longest word (capped), so text wraps between words."""
    for column in table.columns:
        cells = [column.header, *column._cells]
        longest = max((len(word) for cell in cells for word in _plain(cell).split()), default=1)
        column.min_width = min(longest, LONGEST_WORD)
    return table


def result_cell(result: str, mono: bool) -> Text:
    return Text(RESULT_WORD[result], style=result_style(result, mono))


def risk_cell(level: str, mono: bool) -> Text:
    return Text(risk_word(level), style=risk_style(level, mono))


def verdict_label(v) -> Text:
    """A verdict's requirement, saying why eligibility ("open to this agency") is there."""
    label = lit(v.label)
    if v.requirement == "eligible":
        label.append(" (added from the context)", style="italic")
    return label


def verdict_table(a, home: str = "", mono: bool = False) -> Table:
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
            fact.append("\n! disputed", style="bold reverse" if mono else "bold red")
        if from_elsewhere(v.stated_by, home):
            fact.append("\n* per ", style="bold")
            fact.append_text(lit(", ".join(v.stated_by)))
        table.add_row(verdict_label(v), kind, result_cell(v.result, mono), fact, sources)
    return whole_words(table)


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


def risk_table(risks: dict, mono: bool = False) -> Table:
    """The four risks with their reasons."""
    table = _table("risk", "level", "why", ratios=(2, 1, 7))
    for name in RISK_ORDER:
        risk = risks[name]
        table.add_row(RISK_NAMES[name], risk_cell(risk.level, mono), lit(risk.reason))
    return whole_words(table)


def roles_table(stance: str, deployment: str, provider: str) -> Table:
    """Who does what under the stance: the six roles."""
    table = _table("role", "carried by", "how", ratios=(4, 1, 5))
    for d in duties(stance, deployment, provider):
        table.add_row(ROLE_LABELS[d.role], d.carrier, lit(d.note))
    return whole_words(table)


def heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def option_document(a, stance: str, home: str = "", mono: bool = False) -> Group:
    """Everything known about one option, as literal text and tables."""
    head = Text()
    head.append_text(lit(a.name, "bold"))
    head.append(f"\n{a.key} · {a.step} · {a.option.origin}, {a.option.deployment}")
    if a.option.provider:
        head.append_text(lit(f" by {a.option.provider}"))
    head.append(f" · fit: {fit_word(a)}")
    if a.tool.summary:
        head.append("\n")
        head.append_text(lit(a.tool.summary))
    head.append("\nHome page: ")
    head.append_text(lit(a.tool.homepage))
    head.append(f" · last reviewed {a.tool.last_reviewed}")
    if a.used_by:
        head.append("\nUsed by: ")
        head.append_text(lit(", ".join(a.used_by)))
    parts = [head, heading("Verdicts"), verdict_table(a, home, mono), heading("Score"), score_text(a), heading("Risks"), risk_table(a.risks, mono)]
    parts += [heading(f"Who does what — {STANCE_LINES.get(stance, stance)}"), roles_table(stance, a.option.deployment, a.option.provider)]
    if a.option.caveats:
        caveats = Text()
        for c in a.option.caveats:
            caveats.append_text(lit(f"• {RISK_NAMES.get(c.risk, c.risk)}: {c.text}" + (f" ({c.source.url})" if c.source else "") + "\n"))
        parts += [heading("Caveats"), caveats]
    return Group(*parts)


def build_document(rec, mono: bool = False) -> Group:
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
    parts = [head, heading("Risks"), risk_table(build.risks, mono)]
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
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#page").focus()


DIFFERS = "≠ "
"""Marks a compared row where the two options differ (same rows are dimmed)."""


def compare_table(a, b, stance: str, mono: bool = False) -> Table:
    """Two options side by side: facts, verdicts, score, risks, roles; rows that differ marked ≠."""
    table = _table("", "A", "B", ratios=(3, 5, 5))
    table.add_row("", lit(a.name, "bold"), lit(b.name, "bold"))

    def row(label, left: Text, right: Text, section: bool = False) -> None:
        if section:
            table.add_row(Text(label, style="bold underline"), "", "")
            return
        if left.plain != right.plain:
            name = Text(DIFFERS, style="bold")
            name.append_text(label if isinstance(label, Text) else Text(label))
            name.stylize("bold")
            table.add_row(name, left, right)
        else:
            name = Text("  ")
            name.append_text(label if isinstance(label, Text) else Text(label))
            table.add_row(name, left.copy(), right.copy(), style="dim")

    for label, get in (
        ("step", lambda x: x.step),
        ("fit", fit_word),
        ("origin", lambda x: x.option.origin),
        ("deployment", lambda x: x.option.deployment),
        ("provider", lambda x: x.option.provider or "—"),
        ("score", lambda x: f"{x.score}/{x.score_max}"),
        ("used by", lambda x: str(len(x.used_by))),
    ):
        row(label, lit(get(a)), lit(get(b)))
    row("verdicts", Text(), Text(), section=True)
    verdicts_b = {v.requirement: v for v in b.verdicts}
    for v in a.verdicts:
        w = verdicts_b.get(v.requirement)
        cells = []
        for x in (v, w):
            if x is None:
                cells.append(Text("—"))
                continue
            cell = result_cell(x.result, mono)
            cell.append(" ")
            cell.append_text(lit(x.fact))
            cells.append(cell)
        row(verdict_label(v), *cells)
    row("risks", Text(), Text(), section=True)
    for name in RISK_ORDER:
        cells = []
        for x in (a, b):
            risk = x.risks[name]
            cell = risk_cell(risk.level, mono)
            cell.append(": ")
            cell.append_text(lit(risk.reason))
            cells.append(cell)
        row(RISK_NAMES[name], *cells)
    row(f"roles ({stance})", Text(), Text(), section=True)
    da = duties(stance, a.option.deployment, a.option.provider)
    db = duties(stance, b.option.deployment, b.option.provider)
    for x, y in zip(da, db):
        row(ROLE_LABELS[x.role].split(" (")[0], lit(f"{x.carrier}: {x.note}"), lit(f"{y.carrier}: {y.note}"))
    return whole_words(table)


def compare_document(a, b, stance: str, mono: bool = False) -> Group:
    """The comparison with a line saying how to read it."""
    differ = Text(f"{DIFFERS}marks where the two differ; rows that are the same are dimmed.", style="italic")
    return Group(differ, compare_table(a, b, stance, mono))


class ErrorScreen(Screen):
    """The catalogue (or profile) could not be read: every problem, listed; nothing is lost."""

    # Shown once in the footer, as the app's ^q Quit (which leaves this screen the same way).
    BINDINGS = [Binding("q,escape", "app.quit_bad_input", "Quit", show=False, tooltip="Leave; fix the files and start again.")]

    def __init__(self, problems, what: str = "the catalogue", **kwargs):
        super().__init__(**kwargs)
        self.problems = list(problems)
        self.what = what

    def compose(self) -> ComposeResult:
        errors = sum(1 for p in self.problems if p.severity == "error")
        yield Static(
            Text(f"{errors} error(s) in {self.what}: fix them and start again. Nothing was changed. q, esc or ctrl+q quits.", style="bold"),
            id="page-title",
        )
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
    """A yes/no question: y or the first button says yes; n, Esc or the second says no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", tooltip="Answer yes."),
        Binding("n,escape", "answer(False)", "No", tooltip="Answer no."),
    ]

    def __init__(self, question: str, yes: str = "Replace (y)", no: str = "Keep it (n)", **kwargs):
        super().__init__(**kwargs)
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(lit(self.question))
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers the question."""
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """y or n answers the question."""
        self.dismiss(answer)


class QuitScreen(ConfirmScreen):
    """Quitting with answers not saved as a profile: ask first (no, the safe answer, is focused)."""

    def __init__(self, **kwargs):
        super().__init__(
            "Your answers are not saved as a profile. Quit anyway?\n"
            "(n, then ctrl+s, saves them; `sbb tui --profile FILE` opens them again.)",
            yes="Quit (y)",
            no="Stay (n)",
            **kwargs,
        )


class ValueScreen(ModalScreen[object]):
    """Type a requirement's value, in the same words as `sbb recommend --hard KEY=VALUE`.

    `check(text)` returns (value, problem): a problem is shown in the dialog, which stays open
    with what was typed; Esc leaves without a change (dismisses None).
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Leave without changing the requirement.")]

    def __init__(self, kind: str, start: str, check=None, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.start = start
        self.check = check or (lambda text: (text, ""))

    def compose(self) -> ComposeResult:
        spec = KINDS[self.kind]
        with Vertical(classes="dialog"):
            yield Label(Text(spec.label, style="bold"))
            yield Static(lit(spec.doc))
            if spec.choices:
                yield Static(lit("Choices: " + ", ".join(spec.choices)), classes="hint")
            yield Input(value=self.start, placeholder="e.g. AU,NZ  or  medium  or  true", id="value")
            yield Static("", id="problem")
            yield Static("Enter to keep · Esc to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter keeps a valid value; an invalid one is explained and left to correct."""
        event.stop()
        value, problem = self.check(event.value)
        if problem:
            self.query_one("#problem", Static).update(Text(f"✗ {plain(problem)}", style="bold"))
            self.query_one("#value", Input).focus()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Leave without changing anything."""
        self.dismiss(None)


REPORT_FILES = {"markdown": "report.md", "json": "report.json", "record": "decision-record.md"}


class SaveScreen(ModalScreen[Path | None]):
    """Where to save (and, for a report, in which format).

    `write(path, format, overwrite)` writes the file (raising FileExists or OSError). A problem
    is shown in the dialog, which stays open with what was typed; a missing folder is created
    and an existing file replaced only after the user says yes. Dismisses the path written.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Leave without saving.")]

    def __init__(self, what: str, default: str, write, formats: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.default = default
        self.write = write
        self.formats = formats

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Save {self.what}", style="bold"))
            if self.formats:
                with RadioSet(id="format"):
                    for i, fmt in enumerate(self.formats):
                        yield RadioButton(fmt, value=i == 0, name=fmt)
            yield Input(value=self.default, id="path")
            yield Static("", id="problem")
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

    def problem(self, text: str) -> None:
        """Say what is wrong and leave the typed name to correct."""
        self.query_one("#problem", Static).update(Text(f"✗ {plain(text)}", style="bold"))
        self.query_one("#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter saves, asking first about a missing folder or an existing file."""
        event.stop()
        text = event.value.strip()
        if not text:
            self.problem("Type a file name.")
            return
        path = resolve(text)
        if path.is_dir():
            self.problem(f"{path} is a folder: add a file name.")
            return
        folder = path.parent
        if folder.exists() and not folder.is_dir():
            self.problem(f"{folder} is a file, not a folder.")
            return
        if not folder.exists():
            def create(yes: bool | None) -> None:
                if yes:
                    self.attempt(path)
                else:
                    self.problem(f"Not saved: the folder {folder} does not exist.")

            self.app.push_screen(ConfirmScreen(f"The folder {folder} does not exist. Create it and save {path.name} there?", "Create (y)", "Go back (n)"), create)
            return
        self.attempt(path)

    def attempt(self, path: Path, overwrite: bool = False) -> None:
        """Write, or ask before replacing, or show why it could not be written."""
        try:
            self.write(path, self.chosen_format(), overwrite)
        except FileExists as exc:
            if exc.strerror != "already exists":  # a dangling link: replacing would not help
                self.problem(f"Cannot write {path}: it {exc.strerror}")
                return

            def replace_it(yes: bool | None) -> None:
                if yes:
                    self.attempt(path, overwrite=True)
                else:
                    self.problem(f"Kept {path}; nothing written. Type another name, or Esc.")

            self.app.push_screen(ConfirmScreen(f"{path} exists. Replace it?"), replace_it)
            return
        except OSError as exc:
            self.problem(f"Cannot write {path}: {exc.strerror or exc}")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        """Leave without saving."""
        self.dismiss(None)


def resolve(path_text: str) -> Path:
    """A typed path, with ~ expanded; relative to the current directory."""
    return Path(path_text).expanduser()
