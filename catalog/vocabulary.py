"""The controlled capability vocabulary, kept as data in capabilities.toml."""

from __future__ import annotations

from pathlib import Path

from catalog.files import is_slug
from catalog.problems import Problem, did_you_mean, format_path, key_lines, line_of, read_text, toml_problem
from catalog.limits import parse_toml
from catalog.record import record
from catalog.text import unsafe_char


@record(frozen=True)
class Capability:
    """A term of the controlled capability vocabulary."""

    id: str
    label: str
    description: str
    goals: tuple[str, ...]
    area: str
    aliases: tuple[str, ...]

    def __init__(
        self, id: str, label: str, description: str, goals: tuple[str, ...], area: str,
        aliases: tuple[str, ...] = (),
    ) -> None:
        self.__dict__.update(  # frozen: filled as unpickling fills it
            id=id, label=label, description=description, goals=goals, area=area, aliases=aliases,
        )


BUNDLED_VOCABULARY = Path(__file__).parent / "data" / "capabilities.toml"
GOALS = ("monitoring", "communication", "engagement", "collaboration", "delivery")


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


class Vocabulary:
    """Capability terms by id, matched by id, label or alias, typos forgiven."""

    def __init__(self, capabilities: list[Capability], origins: dict[str, tuple[str, ...]] | None = None):
        self.capabilities: dict[str, Capability] = {c.id: c for c in capabilities}
        # Which catalogues define each term (federated sources); empty for a single catalogue.
        self.origins: dict[str, tuple[str, ...]] = dict(origins or {})
        self._names: dict[str, str] = {}
        for cap in capabilities:
            for name in (cap.id, cap.label, *cap.aliases):
                self._names.setdefault(_norm(name), cap.id)
        self._choices = list(self._names)

    def __contains__(self, capability_id: str) -> bool:
        return capability_id in self.capabilities

    def __iter__(self):
        return iter(self.capabilities.values())

    def exact(self, term: str) -> str | None:
        """The id for an id, label or alias typed exactly (case and dashes aside)."""
        return self._names.get(_norm(term))

    def resolve(self, term: str, cutoff: float = 85) -> str | None:
        """The id `term` most likely means: exact first, then the closest name over `cutoff`."""
        found = self.exact(term)
        if found:
            return found
        from rapidfuzz import fuzz, process  # exact names need no fuzzy matching (or its import)

        match = process.extractOne(_norm(term), self._choices, scorer=fuzz.WRatio, score_cutoff=cutoff)
        return self._names[match[0]] if match else None

    def search(self, text: str, limit: int = 10) -> list[tuple[Capability, float]]:
        """Capabilities best matching free text, best first."""
        if not text.strip():
            return [(c, 100.0) for c in self.capabilities.values()][:limit]
        from rapidfuzz import fuzz, process

        scored: dict[str, float] = {}
        for name, score, _ in process.extract(
            _norm(text), self._choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=50
        ):
            cap_id = self._names[name]
            scored[cap_id] = max(scored.get(cap_id, 0), score)
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(self.capabilities[cap_id], score) for cap_id, score in ranked]

    def suggestion(self, term: str) -> str:
        """' (did you mean `id`?)' for an unknown term, naming the capability id."""
        found = self.resolve(term, cutoff=70)
        return f" (did you mean `{found}`?)" if found else ""

    def for_goal(self, goal: str) -> list[str]:
        """Capability ids serving an agency goal."""
        return [c.id for c in self.capabilities.values() if goal in c.goals]

    def areas(self) -> list[str]:
        """Areas, in vocabulary order."""
        return list(dict.fromkeys(c.area for c in self.capabilities.values()))

    def merged(self, other: "Vocabulary") -> "Vocabulary":
        """This vocabulary with the terms of `other` that it lacks."""
        extra = [c for c in other if c.id not in self.capabilities]
        if not extra:
            return self
        origins = {**other.origins, **self.origins}
        return Vocabulary([*self.capabilities.values(), *extra], origins)


def read_vocabulary(path: Path = BUNDLED_VOCABULARY) -> tuple[Vocabulary, list[Problem]]:
    """Read a capabilities.toml; problems are returned, not raised."""
    problems: list[Problem] = []
    name = str(path)
    text, problem = read_text(path, "vocabulary")
    if problem is not None:
        return Vocabulary([]), [problem]
    data, problem = parse_toml(text, name)
    if problem is not None:
        return Vocabulary([]), [problem]
    caps: list[Capability] = []
    seen: set[str] = set()
    entries = data.get("capability", [])
    if not isinstance(entries, list):
        return Vocabulary([]), [Problem(name, 0, "capability", "expected an array of tables [[capability]]")]
    lines = key_lines(text)

    def problem(index: int, field: str, message: str) -> None:
        path = ("capability", index) + ((field,) if field else ())
        problems.append(Problem(name, line_of(lines, path), format_path(path), message))

    def words(index: int, field: str, value, single_line: bool = True) -> bool:
        """True when a text field is a clean string (one line unless it is prose)."""
        if not isinstance(value, str):
            problem(index, field, "expected a string")
            return False
        bad = unsafe_char(value, single_line)
        if bad:
            problem(index, field, bad)
        return not bad

    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problem(index, "", "expected a table")
            continue
        cap_id, label = entry.get("id"), entry.get("label")
        if not isinstance(cap_id, str) or not isinstance(label, str):
            problem(index, "", "`id` and `label` are required strings")
            continue
        if not is_slug(cap_id):
            problem(index, "id", f"`{cap_id}` is not a slug (lowercase letters, digits, dashes)")
            continue
        if cap_id in seen:
            problem(index, "", f"duplicate capability id `{cap_id}`")
            continue
        seen.add(cap_id)
        goals, aliases = entry.get("goals", []), entry.get("aliases", [])
        ok = words(index, "label", label) and label.strip() != ""
        ok = words(index, "description", entry.get("description", ""), single_line=False) and ok
        ok = words(index, "area", entry.get("area", "other")) and ok
        for field, items in (("goals", goals), ("aliases", aliases)):
            if not isinstance(items, list):
                problem(index, field, "expected an array of strings")
                ok = False
                continue
            ok = all([words(index, field, item) for item in items]) and ok
        if not ok:
            continue
        for goal in goals:
            if goal not in GOALS:
                problem(index, "goals", f"unknown goal `{goal}`{did_you_mean(goal, GOALS)}")
        caps.append(
            Capability(
                id=cap_id,
                label=label,
                description=entry.get("description", ""),
                goals=tuple(goals),
                area=entry.get("area", "other"),
                aliases=tuple(aliases),
            )
        )
    return Vocabulary(caps), problems
