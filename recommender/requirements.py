"""Requirement kinds: each reads catalogue facts and yields pass, fail or unknown.

A fact the catalogue does not state yields *unknown*, never a pass. Each verdict carries
the fact it was decided on, in words, and the sources behind that fact.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from catalog import assurance
from catalog.countries import members
from catalog.licences import is_open_source
from catalog.model import Fact, Option, Source, Tool
from catalog.record import record
from catalog.schema import (
    ACCESSIBILITY,
    API_KINDS,
    COST_BANDS,
    COST_MODELS,
    LEVELS3,
    PROVISIONING,
    SSO_PROTOCOLS,
)

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@record(frozen=True)
class Context:
    """Who is asking: the agency's country, level, functions (sectors), ICT stance, capacity and
    skills, the features it will use, whether it will fund what an option needs, and the decision date."""

    country: str
    level: str
    stance: str
    ops_capacity: str
    skills: tuple[str, ...]
    today: date | None  # the decision date (`--as-of`); None means the day it runs
    # Whether the agency will add the capacity or skills an option needs: True (options that
    # fit if resourced rank with those that fit), False (it cannot: they rank last), None (unsaid).
    will_resource: bool | None
    uses_features: tuple[str, ...]  # sub-features the agency will use (residency exceptions)
    sectors: tuple[str, ...]  # the agency's functions of government (COFOG divisions)

    def __init__(
        self, country: str = "", level: str = "", stance: str = "supporter", ops_capacity: str = "",
        skills: tuple[str, ...] = (), today: date | None = None, will_resource: bool | None = None,
        uses_features: tuple[str, ...] = (), sectors: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "stance", stance)
        object.__setattr__(self, "ops_capacity", ops_capacity)
        object.__setattr__(self, "skills", skills)
        object.__setattr__(self, "today", today)
        object.__setattr__(self, "will_resource", will_resource)
        object.__setattr__(self, "uses_features", uses_features)
        object.__setattr__(self, "sectors", sectors)

    @property
    def decision_date(self) -> date:
        """The date options are judged on: `today` when set, else the day it runs."""
        return self.today or date.today()

    def uses(self, feature: str) -> bool:
        """Whether the agency said it will use this feature (case and spacing aside)."""
        wanted = " ".join(feature.casefold().split())
        return any(" ".join(f.casefold().split()) == wanted for f in self.uses_features)


@record(frozen=True)
class Outcome:
    """What a requirement found on one option."""

    __slots__ = ("result", "fact", "sources")
    result: str
    fact: str
    sources: tuple[Source, ...]

    def __init__(self, result: str, fact: str, sources: tuple[Source, ...] = ()) -> None:
        set_result, set_fact, set_sources = self.__record_setters__
        set_result(self, result)
        set_fact(self, fact)
        set_sources(self, sources)


Evaluate = Callable[[Any, Tool, Option, Context], Outcome]


@record(frozen=True)
class Kind:
    """A kind of requirement: the value it takes, the risk it speaks to, and its check."""

    name: str
    label: str
    dimension: str  # capability, data_control, platform_control, system_integration, resourcing, assurance, cost, reuse
    value: str  # bool, int, level, band, list, enum-list, access
    doc: str
    evaluate: Evaluate
    choices: tuple[str, ...]
    template: str  # how to say it with its value, e.g. "used by at least {} agencies"
    any_label: str  # how to say it when any value will do (`true`), e.g. "any API"

    def __init__(
        self, name: str, label: str, dimension: str, value: str, doc: str, evaluate: Evaluate,
        choices: tuple[str, ...] = (), template: str = "", any_label: str = "",
    ) -> None:
        self.__dict__.update(  # frozen: filled as unpickling fills it
            name=name, label=label, dimension=dimension, value=value, doc=doc, evaluate=evaluate,
            choices=choices, template=template, any_label=any_label,
        )

    def describe(self, value: Any) -> str:
        """The requirement with its value, in words: `data residency: AU, NZ`."""
        if self.template:
            return self.template.format(value)
        if value is True and self.any_label:
            return self.any_label
        if self.value == "bool":
            return self.label if value else f"not: {self.label}"
        if self.value == "assurance":
            return f"{self.label}: " + " or ".join(
                f"{assurance.describe(*d.split(':'))} or higher" if ":" in d else assurance.describe(d) for d in value
            )
        if isinstance(value, (list, tuple)):
            return f"{self.label}: {', '.join(map(str, value))}"
        return f"{self.label}: {value}"


KINDS: dict[str, Kind] = {}


def kind(name: str, label: str, dimension: str, value: str, doc: str, choices: tuple[str, ...] = (), template: str = "", any_label: str = ""):
    """Register a requirement kind (decorator on its evaluate function)."""

    def register(fn: Evaluate) -> Evaluate:
        KINDS[name] = Kind(name, label, dimension, value, doc, fn, choices, template, any_label)
        return fn

    return register


# -- helpers --------------------------------------------------------------------------
def _unknown(what: str) -> Outcome:
    return Outcome(UNKNOWN, f"{what}: not stated in the catalogue", ())


def _words(values) -> str:
    return ", ".join(str(v) for v in values) if values else "none"


def _bool_fact(key: str, want: bool, yes: str, no: str, option: Option, tool: Tool) -> Outcome:
    fact = option.fact(key)
    if fact is None:
        return _unknown(yes)
    stated = yes if fact.value else no
    return Outcome(PASS if fact.value == want else FAIL, stated + _conflict(fact), fact.sources)


def _conflict(fact: Fact) -> str:
    """Words naming disagreeing claims from other catalogues, when there are any."""
    if not fact.conflicts:
        return ""
    others = "; ".join(f"{_show(v)} per {origin}" for v, origin in fact.conflicts)
    return f" (per {fact.origin}; CONFLICT: {others})"


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return _words(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _at_most(key: str, limit: str, order: tuple[str, ...], what: str, option: Option, tool: Tool) -> Outcome:
    fact = option.fact(key)
    if fact is None:
        return _unknown(what)
    ok = order.index(fact.value) <= order.index(limit)
    return Outcome(PASS if ok else FAIL, f"{what}: {fact.value}{_conflict(fact)}", fact.sources)


def _any_of(key: str, wanted, what: str, option: Option, tool: Tool) -> Outcome:
    """Pass when the option states at least one wanted value; `True` wants any value at all."""
    fact = option.fact(key)
    if fact is None:
        return _unknown(what)
    have = tuple(fact.value)
    if wanted is True:
        ok = bool(have)
    else:
        wanted_set = {str(w).casefold() for w in wanted}
        ok = any(str(h).casefold() in wanted_set for h in have)
    return Outcome(PASS if ok else FAIL, f"{what}: {_words(have)}{_conflict(fact)}", fact.sources)


# -- capability ---------------------------------------------------------------------------
@kind("capabilities", "capabilities", "capability", "list", "Every listed capability (ids from the vocabulary).")
def _capabilities(value, tool: Tool, option: Option, ctx: Context) -> Outcome:
    missing = [c for c in value if c not in tool.capabilities]
    fact = f"offers {_words(tool.capabilities)}"
    if missing:
        fact += f"; lacks {_words(missing)}"
    source = (Source("homepage", tool.homepage, "Home page"),)
    return Outcome(FAIL if missing else PASS, fact, source)


# -- data control ---------------------------------------------------------------------------
@kind("full_export", "full data export", "data_control", "bool", "The agency can export a full copy of its data.")
def _full_export(value, tool, option, ctx) -> Outcome:
    fact = option.fact("data.full_export")
    if fact is None:
        return _unknown("full export")
    formats = option.value("data.export_formats", ())
    text = "full export" + (f" ({_words(formats)})" if formats else "") if fact.value else "no full export"
    paid = option.fact("data.full_export_paid")
    if fact.value and paid is not None and paid.value:
        text += ", only through a separately paid product"
    return Outcome(PASS if fact.value == bool(value) else FAIL, text + _conflict(fact), fact.sources)


@kind("export_formats", "export formats", "data_control", "list", "Full export in at least one of these formats.")
def _export_formats(value, tool, option, ctx) -> Outcome:
    return _any_of("data.export_formats", value, "export formats", option, tool)


@kind(
    "residency",
    "data residency",
    "data_control",
    "list",
    "Data stored only in these countries or regions (ISO codes, EU, EEA). Self-hosted options pass: "
    "the agency chooses where they run.",
)
def _residency(value, tool, option, ctx) -> Outcome:
    allowed: set[str] = set()
    for code in value:
        allowed |= members(code)
    if option.deployment == "self-hosted":
        return Outcome(PASS, "self-hosted: the agency chooses where data is stored", ())
    fact = option.fact("data.residency")
    if fact is None:
        return _unknown("data residency")
    places = tuple(fact.value)
    selectable = option.value("data.residency_selectable", False)

    def inside(place: str) -> bool | None:
        covered = members(place)
        if covered <= allowed:
            return True
        if covered & allowed:
            return None  # a region that only partly overlaps: which country is not stated
        return False

    checks = [inside(p) for p in places]
    if selectable:
        result = PASS if any(c is True for c in checks) else (UNKNOWN if None in checks else FAIL)
        text = f"stored in one chosen location of {_words(places)}"
    else:
        result = PASS if all(c is True for c in checks) else (FAIL if False in checks else UNKNOWN)
        text = f"stored in {_words(places)}"
    sources = fact.sources
    exceptions = option.fact("data.residency_exceptions")
    if exceptions is not None:
        outside = [(c, f) for c, f in exceptions.value if not members(c) <= allowed]
        used = [(c, f) for c, f in outside if ctx.uses(f)]
        if used:
            text += "; but " + "; ".join(f"{feature} (used by the agency) stores data in {country}" for country, feature in used)
            if result == PASS:
                result = FAIL
        unused = [(c, f) for c, f in outside if (c, f) not in used]
        if unused:
            text += "; except " + "; ".join(f"{feature}, which stores data in {country} (a risk if used)" for country, feature in unused)
        if outside:
            sources = sources + exceptions.sources
    return Outcome(result, text + _conflict(fact), sources)


@kind("self_hosted", "self-hosted by the agency", "data_control", "bool", "The agency runs it on infrastructure it controls.")
def _self_hosted(value, tool, option, ctx) -> Outcome:
    hosted = option.deployment == "self-hosted"
    text = "self-hosted by the agency" if hosted else f"hosted by {option.provider or 'the provider'}"
    return Outcome(PASS if hosted == bool(value) else FAIL, text, ())


@kind("data_owner", "the agency owns the data", "data_control", "bool", "Terms leave ownership of the data with the agency.")
def _data_owner(value, tool, option, ctx) -> Outcome:
    fact = option.fact("data.owner")
    if fact is None:
        if option.deployment == "self-hosted":
            return Outcome(PASS, "self-hosted: data stays on the agency's systems", ())
        return _unknown("data ownership")
    ok = (fact.value == "agency") == bool(value)
    return Outcome(PASS if ok else FAIL, f"data owned by: {fact.value}{_conflict(fact)}", fact.sources)


@kind("no_third_party", "no data sent to third parties by default", "data_control", "bool", "The tool does not send data to a third party by default.")
def _no_third_party(value, tool, option, ctx) -> Outcome:
    fact = option.fact("data.third_party_default")
    if fact is None:
        return _unknown("third-party data sharing by default")
    text = "sends data to a third party by default" if fact.value else "sends no data to third parties by default"
    ok = (not fact.value) == bool(value)
    return Outcome(PASS if ok else FAIL, text + _conflict(fact), fact.sources)


@kind("retention_months", "raw data kept at least (months)", "data_control", "int", "Raw data kept at least this many months.", template="raw data kept at least {} months")
def _retention(value, tool, option, ctx) -> Outcome:
    fact = option.fact("data.retention_months")
    if fact is None:
        if option.deployment == "self-hosted":
            return Outcome(PASS, "self-hosted: the agency sets retention", ())
        return _unknown("raw data retention")
    if fact.value == "unlimited":
        return Outcome(PASS, "raw data kept without a time limit" + _conflict(fact), fact.sources)
    ok = fact.value >= int(value)
    return Outcome(PASS if ok else FAIL, f"raw data kept {fact.value} months{_conflict(fact)}", fact.sources)


# -- platform control ------------------------------------------------------------------------
@kind("open_source", "open-source licence", "platform_control", "bool", "The software is under an OSI-approved licence.")
def _open_source(value, tool, option, ctx) -> Outcome:
    fact = option.fact("lock_in.licence")
    if fact is None:
        return _unknown("licence")
    open_ = is_open_source(fact.value)
    text = f"licence {fact.value}" + (" (open source)" if open_ else " (not open source)")
    return Outcome(PASS if open_ == bool(value) else FAIL, text + _conflict(fact), fact.sources)


@kind("open_standards", "open standards", "platform_control", "bool", "It speaks at least one open standard or format.")
def _open_standards(value, tool, option, ctx) -> Outcome:
    return _any_of("lock_in.open_standards", True, "open standards", option, tool)


@kind("independent_providers", "independent providers", "platform_control", "bool", "Other providers can host or support it.")
def _independent(value, tool, option, ctx) -> Outcome:
    return _bool_fact(
        "lock_in.independent_providers",
        bool(value),
        "other providers can host or support it",
        "no independent providers",
        option,
        tool,
    )


@kind("max_exit_cost", "exit cost at most", "platform_control", "level", "Exit cost no higher than this.", LEVELS3)
def _exit_cost(value, tool, option, ctx) -> Outcome:
    return _at_most("lock_in.exit_cost", value, LEVELS3, "exit cost", option, tool)


@kind("maintained", "actively maintained", "platform_control", "bool", "Not announced as retiring or unmaintained.")
def _maintained(value, tool, option, ctx) -> Outcome:
    fact = option.fact("maintenance.status")
    if fact is None:
        return _unknown("maintenance status")
    ends = option.value("maintenance.ends")
    ok = fact.value in ("active", "community")
    text = f"maintenance: {fact.value}" + (f", ends {ends}" if ends else "")
    return Outcome(PASS if ok == bool(value) else FAIL, text + _conflict(fact), fact.sources)


# -- system integration -----------------------------------------------------------------------
@kind("api", "API", "system_integration", "list", "An API of one of these kinds (rest, graphql, soap, other); `true` for any.", API_KINDS, any_label="any API")
def _api(value, tool, option, ctx) -> Outcome:
    outcome = _any_of("integration.api", value, "API", option, tool)
    plan = option.value("integration.api_plan")
    if plan and outcome.result == PASS:
        return Outcome(PASS, f"{outcome.fact} ({plan})", outcome.sources)
    return outcome


@kind("webhooks", "webhooks or callbacks", "system_integration", "bool", "It calls out on events (webhooks or callbacks).")
def _webhooks(value, tool, option, ctx) -> Outcome:
    return _bool_fact("integration.webhooks", bool(value), "webhooks or callbacks", "no webhooks", option, tool)


@kind("sso", "single sign-on", "system_integration", "list", "SSO by one of these protocols (saml, oidc, ldap, oauth2; any case); `true` for any.", SSO_PROTOCOLS, any_label="single sign-on (any protocol)")
def _sso(value, tool, option, ctx) -> Outcome:
    return _any_of("integration.sso", value, "SSO", option, tool)


@kind("provisioning", "user provisioning", "system_integration", "list", "User provisioning by one of these (scim, ldap, api); `true` for any.", PROVISIONING, any_label="user provisioning (any method)")
def _provisioning(value, tool, option, ctx) -> Outcome:
    return _any_of("integration.provisioning", value, "provisioning", option, tool)


# -- resourcing -------------------------------------------------------------------------------
@kind("max_ops_effort", "ops effort at most", "resourcing", "level", "Effort to run it no higher than this.", LEVELS3)
def _ops_effort(value, tool, option, ctx) -> Outcome:
    return _at_most("resourcing.ops_effort", value, LEVELS3, "ops effort", option, tool)


@kind("skills", "skills the agency has", "resourcing", "bool", "Every skill it needs is among the agency's skills (context.skills).")
def _skills(value, tool, option, ctx) -> Outcome:
    fact = option.fact("resourcing.skills")
    if fact is None:
        if option.deployment == "hosted":
            return Outcome(PASS, "hosted: no operating skills needed", ())
        return _unknown("skills needed")
    have = {s.casefold() for s in ctx.skills}
    missing = [s for s in fact.value if s.casefold() not in have]
    text = f"needs {_words(fact.value)}" + (f"; agency lacks {_words(missing)}" if missing else "")
    return Outcome(FAIL if missing else PASS, text + _conflict(fact), fact.sources)


# -- assurance --------------------------------------------------------------------------------
@kind("certifications", "security certification", "assurance", "list", "Holds at least one of these certifications (e.g. iso27001, irap).")
def _certifications(value, tool, option, ctx) -> Outcome:
    if option.deployment == "self-hosted" and option.fact("assurance.certifications") is None:
        return Outcome(UNKNOWN, "self-hosted: certification depends on the agency's own hosting", ())
    return _any_of("assurance.certifications", value, "certifications", option, tool)


def _wcag_rank(level: str) -> tuple[str, int]:
    version, grade = level.removeprefix("wcag").split("-")
    return version, len(grade)


@kind("accessibility", "accessibility conformance", "assurance", "access", "Conforms to at least this WCAG level, e.g. wcag2.1-aa.", ACCESSIBILITY)
def _accessibility(value, tool, option, ctx) -> Outcome:
    fact = option.fact("assurance.accessibility")
    if fact is None:
        return _unknown("accessibility conformance")
    have_v, have_g = _wcag_rank(fact.value)
    want_v, want_g = _wcag_rank(value)
    ok = have_v >= want_v and have_g >= want_g
    return Outcome(PASS if ok else FAIL, f"conformance claimed: {fact.value}{_conflict(fact)}", fact.sources)


@kind("archiving", "records keeping / archiving", "assurance", "bool", "Supports records-keeping or archival capture and export.")
def _archiving(value, tool, option, ctx) -> Outcome:
    return _bool_fact("assurance.archiving", bool(value), "supports archiving", "no archiving support", option, tool)


@kind(
    "assurance",
    "security assessment",
    "assurance",
    "assurance",
    "Assessed under one of these schemes to at least the level: `scheme:level`, e.g. `irap:protected`, "
    "`fedramp:moderate`, `cyber-essentials:plus`, `iso27001`, `soc2:type2`. Only an assessment of the "
    "service counts: one of its hosting infrastructure alone reads as unknown. Self-hosted options pass: "
    "the agency assesses and accredits its own deployment (which needs high ops capacity).",
)
def _assurance(value, tool, option, ctx) -> Outcome:
    demands = []
    for demand in value:
        scheme, _, level = demand.partition(":")
        demands.append((scheme, level or assurance.SCHEMES[scheme].levels[0]))
    if option.deployment == "self-hosted":
        return Outcome(PASS, "self-hosted: the agency assesses and accredits its own deployment", ())
    fact = option.fact("assurance.assessments")
    held = fact.value if fact is not None else ()
    certified = option.fact("assurance.certifications")
    results: list[tuple[str, str, tuple]] = []
    for scheme, level in demands:
        want = assurance.level_rank(scheme, level)
        service = [a for a in held if a.scheme == scheme and a.scope == "service"]
        best = max(service, key=lambda a: assurance.level_rank(scheme, a.level), default=None)
        hosting = [a for a in held if a.scheme == scheme and a.scope == "infrastructure"]
        sources = fact.sources if fact is not None else ()
        if best is not None and assurance.level_rank(scheme, best.level) >= want:
            results.append((PASS, f"assessed: {assurance.describe(scheme, best.level)} (the service)", sources))
        elif best is not None:
            results.append((FAIL, f"assessed only to {assurance.describe(scheme, best.level)}", sources))
        elif hosting:
            top = max(hosting, key=lambda a: assurance.level_rank(scheme, a.level))
            results.append((UNKNOWN, f"only its hosting is assessed ({assurance.describe(scheme, top.level)}); the service itself: not stated", sources))
        elif certified is not None and scheme in certified.value:
            results.append((UNKNOWN, f"{assurance.describe(scheme)}: level and scope not stated", certified.sources))
        elif fact is not None and not held:
            results.append((FAIL, "no security assessment", fact.sources))
        else:
            results.append((UNKNOWN, f"{assurance.describe(scheme)} assessment: not stated in the catalogue", ()))
    for wanted in (PASS, UNKNOWN, FAIL):
        found = [r for r in results if r[0] == wanted]
        if found:
            result, text, sources = found[0]
            return Outcome(result, text, sources)
    return _unknown("security assessment")


@kind("retention_controls", "retention controls", "assurance", "bool", "The agency can set retention periods and dispose of records under them (records keeping).")
def _retention_controls(value, tool, option, ctx) -> Outcome:
    return _bool_fact("records.retention_controls", bool(value), "retention controls", "no retention controls", option, tool)


@kind("legal_hold", "legal hold", "assurance", "bool", "Records can be placed on legal hold.")
def _legal_hold(value, tool, option, ctx) -> Outcome:
    return _bool_fact("records.legal_hold", bool(value), "legal hold", "no legal hold", option, tool)


@kind("archival_export", "archival export", "assurance", "bool", "Records can be exported for archiving (formats stated in `records.archival_formats`, or archival support).")
def _archival_export(value, tool, option, ctx) -> Outcome:
    formats = option.fact("records.archival_formats")
    if formats is not None:
        ok = bool(formats.value)
        text = f"archival export ({_words(formats.value)})" if ok else "no archival export"
        return Outcome(PASS if ok == bool(value) else FAIL, text + _conflict(formats), formats.sources)
    return _bool_fact("assurance.archiving", bool(value), "supports archiving", "no archiving support", option, tool)


@kind("open_data", "publishes open data", "data_control", "bool", "It can publish data or results as open data (machine-readable, openly licensed).")
def _open_data(value, tool, option, ctx) -> Outcome:
    return _bool_fact("data.open_data", bool(value), "publishes open data", "does not publish open data", option, tool)


# -- cost -------------------------------------------------------------------------------------
@kind("cost_models", "cost model", "cost", "list", "Charging model is one of these.", COST_MODELS)
def _cost_models(value, tool, option, ctx) -> Outcome:
    fact = option.fact("cost.model")
    if fact is None:
        return _unknown("cost model")
    ok = fact.value in value
    return Outcome(PASS if ok else FAIL, f"cost model: {fact.value}{_conflict(fact)}", fact.sources)


@kind("max_cost_band", "cost at most", "cost", "band", "Indicative cost no higher than this band.", COST_BANDS)
def _cost_band(value, tool, option, ctx) -> Outcome:
    return _at_most("cost.band", value, COST_BANDS, "cost band", option, tool)


# -- eligibility and reuse ----------------------------------------------------------------------
@kind("eligible", "open to this agency (country, level, sector)", "resourcing", "bool", "A service run for others is open to the agency's country, level and sector (context).")
def _eligible(value, tool, option, ctx) -> Outcome:
    countries = option.fact("eligibility.countries")
    levels = option.fact("eligibility.levels")
    sectors = option.fact("eligibility.sectors")
    if countries is None and levels is None and sectors is None:
        if option.origin == "cross-agency" and option.deployment == "hosted":
            return _unknown("who may use this service")
        return Outcome(PASS, "open to any buyer or user", ())
    parts, result, sources = [], PASS, ()
    if countries is not None:
        parts.append(f"for agencies in {_words(countries.value)}")
        sources += countries.sources
        if not ctx.country:
            result = UNKNOWN
        elif not any(ctx.country in members(c) for c in countries.value):
            result = FAIL
    if levels is not None:
        parts.append(f"levels {_words(levels.value)}")
        sources += tuple(s for s in levels.sources if s not in sources)
        if result != FAIL:
            if not ctx.level:
                result = UNKNOWN
            elif ctx.level not in levels.value:
                result = FAIL
    if sectors is not None:
        parts.append(f"sectors {_words(sectors.value)}")
        sources += tuple(s for s in sectors.sources if s not in sources)
        if result != FAIL:
            if not ctx.sectors:
                parts[-1] += " (the agency's sector is not stated)"
                result = UNKNOWN
            elif not set(ctx.sectors) & set(sectors.value):
                result = FAIL
    return Outcome(result if value else (FAIL if result == PASS else PASS), "; ".join(parts), sources)


@kind("min_agencies", "used by at least N agencies", "reuse", "int", "Reuse evidence: agencies known to use this option.", template="used by at least {} agencies")
def _min_agencies(value, tool, option, ctx) -> Outcome:
    fact = option.fact("reuse.used_by")
    if fact is None:
        return _unknown("agencies using it")
    count = len(fact.value)
    ok = count >= int(value)
    return Outcome(PASS if ok else FAIL, f"used by {count}: {_words(fact.value[:3])}{'…' if count > 3 else ''}", fact.sources)


@kind("reviewed_within_months", "catalogue entry reviewed within (months)", "reuse", "int", "The entry's facts were reviewed recently.", template="catalogue entry reviewed within {} months")
def _reviewed(value, tool, option, ctx) -> Outcome:
    today = ctx.today or date.today()
    age = (today.year - tool.last_reviewed.year) * 12 + today.month - tool.last_reviewed.month
    ok = age <= int(value)
    return Outcome(PASS if ok else FAIL, f"last reviewed {tool.last_reviewed}", ())
