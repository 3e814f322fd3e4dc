"""Widgets of the walk: the requirement toggles (also the what-if panel) and the results list."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from catalog.record import replace
from recommender.engine import TIER_WORDS
from recommender.profile import Profile, Requirement, parse_flag_value
from recommender.requirements import KINDS
from tui.text import ROW_EXTRA, TIER_MEANING, distinct_names, fit, header_row, lit, near_row, option_row, short_name

# Value a requirement takes when switched on; kinds absent here ask for a value first.
DEFAULT_VALUES = {
    "max_exit_cost": "low",
    "api": True,
    "sso": True,
    "provisioning": True,
    "accessibility": "wcag2.1-aa",
    "max_ops_effort": "low",
    "max_cost_band": "low",
    "retention_months": 12,
    "min_agencies": 1,
    "reviewed_within_months": 24,
}
WEIGHT_MIN, WEIGHT_MAX = 1, 10


def default_value(kind: str, profile: Profile):
    """The value a requirement gets when switched on, or None when the user must type one."""
    spec = KINDS[kind]
    if spec.value == "bool":
        return True
    if kind == "residency" and profile.context.country:
        return (profile.context.country,)
    return DEFAULT_VALUES.get(kind)


def value_text(value) -> str:
    """A requirement value as the user would type it (the same syntax as `--hard KEY=VALUE`)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


def mode_mark(requirement: Requirement | None) -> str:
    """[must], [pref ×3] or [ off ]: readable without colour."""
    if requirement is None:
        return "[  off   ]"
    if requirement.hard:
        return "[  must  ]"
    return f"[pref ×{requirement.weight:<2}]"


