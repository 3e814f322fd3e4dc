"""Requirements profiles: what an agency needs, read from TOML or flags, written back to TOML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from catalog.countries import is_location
from catalog.problems import Problem, did_you_mean, format_path, key_lines, line_of, read_text, toml_problem
from catalog.record import record, replace
from catalog.schema import GOV_LEVELS, SECTORS
from catalog.text import unsafe_char
from catalog.vocabulary import GOALS, Vocabulary
from recommender.requirements import KINDS, Context

PROFILE_VERSION = 1
STANCES = ("leader", "supporter", "observer")
CAPACITY = ("none", "low", "medium", "high")
TOP_KEYS = ("schema_version", "title", "description", "goals", "policies", "context", "hard", "soft", "build", "evidence")
CONTEXT_KEYS = ("country", "level", "sectors", "stance", "ops_capacity", "skills", "will_resource", "uses_features")
BUILD_KEYS = ("unique_requirements", "must_control_code")


@record(frozen=True)
class Requirement:
    """One need: a kind with its value, hard (must hold) or soft (weighted preference)."""

    __slots__ = ("kind", "value", "hard", "weight")
    kind: str
    value: Any
    hard: bool
    weight: int

    def __init__(self, kind: str, value: Any, hard: bool = True, weight: int = 1) -> None:
        set_kind, set_value, set_hard, set_weight = self.__record_setters__
        set_kind(self, kind)
        set_value(self, value)
        set_hard(self, hard)
        set_weight(self, weight)

    @property
    def label(self) -> str:
        """The requirement in words."""
        return KINDS[self.kind].describe(self.value)


@record(frozen=True)
class Profile:
    """An agency's requirements, context and build justification."""

    title: str
    description: str
    requirements: tuple[Requirement, ...]
    context: Context  # a new `Context()` when not given
    unique_requirements: tuple[str, ...]
    must_control_code: bool
    goals: tuple[str, ...]  # agency goals; they set the scope when no capability is named
    policies: tuple  # policy packs applied (recommender.policy.Pack)
    evidence: tuple  # evidence the packs ask for: ((id, (row, ...)), ...), rows of (field, text)

    def __init__(
        self, title: str = "", description: str = "", requirements: tuple[Requirement, ...] = (),
        context: Context | None = None, unique_requirements: tuple[str, ...] = (),
        must_control_code: bool = False, goals: tuple[str, ...] = (), policies: tuple = (),
        evidence: tuple = (),
    ) -> None:
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "requirements", requirements)
        object.__setattr__(self, "context", Context() if context is None else context)
        object.__setattr__(self, "unique_requirements", unique_requirements)
        object.__setattr__(self, "must_control_code", must_control_code)
        object.__setattr__(self, "goals", goals)
        object.__setattr__(self, "policies", policies)
        object.__setattr__(self, "evidence", evidence)

    @property
    def hard(self) -> tuple[Requirement, ...]:
        """The requirements that must hold."""
        return tuple(r for r in self.requirements if r.hard)

    @property
    def soft(self) -> tuple[Requirement, ...]:
        """The weighted preferences."""
        return tuple(r for r in self.requirements if not r.hard)

    @property
    def capabilities(self) -> tuple[str, ...]:
        """Every capability asked for, hard or soft."""
        out: list[str] = []
        for r in self.requirements:
            if r.kind == "capabilities":
                out += [c for c in r.value if c not in out]
        return tuple(out)

    def get(self, kind: str) -> Requirement | None:
        """The requirement of a kind, if the profile has one."""
        return next((r for r in self.requirements if r.kind == kind), None)

    def with_requirement(self, requirement: Requirement) -> "Profile":
        """A copy with this requirement added, replacing any of the same kind."""
        kept = tuple(r for r in self.requirements if r.kind != requirement.kind)
        return replace(self, requirements=kept + (requirement,))

    def without(self, kind: str) -> "Profile":
        """A copy without the requirement of this kind."""
        return replace(self, requirements=tuple(r for r in self.requirements if r.kind != kind))

    def effective(self) -> "Profile":
        """The profile as evaluated: hard requirements first, then preferences by weight, so a
        saved profile reads back to the same answer; eligibility is always demanded (a service run for
        others that is open only to some countries, levels or sectors is to verify until the
        agency's context says whether it is one of them)."""
        order = list(KINDS)
        soft = tuple(sorted(self.soft, key=lambda r: (-r.weight, order.index(r.kind))))
        requirements = self.hard + soft
        if self.get("eligible") is None:
            requirements = self.hard + (Requirement("eligible", True, True),) + soft
        return replace(self, requirements=requirements)

    def to_toml_data(self) -> dict:
        """The profile as TOML-ready data; reading it back gives an equal profile."""
        ctx = self.context
        data: dict[str, Any] = {"schema_version": PROFILE_VERSION}
        if self.title:
            data["title"] = self.title
        if self.description:
            data["description"] = self.description
        if self.goals:
            data["goals"] = list(self.goals)
        context = {
            "country": ctx.country,
            "level": ctx.level,
            "sectors": list(ctx.sectors),
            "stance": ctx.stance,
            "ops_capacity": ctx.ops_capacity,
            "skills": list(ctx.skills),
            "will_resource": ctx.will_resource,
            "uses_features": list(ctx.uses_features),
        }
        data["context"] = {k: v for k, v in context.items() if v not in ("", [], None)}
        hard = {r.kind: _plain(r.value) for r in self.hard}
        soft = {
            r.kind: (r.weight if r.value is True else {"value": _plain(r.value), "weight": r.weight})
            for r in self.soft
        }
        if hard:
            data["hard"] = hard
        if soft:
            data["soft"] = soft
        build: dict[str, Any] = {}
        if self.unique_requirements:
            build["unique_requirements"] = list(self.unique_requirements)
        if self.must_control_code:
            build["must_control_code"] = True
        if build:
            data["build"] = build
        if self.policies:
            data["policies"] = [p.ref for p in self.policies]
        if self.evidence:
            data["evidence"] = {eid: [dict(row) for row in rows] for eid, rows in self.evidence}
        return data

    def to_toml(self) -> str:
        """The profile as a TOML document."""
        import tomli_w

        return tomli_w.dumps(self.to_toml_data())


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class ProfileReader:
    """Validates profile data, collecting every problem with file, line and key."""

    def __init__(self, name: str, text: str, vocabulary: Vocabulary):
        self.name, self.text, self.vocabulary = name, text, vocabulary
        self.problems: list[Problem] = []
        self._lines: dict | None = None

    def problem(self, path: tuple, message: str, severity: str = "error") -> None:
        """Record a problem at a key path."""
        if self._lines is None:
            self._lines = key_lines(self.text)
        self.problems.append(Problem(self.name, line_of(self._lines, path), format_path(path), message, severity))

    def read(self, data: dict) -> Profile | None:
        """A Profile, or None when there were errors (see `problems`)."""
        for key in data:
            if key not in TOP_KEYS:
                self.problem((key,), f"unknown key `{key}`{did_you_mean(key, TOP_KEYS)}")
        version = data.get("schema_version", PROFILE_VERSION)
        if version != PROFILE_VERSION:
            self.problem(("schema_version",), f"unsupported schema_version {version!r}; this release reads 1")
        title = self.text_value(data, "title")
        description = self.text_value(data, "description")
        goals = self.read_goals(data.get("goals", []))
        context = self.read_context(data.get("context", {}))
        requirements: list[Requirement] = []
        for section, hard in (("hard", True), ("soft", False)):
            raw = data.get(section, {})
            if not isinstance(raw, dict):
                self.problem((section,), f"expected a table [{section}]")
                continue
            for name, value in raw.items():
                requirement = self.read_requirement(name, value, hard, (section, name))
                if requirement is None:
                    continue
                if any(r.kind == requirement.kind for r in requirements):
                    self.problem((section, name), f"`{name}` is both hard and soft; keep one")
                    continue
                requirements.append(requirement)
        unique, control = self.read_build(data.get("build", {}))
        policies, evidence = self.read_policies(data.get("policies", [])), ()
        if "evidence" in data:
            from recommender.policy import read_evidence

            evidence = read_evidence(data["evidence"], self.problem)
        if any(p.severity == "error" for p in self.problems):
            return None
        return Profile(title, description, tuple(requirements), context, unique, control, goals, policies, evidence)

    def read_policies(self, raw: Any) -> tuple:
        """Policy packs by built-in id or by path (relative to the profile file)."""
        if not raw:
            return ()
        if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
            self.problem(("policies",), "expected an array of policy ids or pack files")
            return ()
        from recommender.policy import load_packs

        packs, problems = load_packs(raw, Path(self.name).parent)
        for p in problems:
            if p.file == "--policy":
                self.problem(("policies",), p.message)
            else:
                self.problems.append(p)
        return packs

    def read_goals(self, raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list) or not all(isinstance(g, str) for g in raw):
            self.problem(("goals",), "expected an array of goals")
            return ()
        bad = [g for g in raw if g not in GOALS]
        for goal in bad:
            self.problem(("goals",), f"unknown goal `{goal}`: use {', '.join(GOALS)}{did_you_mean(goal, GOALS)}")
        return tuple(dict.fromkeys(g for g in raw if g in GOALS))

    def text_value(self, data: dict, key: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.problem((key,), "expected a string")
            return ""
        bad = unsafe_char(value, single_line=key == "title")  # a profile travels: its text is data
        if bad:
            self.problem((key,), bad)
            return ""
        return value

    def read_context(self, raw: Any) -> Context:
        if not isinstance(raw, dict):
            self.problem(("context",), "expected a table [context]")
            return Context()
        for key in raw:
            if key not in CONTEXT_KEYS:
                self.problem(("context", key), f"unknown key `{key}`{did_you_mean(key, CONTEXT_KEYS)}")
        country = raw.get("country", "")
        if country and (not isinstance(country, str) or not is_location(country.upper())):
            self.problem(("context", "country"), f"expected an ISO 3166 alpha-2 country code, found {country!r}")
            country = ""
        values = {}
        for key, choices in (("level", GOV_LEVELS), ("stance", STANCES), ("ops_capacity", CAPACITY)):
            value = raw.get(key, "")
            if value and value not in choices:
                self.problem(
                    ("context", key),
                    f"`{value}` is not one of {', '.join(choices)}{did_you_mean(str(value), choices)}",
                )
                value = ""
            values[key] = value
        lists = {}
        for key in ("skills", "uses_features"):
            items = raw.get(key, [])
            if not isinstance(items, list) or not all(isinstance(s, str) and s.strip() for s in items):
                self.problem(("context", key), "expected an array of strings")
                items = []
            lists[key] = tuple(dict.fromkeys(s.strip() for s in items))
        sectors = raw.get("sectors", [])
        if not isinstance(sectors, list) or not all(isinstance(s, str) for s in sectors):
            self.problem(("context", "sectors"), "expected an array of strings")
            sectors = []
        for value in sectors:
            if value not in SECTORS:
                self.problem(
                    ("context", "sectors"),
                    f"`{value}` is not one of {', '.join(SECTORS)}{did_you_mean(value, SECTORS)}",
                )
        lists["sectors"] = tuple(dict.fromkeys(s for s in sectors if s in SECTORS))
        will_resource = raw.get("will_resource")
        if will_resource is not None and not isinstance(will_resource, bool):
            self.problem(("context", "will_resource"), "expected true or false")
            will_resource = None
        return Context(
            country=country.upper() if isinstance(country, str) else "",
            level=values["level"],
            sectors=lists["sectors"],
            stance=values["stance"] or "supporter",
            ops_capacity=values["ops_capacity"],
            skills=lists["skills"],
            will_resource=will_resource,
            uses_features=lists["uses_features"],
        )

    def read_build(self, raw: Any) -> tuple[tuple[str, ...], bool]:
        if not isinstance(raw, dict):
            self.problem(("build",), "expected a table [build]")
            return (), False
        for key in raw:
            if key not in BUILD_KEYS:
                self.problem(("build", key), f"unknown key `{key}`{did_you_mean(key, BUILD_KEYS)}")
        unique = raw.get("unique_requirements", [])
        if not isinstance(unique, list) or not all(isinstance(u, str) and u.strip() for u in unique):
            self.problem(("build", "unique_requirements"), "expected an array of non-empty strings")
            unique = []
        for index, text in enumerate(unique):
            bad = unsafe_char(text)
            if bad:
                self.problem(("build", "unique_requirements", index), bad)
        unique = [u for u in unique if not unsafe_char(u)]
        control = raw.get("must_control_code", False)
        if not isinstance(control, bool):
            self.problem(("build", "must_control_code"), "expected true or false")
            control = False
        return tuple(u.strip() for u in unique), control

    def read_requirement(self, name: str, raw: Any, hard: bool, path: tuple) -> Requirement | None:
        if name not in KINDS:
            self.problem(path, f"unknown requirement `{name}`{did_you_mean(name, KINDS)}")
            return None
        weight = 1
        value = raw
        if not hard:
            if isinstance(raw, dict):
                extra = set(raw) - {"value", "weight"}
                if extra:
                    self.problem(path, f"a soft requirement takes `value` and `weight`, not {', '.join(sorted(extra))}")
                    return None
                value = raw.get("value", True)
                weight = raw.get("weight", 1)
            elif isinstance(raw, int) and not isinstance(raw, bool):
                value, weight = True, raw
            if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 10:
                self.problem(path, "weight must be a whole number from 1 to 10")
                return None
            if value is True and KINDS[name].value not in ("bool", "list"):
                self.problem(path, f"`{name}` needs a value: {{ value = …, weight = {weight} }}")
                return None
        checked = self.check_value(name, value, path)
        if checked is None:
            return None
        return Requirement(name, checked, hard, weight)

    def check_value(self, name: str, value: Any, path: tuple) -> Any:
        """The requirement's value checked against its kind, or None after a problem."""
        spec = KINDS[name]
        if spec.value == "bool":
            if not isinstance(value, bool):
                self.problem(path, "expected true or false")
                return None
            return value
        if spec.value == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self.problem(path, "expected a whole number")
                return None
            return value
        if spec.value in ("level", "band", "access"):
            value = value.casefold() if isinstance(value, str) else value
            if value not in spec.choices:
                self.problem(path, f"expected one of {', '.join(spec.choices)}{did_you_mean(str(value), spec.choices)}")
                return None
            return value
        # lists; `true` means "any" for the list kinds that allow it
        if value is True and name in ("api", "sso", "provisioning"):
            return True
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(path, "expected a non-empty array of strings")
            return None
        if name == "capabilities":
            return self.capabilities(value, path)
        if name == "certifications":
            from catalog.assurance import SCHEMES, scheme_id

            found = [scheme_id(v) for v in value]
            for raw, got in zip(value, found):
                if got is None:
                    self.problem(path, f"unknown assessment scheme `{raw}`: use one of {', '.join(SCHEMES)}{did_you_mean(raw.casefold(), SCHEMES)}")
                    return None
            return tuple(dict.fromkeys(found))
        if spec.value == "assurance":
            from catalog.assurance import parse_demand

            demands = []
            for item in value:
                found, message = parse_demand(item)
                if found is None:
                    self.problem(path, message)
                    return None
                demands.append(":".join(found))
            return tuple(dict.fromkeys(demands))
        if name == "residency":
            bad = [v for v in value if not is_location(v.upper())]
            if bad:
                self.problem(path, f"not country codes: {', '.join(bad)} (use ISO 3166 alpha-2, EU or EEA)")
                return None
            return tuple(dict.fromkeys(v.upper() for v in value))
        if spec.choices:
            value = [v.strip().casefold() for v in value]  # `OIDC` and `oidc` are one protocol
            bad = [v for v in value if v not in spec.choices]
            if bad:
                self.problem(path, f"`{bad[0]}` is not one of {', '.join(spec.choices)}{did_you_mean(bad[0], spec.choices)}")
                return None
        return tuple(dict.fromkeys(value))

    def capabilities(self, value: list[str], path: tuple) -> tuple[str, ...] | None:
        """Capability names resolved to ids; typos forgiven with a warning, unknowns refused."""
        out: list[str] = []
        ok = True
        for term in value:
            found = self.vocabulary.exact(term)
            if found is None:
                found = self.vocabulary.resolve(term)
                if found is None:
                    self.problem(path, f"unknown capability `{term}`{self.vocabulary.suggestion(term)}")
                    ok = False
                    continue
                self.problem(path, f"read `{term}` as capability `{found}`", "warning")
            out.append(found)
        return tuple(dict.fromkeys(out)) if ok else None


def read_profile(path: Path, vocabulary: Vocabulary, cache: Path | None = None) -> tuple[Profile | None, list[Problem]]:
    """Read a profile file; problems are returned, never raised. `cache`: see `parse_profile`."""
    text, problem = read_text(path, "profile")
    if problem is not None:
        return None, [problem]
    return parse_profile(text, vocabulary, str(path), cache)


def parse_profile(
    text: str, vocabulary: Vocabulary, name: str = "<profile>", cache: Path | None = None
) -> tuple[Profile | None, list[Problem]]:
    """Parse profile TOML text.

    With `cache` (a directory), the TOML as parsed is kept there per profile name and used again
    while the text is the same, character for character: a run with an unchanged profile does
    not load the TOML parser (a third of the start-up left above Typer's own). Only valid TOML
    is kept; the profile itself is checked again every time.
    """
    data = _cached_toml(cache, name, text) if cache is not None else None
    if data is None:
        from catalog.limits import parse_toml

        data, problem = parse_toml(text, name)
        if problem is not None:
            return None, [problem]
        if cache is not None:
            _keep_toml(cache, name, text, data)
    reader = ProfileReader(name, text, vocabulary)
    profile = reader.read(data)
    return profile, sorted(reader.problems)


def parse_flag_value(name: str, text: str, vocabulary: Vocabulary, where: str) -> tuple[Any, list[Problem]]:
    """A requirement value typed on the command line: `true`, `AU,NZ`, `medium`, `12`."""
    if name not in KINDS:
        return None, [Problem(where, 0, name, f"unknown requirement `{name}`{did_you_mean(name, KINDS)}")]
    spec = KINDS[name]
    lowered = text.strip().casefold()
    value: Any
    if spec.value == "bool" or (lowered in ("true", "yes", "any") and name in ("api", "sso", "provisioning")):
        if lowered in ("", "true", "yes", "1", "any"):
            value = True
        elif lowered in ("false", "no", "0"):
            value = False
        else:
            return None, [Problem(where, 0, name, f"expected true or false, found {text!r}")]
        if spec.value != "bool":
            value = True
    elif spec.value == "int":
        if not text.strip().isdigit():
            return None, [Problem(where, 0, name, f"expected a whole number, found {text!r}")]
        value = int(text)
    elif spec.value in ("level", "band", "access"):
        value = text.strip()
    else:
        value = [part.strip() for part in text.split(",") if part.strip()]
    reader = ProfileReader(where, "", vocabulary)
    checked = reader.check_value(name, value, (name,))
    return checked, reader.problems


PARSED_FORMAT = 1  # of the parsed profiles kept by `parse_profile`


def _pickler():
    try:  # the C pickler alone (importing `pickle` itself costs more than parsing the profile)
        import _pickle as pickle
    except ImportError:
        import pickle
    return pickle


def _parsed_file(cache: Path, name: str) -> Path:
    import zlib

    # Not `.pickle`: the parse cache's own clean-up removes pickles of layouts it does not know.
    return cache / f"profile-{zlib.crc32(name.encode('utf-8', 'surrogateescape')):08x}.parsed"


def _cached_toml(cache: Path, name: str, text: str) -> dict | None:
    """The parsed TOML kept for profile `name` when it was parsed from this same text, else None
    (no entry, another text, or an entry that is damaged or not this program's)."""
    try:
        found = _pickler().loads(_parsed_file(cache, name).read_bytes())
    except Exception:  # noqa: BLE001 - a missing, damaged or foreign file is only not used
        return None
    if type(found) is tuple and len(found) == 4 and found[:3] == (PARSED_FORMAT, name, text) and type(found[3]) is dict:
        return found[3]
    return None


def _keep_toml(cache: Path, name: str, text: str, data: dict) -> None:
    """Keep the parsed TOML for the next run (a cache that cannot be written is only slower)."""
    from catalog.files import write_atomic_bytes

    try:
        cache.mkdir(parents=True, exist_ok=True)
        blob = _pickler().dumps((PARSED_FORMAT, name, text, data), protocol=5)
        write_atomic_bytes(_parsed_file(cache, name), blob, overwrite=True, durable=False)
    except Exception:  # noqa: BLE001 - OSError, or a value pickle cannot write
        pass
