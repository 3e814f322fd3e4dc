"""The four risks an ICT team weighs for any option, each low/medium/high with a reason."""

from __future__ import annotations

from datetime import timedelta

from catalog.countries import members
from catalog.licences import is_open_source
from catalog.model import Option, Tool
from catalog.record import record
from catalog.schema import RISKS
from recommender.requirements import Context

LEVELS = ("low", "medium", "high")
RISK_WORDS = {
    "resourcing": "resourcing",
    "data_control": "data-control",
    "platform_control": "platform-control",
    "system_integration": "system-integration",
}
ENDING_SOON = timedelta(days=365)
RISK_DEMANDS = ("api", "webhooks", "sso", "residency")  # the requirement kinds risks read  # an end date within this is a platform-control risk


def _sentence(text: str) -> str:
    """Text without its closing full stop, to join with others by `; `."""
    return text.rstrip().rstrip(".")


@record(frozen=True)
class Risk:
    """One risk of one option."""

    __slots__ = ("level", "reason")
    level: str
    reason: str

    def __init__(self, level: str, reason: str) -> None:
        set_level, set_reason = self.__record_setters__
        set_level(self, level)
        set_reason(self, reason)


class _Finding:
    """Collects (level, reason) notes and keeps the worst, first-said on ties."""

    def __init__(self) -> None:
        self.notes: list[tuple[int, str]] = []

    def add(self, level: str, reason: str) -> None:
        self.notes.append((LEVELS.index(level), reason))

    def risk(self, fallback: str) -> Risk:
        if not self.notes:
            return Risk("low", fallback)
        worst = max(level for level, _ in self.notes)
        reasons = [_sentence(reason) for level, reason in self.notes if level == worst]
        return Risk(LEVELS[worst], "; ".join(reasons))


def assess(tool: Tool, option: Option, ctx: Context, demanded) -> dict[str, Risk]:
    """The four risks of an option for this agency. `demanded`: the requirement kinds in the
    profile (a mapping of kind to the value demanded, or a set of kinds)."""
    if not isinstance(demanded, dict):
        demanded = {kind: True for kind in demanded}
    risks = {
        "resourcing": _resourcing(option, ctx),
        "data_control": _data_control(option, demanded, ctx),
        "platform_control": _platform_control(option, ctx),
        "system_integration": _integration(option, demanded),
    }
    for caveat in option.caveats:
        current = risks[caveat.risk]
        if current.level == "low":
            risks[caveat.risk] = Risk("medium", _sentence(caveat.text))
        else:
            risks[caveat.risk] = Risk(current.level, f"{_sentence(current.reason)}; {_sentence(caveat.text)}")
    return {name: risks[name] for name in RISKS}


def _resourcing(option: Option, ctx: Context) -> Risk:
    f = _Finding()
    effort = option.value("resourcing.ops_effort")
    capacity = ctx.ops_capacity
    if option.deployment == "self-hosted":
        if ctx.stance == "observer":
            f.add("high", "self-hosted, but under the Observer stance ICT does not run services")
        if effort is None:
            f.add("medium", "self-hosted; ops effort not stated")
        elif effort == "high" or (effort == "medium" and capacity in ("none", "low")):
            # High effort is a high risk unless the agency says it has high capacity to match.
            level = "medium" if effort == "high" and capacity == "high" else "high"
            f.add(level, f"{effort} ops effort against {capacity or 'unstated'} ops capacity")
        elif effort == "medium":
            f.add("medium", "medium ops effort: the agency runs, patches and backs it up")
        needed = option.value("resourcing.skills", ())
        have = {s.casefold() for s in ctx.skills}
        missing = [s for s in needed if s.casefold() not in have]
        if missing:
            f.add("medium", f"needs skills the agency has not listed: {', '.join(missing)}")
    else:
        if effort in ("medium", "high"):
            f.add(effort, f"{effort} effort to administer the hosted service")
        if option.origin == "commercial":
            return f.risk(f"hosted by {option.provider or 'the vendor'}: the agency manages a contract, not servers")
        return f.risk(f"run by {option.provider or 'another agency'}: the agency manages accounts and use")
    return f.risk(f"{effort or 'low'} ops effort within the agency's capacity")