class RequirementList(OptionList):
    """Requirements to switch on (must), soften (prefer, weighted) or off; also the what-if panel."""

    BINDINGS = [
        Binding("space", "cycle", "Cycle", tooltip="Cycle: off → must → prefer → off."),
        Binding("h", "flip", "Hard/soft", show=False, tooltip="Flip between must (hard) and prefer (soft)."),
        Binding("plus,equals_sign", "weight(1)", "Weight+", key_display="+", show=False, tooltip="Raise the weight of a preference."),
        Binding("minus", "weight(-1)", "Weight−", key_display="-", show=False, tooltip="Lower the weight of a preference."),
        Binding("e", "edit", "Edit value", tooltip="Type the requirement's value, e.g. AU,NZ."),
        Binding("x,delete", "remove", "Off", show=False, tooltip="Switch the requirement off."),
    ]

    def __init__(self, groups: list[tuple[str, tuple[str, ...]]] | None = None, **kwargs):
        """`groups`: (heading, kinds) to show; None shows the profile's own requirements (what-if)."""
        super().__init__(**kwargs)
        self.groups = groups
        self.sticky: list[str] = []  # what-if: kinds seen, kept visible after being switched off

    @property
    def profile(self) -> Profile:
        return self.app.profile

    def visible_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        if self.groups is not None:
            return self.groups
        for r in self.profile.requirements:
            if r.kind not in self.sticky:
                self.sticky.append(r.kind)
        return [("", tuple(self.sticky))]

    def refresh_rows(self) -> None:
        """Redraw the rows from the app's profile, keeping the highlight."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        for heading, kinds in self.visible_groups():
            if heading:
                options.append(Option(Text(heading, style="bold underline"), disabled=True))
            for kind in kinds:
                req = self.profile.get(kind)
                label = req.label if req else KINDS[kind].label
                row = Text(mode_mark(req) + " ", style="bold" if req else "dim")
                row.append_text(lit(label))
                options.append(Option(row, id=kind))
        self.set_options(options)
        if highlighted is not None:
            try:
                self.highlighted = self.get_option_index(highlighted)
            except OptionDoesNotExist:
                pass  # the highlighted requirement is no longer listed
        elif self.highlighted is None and options:
            self.action_first()

    def on_mount(self) -> None:
        self.refresh_rows()

    @property
    def current(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None and option.id in KINDS else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or click cycles the requirement."""
        event.stop()
        self.action_cycle()

    def action_cycle(self) -> None:
        """Off → must → prefer → off."""
        kind = self.current
        if kind is None:
            return
        req = self.profile.get(kind)
        if req is None:
            value = default_value(kind, self.profile)
            if value is None:
                self.action_edit()
                return
            self.app.update_profile(self.profile.with_requirement(Requirement(kind, value, True)))
        elif req.hard:
            self.app.update_profile(self.profile.with_requirement(replace(req, hard=False)))
        else:
            self.app.update_profile(self.profile.without(kind))

    def label(self, kind: str) -> str:
        req = self.profile.get(kind)
        return req.label if req else KINDS[kind].label

    def action_flip(self) -> None:
        """Flip hard ↔ soft (what-if)."""
        kind = self.current
        if kind is None:
            self.app.notify("Put the cursor on a requirement first.", markup=False, timeout=3)
            return
        req = self.profile.get(kind)
        if req is None:
            self.app.notify(f"“{self.label(kind)}” is off: space switches it on as a must first.", markup=False, timeout=4)
            return
        self.app.update_profile(self.profile.with_requirement(replace(req, hard=not req.hard)))
        now = "a must (hard)" if not req.hard else f"a preference (×{req.weight})"
        self.app.notify(f"“{req.label}” is now {now}.", markup=False, timeout=3)

    def action_weight(self, step: int) -> None:
        """Change a preference's weight; a must is never weakened by it (h makes it a preference)."""
        kind = self.current
        req = self.profile.get(kind) if kind else None
        if req is None:
            what = f"“{self.label(kind)}” is off" if kind else "No requirement here"
            self.app.notify(f"{what}: + and - weigh a preference. Space switches it on.", markup=False, timeout=4)
            return
        if req.hard:
            self.app.notify(
                f"“{req.label}” is a must: + and - weigh preferences only. Press h to make it a preference first.",
                markup=False,
                timeout=5,
            )
            return
        weight = min(WEIGHT_MAX, max(WEIGHT_MIN, req.weight + step))
        if weight == req.weight:
            limit = "highest" if step > 0 else "lowest"
            self.app.notify(f"“{req.label}” is already at the {limit} weight (×{weight}).", markup=False, timeout=3)
            return
        self.app.update_profile(self.profile.with_requirement(replace(req, weight=weight)))

    def action_remove(self) -> None:
        """Switch the requirement off."""
        kind = self.current
        if kind and self.profile.get(kind) is not None:
            self.app.update_profile(self.profile.without(kind))
        elif kind:
            self.app.notify(f"“{self.label(kind)}” is already off.", markup=False, timeout=3)

    def action_edit(self) -> None:
        """Ask for the value in the same syntax as the command line; a bad value keeps the dialog open."""
        from tui.screens import ValueScreen

        kind = self.current
        if kind is None:
            self.app.notify("Put the cursor on a requirement first.", markup=False, timeout=3)
            return
        req = self.profile.get(kind)
        start = value_text(req.value) if req else ""

        def check(text: str):
            """The value, or the problems to show in the dialog."""
            value, problems = parse_flag_value(kind, text, self.app.catalog.vocabulary, kind)
            errors = [p.message for p in problems if p.severity == "error"]
            if value is None or errors:
                return None, "; ".join(errors) or "not a valid value"
            return value, ""

        def done(value) -> None:
            if value is None:
                return
            current = self.profile.get(kind)
            hard, weight = (current.hard, current.weight) if current else (True, 1)
            self.app.update_profile(self.profile.with_requirement(Requirement(kind, value, hard, weight)))

        self.app.push_screen(ValueScreen(kind, start, check), done)


