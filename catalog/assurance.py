"""Security assessment schemes and their levels, in order: a higher level meets a lower one.

An assessment has a scope: the `service` itself, or only the `infrastructure` it runs on (a
SaaS on an IRAP-assessed cloud is not an IRAP-assessed SaaS). Only an assessment of the
service can meet a requirement for the service.
"""

from __future__ import annotations

from catalog.record import record

SCOPES = ("service", "infrastructure")


@record(frozen=True)
class Scheme:
    """An assessment scheme; `levels` lowest first (one level for schemes without grades)."""

    __slots__ = ("id", "label", "levels", "level_labels", "reference")
    id: str
    label: str
    levels: tuple[str, ...]
    level_labels: tuple[str, ...]
    reference: str  # where the scheme and its levels are defined

    def __init__(
        self, id: str, label: str, levels: tuple[str, ...], level_labels: tuple[str, ...], reference: str,
    ) -> None:
        set_id, set_label, set_levels, set_level_labels, set_reference = self.__record_setters__
        set_id(self, id)
        set_label(self, label)
        set_levels(self, levels)
        set_level_labels(self, level_labels)
        set_reference(self, reference)


SCHEMES: dict[str, Scheme] = {
    s.id: s
    for s in (
        Scheme(
            "irap",
            "IRAP (Australia)",
            ("official", "official-sensitive", "protected", "secret", "top-secret"),
            ("OFFICIAL", "OFFICIAL: Sensitive", "PROTECTED", "SECRET", "TOP SECRET"),
            "https://www.cyber.gov.au/irap",
        ),
        Scheme(
            "fedramp",
            "FedRAMP (United States)",
            ("li-saas", "low", "moderate", "high"),
            ("Low Impact SaaS", "Low", "Moderate", "High"),
            "https://www.fedramp.gov/understanding-baselines-and-impact-levels/",
        ),
        Scheme(
            "cyber-essentials",
            "Cyber Essentials (United Kingdom)",
            ("basic", "plus"),
            ("Cyber Essentials", "Cyber Essentials Plus"),
            "https://www.ncsc.gov.uk/cyberessentials/overview",
        ),
        Scheme("iso27001", "ISO/IEC 27001", ("certified",), ("certified",), "https://www.iso.org/standard/27001"),
        Scheme("iso27017", "ISO/IEC 27017", ("certified",), ("certified",), "https://www.iso.org/standard/43757.html"),
        Scheme("iso27018", "ISO/IEC 27018", ("certified",), ("certified",), "https://www.iso.org/standard/76559.html"),
        Scheme(
            "soc2",
            "SOC 2",
            ("type1", "type2"),
            ("Type I", "Type II"),
            "https://www.aicpa-cima.com/topic/audit-assurance/audit-and-assurance-greater-than-soc-2",
        ),
        Scheme(
            "c5",
            "BSI C5 (Germany)",
            ("type1", "type2"),
            ("Type 1", "Type 2"),
            "https://www.bsi.bund.de/EN/Themen/Unternehmen-und-Organisationen/Informationen-und-Empfehlungen/Empfehlungen-nach-Angriffszielen/Cloud-Computing/Kriterienkatalog-C5/kriterienkatalog-c5_node.html",
        ),
        Scheme(
            "ens",
            "ENS (Spain)",
            ("basic", "medium", "high"),
            ("BÁSICA", "MEDIA", "ALTA"),
            "https://www.boe.es/eli/es/rd/2022/05/03/311",
        ),
        Scheme(
            "secnumcloud",
            "SecNumCloud (France)",
            ("qualified",),
            ("qualified",),
            "https://cyber.gouv.fr/secnumcloud-pour-les-fournisseurs-de-services-cloud",
        ),
        Scheme(
            "csa-star",
            "CSA STAR",
            ("level1", "level2"),
            ("Level 1", "Level 2"),
            "https://cloudsecurityalliance.org/star/levels",
        ),
        Scheme("ismap", "ISMAP (Japan)", ("registered",), ("registered",), "https://www.ismap.go.jp/"),
        # The business owner's authority to operate a system, after a security assessment under
        # ITSG-33, for information up to a Protected level (a service's own, not its cloud's).
        Scheme(
            "gc-ato",
            "Government of Canada authority to operate (ITSG-33)",
            ("protected-a", "protected-b"),
            ("Protected A", "Protected B"),
            "https://cyber.gc.ca/en/guidance/it-security-risk-management-government-canada-itse10033",
        ),
    )
}

# Names people write for a scheme, folded to its id.
ALIASES = {
    "iso-27001": "iso27001",
    "iso/iec 27001": "iso27001",
    "iso 27001": "iso27001",
    "soc-2": "soc2",
    "soc 2": "soc2",
    "bsi-c5": "c5",
    "cyberessentials": "cyber-essentials",
    "star": "csa-star",
}


def scheme_id(name: str) -> str | None:
    """The scheme id for a name (case-insensitive, common spellings), or None."""
    folded = name.strip().casefold()
    return folded if folded in SCHEMES else ALIASES.get(folded)


def level_rank(scheme: str, level: str) -> int:
    """Position of a level in its scheme (0 is lowest); -1 when the level is unknown."""
    levels = SCHEMES[scheme].levels
    return levels.index(level) if level in levels else -1


def describe(scheme: str, level: str = "") -> str:
    """`IRAP (Australia) PROTECTED`; the scheme alone when no level is given."""
    s = SCHEMES[scheme]
    if not level:
        return s.label
    if len(s.levels) == 1:
        return f"{s.label} ({s.level_labels[0]})"
    return f"{s.label} {s.level_labels[s.levels.index(level)]}"


def parse_demand(text: str) -> tuple[tuple[str, str] | None, str]:
    """A demand written `scheme` or `scheme:level` as (scheme, level), or (None, message)."""
    from catalog.problems import did_you_mean

    name, _, level = text.partition(":")
    scheme = scheme_id(name)
    if scheme is None:
        return None, f"unknown assessment scheme `{name}`{did_you_mean(name.strip().casefold(), SCHEMES)}"
    level = level.strip().casefold()
    if not level:
        return (scheme, SCHEMES[scheme].levels[0]), ""
    if level not in SCHEMES[scheme].levels:
        levels = SCHEMES[scheme].levels
        return None, (
            f"unknown level `{level}` for {scheme}: use one of {', '.join(levels)}{did_you_mean(level, levels)}"
        )
    return (scheme, level), ""
