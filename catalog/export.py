"""Tools as plain data: for `show --format json`, exports and writing entries back to TOML."""

from __future__ import annotations

from datetime import date
from typing import Any

from catalog.model import Option, SecurityAssessment, Tool
from catalog.schema import SECTIONS


def assessment_data(a: SecurityAssessment) -> dict:
    """A security assessment as the `{scheme, level, scope, source}` table the schema reads."""
    return {"scheme": a.scheme, "level": a.level, "scope": a.scope, **({"source": a.source.id} if a.source else {})}


def plain_value(value: Any) -> Any:
    if isinstance(value, SecurityAssessment):
        return assessment_data(value)
    if isinstance(value, tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def option_to_data(option: Option) -> dict:
    """An option with every stated fact, its sources and the catalogue it came from."""
    facts = {}
    for key in sorted(option.facts):
        fact = option.facts[key]
        entry = {"value": plain_value(fact.value), "sources": [s.url for s in fact.sources], "origin": fact.origin}
        if len(fact.origins) > 1:  # federated catalogues that state the same value
            entry["origins"] = list(fact.origins)
        if fact.conflicts:
            entry["conflicts"] = [{"value": plain_value(v), "origin": o} for v, o in fact.conflicts]
        facts[key] = entry
    return {
        "id": option.id,
        "name": option.name,
        "origin": option.origin,
        "step": option.step,
        "deployment": option.deployment,
        "provider": option.provider,
        "summary": option.summary,
        "facts": facts,
        "caveats": [
            {"risk": c.risk, "text": c.text, "source": c.source.url if c.source else None} for c in option.caveats
        ],
    }


def tool_to_data(tool: Tool) -> dict:
    """A tool as JSON-ready data, with provenance."""
    return {
        "id": tool.id,
        "name": tool.name,
        "aliases": list(tool.aliases),
        "summary": tool.summary,
        "homepage": tool.homepage,
        "repository": tool.repository,
        "capabilities": list(tool.capabilities),
        "last_reviewed": tool.last_reviewed.isoformat(),
        "sources": [
            {"id": s.id, "url": s.url, "title": s.title, **({"note": s.note, "accept": list(s.accept)} if s.note or s.accept else {})}
            for s in tool.sources
        ],
        "options": [option_to_data(o) for o in tool.options],
        "catalogues": list(tool.origins) or ([tool.origin] if tool.origin else []),
        "path": tool.path,
    }


def tool_to_toml_data(tool: Tool) -> dict:
    """A tool in the catalogue file shape (schema version 1), facts cited per fact."""
    data: dict[str, Any] = {"schema_version": 1, "name": tool.name}
    if tool.aliases:
        data["aliases"] = list(tool.aliases)
    data["summary"] = tool.summary
    data["homepage"] = tool.homepage
    if tool.repository:
        data["repository"] = tool.repository
    data["capabilities"] = list(tool.capabilities)
    data["last_reviewed"] = tool.last_reviewed
    if tool.sources:
        data["sources"] = [
            {k: v for k, v in (("id", s.id), ("url", s.url), ("title", s.title), ("accept", list(s.accept)), ("note", s.note)) if v}
            for s in tool.sources
        ]
    options = []
    for option in tool.options:
        raw: dict[str, Any] = {"id": option.id, "name": option.name, "origin": option.origin, "deployment": option.deployment}
        if option.provider:
            raw["provider"] = option.provider
        if option.summary:
            raw["summary"] = option.summary
        for section, fields in SECTIONS.items():
            table: dict[str, Any] = {}
            cite: dict[str, Any] = {}
            for name in fields:
                fact = option.fact(f"{section}.{name}")
                if fact is None:
                    continue
                value = fact.value
                if name == "residency_exceptions":
                    value = [{"country": c, "feature": f} for c, f in value]
                elif name == "assessments":
                    value = [assessment_data(a) for a in value]
                table[name] = plain_value(value) if not isinstance(value, date) else value
                ids = [s.id for s in fact.sources if s.id in {t.id for t in tool.sources}]
                if ids and tuple(fact.sources) != tuple(tool.sources):  # citing every source is the default
                    cite[name] = ids[0] if len(ids) == 1 else ids
            if table:
                if cite:
                    table["cite"] = cite
                raw[section] = table
        if option.caveats:
            raw["caveats"] = [
                {"risk": c.risk, "text": c.text, **({"source": c.source.id} if c.source else {})} for c in option.caveats
            ]
        options.append(raw)
    data["options"] = options
    return data