class ResultsList(OptionList):
    """Options grouped share → buy → build, then near misses; a window of the best, never all."""

    WINDOW = 15  # rows per ladder step: enough to browse, few enough to redraw within a frame budget
    NEAR_WINDOW = 8

    BINDINGS = [
        Binding("enter", "select", "Detail", tooltip="Every verdict, score, risk and role of the option."),
        Binding("space", "mark", "Mark", tooltip="Mark up to two options to compare."),
        Binding("c", "compare", "Compare", tooltip="Compare the two marked options (or marked and highlighted)."),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.marked: list[str] = []
        self.rec = None
        self.full_names: dict[str, str] = {}
        """Row id → the option's whole name (rows may show it shortened)."""

    def name_width(self) -> int:
        return max(16, self.scrollable_content_region.width - ROW_EXTRA)

    def show(self, rec) -> None:
        """Replace the rows with this recommendation's window, keeping the highlight."""
        self.rec = rec
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        width = self.name_width()
        mono = self.app.no_color
        # One pass over the options (each read is a judgement the engine may make on demand):
        # the tiers in rank order, each with its options in rank order (`rec.tiers`, `rec.in_tier`).
        groups: dict[str, list] = {}
        for a in rec.options:
            groups.setdefault(a.tier, []).append(a)  # fit first; share before buy within each tier
        if self.marked:
            known = {a.key for group in groups.values() for a in group} | {a.key for a in rec.near_misses}
            self.marked = [k for k in self.marked if k in known]
        near = list(rec.near_misses[: self.NEAR_WINDOW])
        near_width = max(12, width - 8)
        listed = [a for group in groups.values() for a in group[: self.WINDOW]]
        names = [a.name if len(a.name) <= width else short_name(a) for a in listed + near]
        ids = [f"opt:{a.key}" for a in listed] + [f"near:{a.key}" for a in near]
        fitted = dict(zip(ids[: len(listed)], distinct_names(names, width)))
        fitted |= dict(zip(ids[len(listed) :], distinct_names(names, near_width)[len(listed) :]))
        self.full_names = {f"opt:{a.key}": a.name for a in listed} | {f"near:{a.key}": a.name for a in near}
        rows: list[Option] = []
        if not rec.options:
            rows.append(Option(Text("  no share or buy option meets the hard requirements", style="dim"), disabled=True))
        for tier, group in groups.items():
            title = f"{TIER_WORDS[tier].upper()} ({len(group)})"
            head = Text(title, style="bold reverse")
            head.append(fit(f"  {TIER_MEANING[tier]}", max(0, width + ROW_EXTRA - len(title))).rstrip(), style="italic")
            rows.append(Option(head, disabled=True))
            for a in group[: self.WINDOW]:
                rows.append(Option(option_row(a, fitted[f"opt:{a.key}"], a.key in self.marked, mono), id=f"opt:{a.key}"))
            if len(group) > self.WINDOW:
                more = len(group) - self.WINDOW
                rows.append(Option(Text(f"  … {more} more options {TIER_WORDS[tier]}: add requirements to narrow", style="dim"), disabled=True))
        rows.append(Option(Text("BUILD (last resort)", style="bold reverse"), disabled=True))
        if rec.build:
            why = "; ".join(rec.build.reasons)
            rows.append(Option(lit("  Build (custom development): " + why), id="build"))
        else:
            rows.append(Option(Text("  not justified: share or buy options remain", style="dim"), disabled=True))
        if near:
            rows.append(Option(Text(f"NEAR MISSES ({len(rec.near_misses)}): fail 1–2 hard requirements", style="bold reverse"), disabled=True))
            for a in near:
                key = f"near:{a.key}"
                rows.append(Option(near_row(a, fitted[key], rec.strict, width + ROW_EXTRA - near_width - 2), id=key))
        self.set_options(rows)
        ids = [o.id for o in self.options]
        if highlighted is not None and highlighted in ids:
            self.highlighted = ids.index(highlighted)
        else:
            self.action_first()
        self.call_after_refresh(self.scroll_to_highlight)

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Keep the highlighted row in view with its group heading; at either end, show the
        rows that cannot take the cursor (headings above, build and notes below)."""
        super().scroll_to_highlight(top)
        index = self.highlighted
        if index is None or not self.is_mounted or not self.options:
            return
        enabled = [i for i, o in enumerate(self.options) if not o.disabled]
        if enabled and index == enabled[-1]:
            self.scroll_end(animate=False, immediate=True)
        elif enabled and index == enabled[0]:
            self.scroll_home(animate=False, immediate=True)
        elif index > 0 and self.options[index - 1].disabled:
            line = self._index_to_line.get(index - 1)
            if line is not None and line < self.scroll_offset.y:
                self.scroll_to(y=line, animate=False, immediate=True)

    def on_resize(self) -> None:
        """Names take the width there is."""
        if self.rec is not None:
            self.app.refresh_results()

    def header(self) -> Text:
        """Column titles for the current width."""
        return header_row(self.name_width())

    def assessment(self, option_id: str | None):
        """The Assessment behind a row id."""
        if not option_id or self.rec is None or ":" not in option_id:
            return None
        kind, key = option_id.split(":", 1)
        pool = self.rec.options if kind == "opt" else self.rec.near_misses
        return next((a for a in pool if a.key == key), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or click opens the option."""
        event.stop()
        self.app.open_detail(event.option.id)

    def action_mark(self) -> None:
        """Mark or unmark the highlighted option for comparison (two at most)."""
        option = self.highlighted_option
        if option is None or self.assessment(option.id) is None:
            self.app.notify("Only an option can be marked for comparison.", markup=False)
            return
        key = option.id.split(":", 1)[1]
        if key in self.marked:
            self.marked.remove(key)
        else:
            self.marked = (self.marked + [key])[-2:]
            if len(self.marked) == 2:
                self.app.notify("Two options marked (●): press c to compare them.", markup=False, timeout=3)
        if self.rec is not None:
            self.show(self.rec)

    def action_compare(self) -> None:
        """Compare two options side by side."""
        picked = [self.assessment(f"opt:{k}") or self.assessment(f"near:{k}") for k in self.marked]
        current = self.assessment(self.highlighted_option.id) if self.highlighted_option else None
        if len(picked) < 2 and current is not None and all(current.key != p.key for p in picked):
            picked.append(current)
        if len(picked) < 2:
            self.app.notify("Mark two options with space, then press c.", markup=False)
            return
        self.app.open_compare(picked[-2], picked[-1])


class CheckList(OptionList):
    """A list of choices shown as [x] / [ ] (readable without colour); space, enter or click toggles."""

    BINDINGS = [Binding("space", "toggle", "Select", tooltip="Select or unselect the highlighted item.")]

    class Changed(Message):
        """The set of checked values changed."""

        def __init__(self, check_list: "CheckList") -> None:
            super().__init__()
            self.check_list = check_list

        @property
        def control(self) -> "CheckList":
            return self.check_list

    def __init__(self, single: bool = False, **kwargs):
        """`single`: exactly one item is chosen, like radio buttons, shown as (•) / ( )."""
        super().__init__(**kwargs)
        self.single = single
        self.items: list[tuple[str, Text]] = []
        self.checked: list[str] = []

    def set_items(self, items: list[tuple[str, Text]], checked) -> None:
        """Show these (value, label) items with `checked` ticked, keeping the highlight."""
        self.items = list(items)
        self.checked = [v for v in checked]
        self._redraw()

    def _redraw(self) -> None:
        highlighted = self.highlighted
        options = []
        for value, label in self.items:
            marks = ("(•) ", "( ) ") if self.single else ("[x] ", "[ ] ")
            row = Text(marks[0] if value in self.checked else marks[1], style="bold" if value in self.checked else "")
            row.append_text(label)
            options.append(Option(row, id=value))
        self.set_options(options)
        if options:
            self.highlighted = min(highlighted or 0, len(options) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or click toggles."""
        event.stop()
        self.action_toggle()

    def action_toggle(self) -> None:
        """Tick or untick the highlighted item."""
        option = self.highlighted_option
        if option is None:
            return
        if self.single:
            if self.checked == [option.id]:
                return
            self.checked = [option.id]
        elif option.id in self.checked:
            self.checked.remove(option.id)
        else:
            self.checked.append(option.id)
        self._redraw()
        self.post_message(self.Changed(self))


class SearchBox(Input):
    """The capability search: ↓ moves into the list below, as a person expects."""

    BINDINGS = [Binding("down", "into_list", "Into the list", show=False, tooltip="Move into the list of matches.")]

    def action_into_list(self) -> None:
        """Focus the list under the box."""
        self.screen.focus_next()