def _data_control(option: Option, demanded: dict, ctx: Context) -> Risk:
    f = _Finding()
    export = option.value("data.full_export")
    if export is False:
        f.add("high", "no full export of the agency's data")
    elif export is None:
        f.add("medium", "full export not stated")
    if option.value("data.full_export_paid"):
        f.add("high", "full data leaves only through a separately paid product")
    retention = option.value("data.retention_months")
    if isinstance(retention, int):
        f.add("high", f"raw data kept only {retention} months")
    if option.value("data.third_party_default"):
        f.add("high", "sends data to a third party by default")
    owner = option.value("data.owner")
    if owner == "vendor":
        f.add("high", "the vendor's terms give it ownership of the data")
    required = demanded.get("residency")
    allowed: set[str] = set()
    for code in required if isinstance(required, (list, tuple)) else ():
        allowed |= members(code)
    for country, feature in option.value("data.residency_exceptions", ()):
        if allowed and not members(country) <= allowed:
            # Outside the required residency: HIGH, unless the agency will not use the feature
            # (then it is a trap to keep closed, and a hard requirement fails if it is used).
            f.add("high", f"{feature} stores data in {country}, outside the required {', '.join(required)}")
        else:
            f.add("medium", f"{feature} stores data in {country}")
    if option.deployment == "hosted":
        places = option.value("data.residency")
        where = f" in {', '.join(places)}" if places else ", location not stated"
        f.add("medium", f"data held by {option.provider or 'the provider'}{where}")
    formats = option.value("data.export_formats", ())
    fallback = "self-hosted: data stays on the agency's systems" + (
        ("; full export" + (f" ({', '.join(formats)})" if formats else "")) if export else ""
    )
    return f.risk(fallback)


def _platform_control(option: Option, ctx: Context) -> Risk:
    f = _Finding()
    ends = option.value("maintenance.ends")
    today = ctx.decision_date
    if ends is not None and today < ends <= today + ENDING_SOON:
        f.add("high", f"ends {ends}, within a year of the decision date: plan the exit now")
    licence = option.value("lock_in.licence")
    providers = option.value("lock_in.independent_providers")
    exit_cost = option.value("lock_in.exit_cost")
    status = option.value("maintenance.status")
    if status in ("retiring", "unmaintained"):
        f.add("high", f"{status}" + (f", ends {ends}" if ends else ""))
    if exit_cost == "high":
        f.add("high", "high exit cost")
    if licence is None:
        f.add("medium", "licence not stated")
    elif not is_open_source(licence):
        if exit_cost == "low":
            f.add("medium", f"proprietary ({licence}), but exit cost is low")
        else:
            f.add("high", f"proprietary ({licence}): features and terms are the vendor's to change")
    elif providers is False:
        f.add("medium", f"open source ({licence}) but no independent providers")
    elif providers is None and option.deployment == "hosted":
        f.add("medium", f"open source ({licence}); independent providers not stated")
    if exit_cost == "medium":
        f.add("medium", "medium exit cost")
    return f.risk(f"open source ({licence})" + (", other providers available" if providers else ""))


def _integration(option: Option, demanded: dict) -> Risk:
    f = _Finding()
    api = option.value("integration.api")
    if api is None:
        f.add("high" if "api" in demanded else "medium", "no API stated")
    elif not api:
        f.add("high", "no API")
    webhooks = option.value("integration.webhooks")
    if "webhooks" in demanded and webhooks is not True:
        f.add("high" if webhooks is False else "medium", "no webhooks" if webhooks is False else "webhooks not stated")
    sso = option.value("integration.sso")
    if "sso" in demanded and not sso:
        f.add("high" if sso is not None else "medium", "no SSO" if sso is not None else "SSO not stated")
    plan = option.value("integration.api_plan")
    if plan:
        f.add("medium", f"API restricted: {plan}")
    parts = [f"API ({', '.join(api)})"] if api else []
    if webhooks:
        parts.append("webhooks")
    if sso:
        parts.append(f"SSO ({', '.join(sso)})")
    return f.risk(", ".join(parts) or "no integration needed")


def build_risks(ctx: Context) -> dict[str, Risk]:
    """The four risks of custom development."""
    capacity = ctx.ops_capacity or "unstated"
    return {
        "resourcing": Risk(
            "high",
            f"custom development: the agency funds, staffs and maintains it for its whole life (ops capacity {capacity})",
        ),
        "data_control": Risk("low", "the agency designs where data lives and how it leaves"),
        "platform_control": Risk("medium", "the agency owns the code, but depends on keeping the people who know it"),
        "system_integration": Risk("medium", "integration designed from scratch: no proven connectors"),
    }
