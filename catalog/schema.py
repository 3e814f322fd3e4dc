"""The catalogue schema, version 1, as data.

Each fact an option can state is declared once here, with its kind. The loader validates
against these tables, the exporter and the federation merge walk them, and SCHEMA.md documents
them. A fact that a file does not state is *unknown*: it is simply absent from the option.
"""

from __future__ import annotations

from catalog.record import record

SCHEMA_VERSION = 1

# The kinds of warning `sbb catalog lint` gives about a source's URL (see catalog/source_check.py);
# a source's `accept` names the ones its `note` explains.
SOURCE_CHECKS = (
    "bare-homepage",
    "repository-root",
    "licence-file",
    "copy",
    "shortener",
    "redirect",
    "tracking",
    "not-https",
    "staging",
    "stray-characters",
)

ORIGINS = ("open-source", "cross-agency", "commercial")
# The ladder: where each origin sits. Build is never a catalogue origin.
STEP_OF_ORIGIN = {"open-source": "share", "cross-agency": "share", "commercial": "buy"}
DEPLOYMENTS = ("self-hosted", "hosted")
LEVELS3 = ("low", "medium", "high")
COST_BANDS = ("none", "low", "medium", "high")
COST_MODELS = (
    "free",
    "free-for-government",
    "subscription",
    "usage",
    "perpetual-licence",
    "support-contract",
)
DATA_OWNERS = ("agency", "shared", "vendor")
API_KINDS = ("rest", "graphql", "soap", "other")
SSO_PROTOCOLS = ("saml", "oidc", "ldap", "oauth2")
PROVISIONING = ("scim", "ldap", "api")
ACCESSIBILITY = (
    "wcag2.0-a",
    "wcag2.0-aa",
    "wcag2.1-a",
    "wcag2.1-aa",
    "wcag2.2-a",
    "wcag2.2-aa",
    "wcag2.1-aaa",
    "wcag2.2-aaa",
)
GOV_LEVELS = ("national", "state", "local", "other-public")
# Functions of government, the ten divisions of the UN/OECD Classification of the Functions of
# Government (COFOG): what an agency does, for services open only to some of them.
SECTORS = (
    "general-public-services",
    "defence",
    "public-order-and-safety",
    "economic-affairs",
    "environmental-protection",
    "housing-and-community-amenities",
    "health",
    "recreation-culture-and-religion",
    "education",
    "social-protection",
)
MAINTENANCE = ("active", "community", "retiring", "unmaintained")
RISKS = ("resourcing", "data_control", "platform_control", "system_integration")


@record(frozen=True)
class Field:
    """One key of the schema: its kind, allowed values, and one line of documentation."""

    kind: str  # str, text, url, bool, int, date, slug, enum, list-str, list-enum, list-country, ...
    doc: str
    choices: tuple[str, ...]
    required: bool

    def __init__(self, kind: str, doc: str, choices: tuple[str, ...] = (), required: bool = False) -> None:
        self.__dict__.update(  # frozen: filled as unpickling fills it
            kind=kind, doc=doc, choices=choices, required=required,
        )


# Keys at the top of a tool file.
TOOL_FIELDS: dict[str, Field] = {
    "schema_version": Field("int", "Schema version of this file; must be 1.", required=True),
    "id": Field("slug", "Optional; if given, must equal the file name without `.toml`."),
    "name": Field("str", "Display name.", required=True),
    "aliases": Field("list-str", "Other names people search by (former names, acronyms)."),
    "summary": Field("text", "One or two sentences: what it does.", required=True),
    "homepage": Field("url", "Project or product home page.", required=True),
    "repository": Field("url", "Source repository, for open-source tools."),
    "capabilities": Field(
        "list-capability", "Capability ids from the vocabulary (capabilities.toml).", required=True
    ),
    "last_reviewed": Field("date", "When a maintainer last checked these facts.", required=True),
    "sources": Field("sources", "Array of tables: where the facts come from."),
    "options": Field("options", "Array of tables: the ways to obtain the tool.", required=True),
}

SOURCE_FIELDS: dict[str, Field] = {
    "id": Field("slug", "Short id that facts cite.", required=True),
    "url": Field("url", "The page that states the facts.", required=True),
    "title": Field("str", "What the page is."),
    "accept": Field(
        "list-enum",
        "Source-check warnings of `sbb catalog lint` that are right for this source, explained by its `note`.",
        SOURCE_CHECKS,
    ),
    "note": Field("text", "Why the page is cited as it is; required with `accept`."),
}

OPTION_FIELDS: dict[str, Field] = {
    "id": Field("slug", "Unique within the tool, e.g. `self-hosted`, `cloud`.", required=True),
    "name": Field("str", "Label, e.g. `Matomo On-Premise`.", required=True),
    "origin": Field(
        "enum", "Puts the option on the ladder: share or buy.", ORIGINS, required=True
    ),
    "deployment": Field(
        "enum",
        "`self-hosted`: the agency runs it; `hosted`: a vendor or another agency runs it.",
        DEPLOYMENTS,
        required=True,
    ),
    "provider": Field("str", "Who runs or sells it (for hosted and commercial options)."),
    "summary": Field("text", "What is distinctive about this option."),
    "sources": Field("list-source", "Source ids backing every fact of this option."),
    "caveats": Field("caveats", "Array of tables: known traps, each raising one risk."),
}

# Sections of an option and the facts each holds.
SECTIONS: dict[str, dict[str, Field]] = {
    "data": {
        "full_export": Field("bool", "The agency can export a full copy of its data."),
        "export_formats": Field("list-str", "Formats of that export, e.g. `csv`, `json`, `sql`."),
        "full_export_paid": Field(
            "bool", "The full export leaves only through a separately paid product."
        ),
        "residency": Field(
            "list-country",
            "Where the data is stored: ISO 3166 alpha-2 codes, or `EU`/`EEA`. "
            "For self-hosted options leave it out: the agency chooses.",
        ),
        "residency_selectable": Field(
            "bool", "The customer picks one of the `residency` locations."
        ),
        "residency_exceptions": Field(
            "residency-exceptions",
            "Array of tables `{country, feature}`: a sub-feature that stores data elsewhere.",
        ),
        "owner": Field("enum", "Who owns the data under the terms.", DATA_OWNERS),
        "retention_months": Field(
            "retention", "How long raw data is kept: months, or `unlimited`."
        ),
        "third_party_default": Field(
            "bool", "By default the tool sends data to a third party."
        ),
        "open_data": Field(
            "bool", "It can publish data or results as open data (machine-readable, openly licensed)."
        ),
    },
    "lock_in": {
        "licence": Field("spdx", "SPDX licence expression of the software; `LicenseRef-proprietary` for a closed product."),
        "open_standards": Field("list-str", "Open standards and formats it speaks."),
        "independent_providers": Field(
            "bool", "Other providers can host or support it (a real exit path)."
        ),
        "exit_cost": Field("enum", "Cost of leaving: low, medium, high.", LEVELS3),
    },
    "integration": {
        "api": Field("list-enum", "API kinds.", API_KINDS),
        "api_docs": Field("url", "API documentation."),
        "api_plan": Field("str", "Plan restrictions on the API, if any."),
        "webhooks": Field("bool", "It calls out on events (webhooks or callbacks)."),
        "sso": Field("list-enum", "Single sign-on protocols.", SSO_PROTOCOLS),
        "provisioning": Field("list-enum", "User provisioning.", PROVISIONING),
    },
    "resourcing": {
        "ops_effort": Field("enum", "Effort to run it: low, medium, high.", LEVELS3),
        "skills": Field("list-str", "Skills needed to run it, e.g. `php`, `postgresql`."),
    },
    "assurance": {
        "assessments": Field(
            "assessments",
            "Array of tables `{scheme, level, scope, source}`: security assessments of the option "
            "(see Assurance below). `scope` is `service` or `infrastructure` (only the hosting).",
        ),
        "certifications": Field(
            "list-scheme",
            "Schemes the option is certified under when no level or scope is stated, "
            "e.g. `iso27001`, `soc2`, `irap` (read as: level not stated).",
        ),
        "accessibility": Field("enum", "Accessibility conformance claimed.", ACCESSIBILITY),
        "archiving": Field("bool", "Supports records-keeping or archival capture/export."),
    },
    "records": {
        "retention_controls": Field(
            "bool", "The agency can set retention periods and dispose of records under them."
        ),
        "legal_hold": Field("bool", "Records can be placed on legal hold (kept from disposal)."),
        "archival_formats": Field(
            "list-str", "Formats of an archival export, e.g. `warc`, `pdf-a`, `csv`, `json`."
        ),
    },
    "cost": {
        "model": Field("enum", "Licence or charging model.", COST_MODELS),
        "band": Field("enum", "Indicative cost: none, low, medium, high.", COST_BANDS),
    },
    "eligibility": {
        "countries": Field("list-country", "Countries whose agencies may use this service."),
        "levels": Field("list-enum", "Levels of government that may use it.", GOV_LEVELS),
        "sectors": Field("list-enum", "Functions of government (COFOG divisions) whose agencies may use it; absent: any.", SECTORS),
    },
    "reuse": {
        "used_by": Field("list-str", "Agencies known to use this option (reuse evidence)."),
    },
    "maintenance": {
        "status": Field("enum", "Maintenance status.", MAINTENANCE),
        "ends": Field(
            "date",
            "When support or the service ends, if announced: from this date the option is not offered.",
        ),
    },
}

# Keys every section may hold besides its facts.
SECTION_META = {
    "sources": Field("list-source", "Source ids backing every fact in this section."),
    "cite": Field("cite", "Inline table: fact name -> source id (or list) for that fact alone."),
}

CAVEAT_FIELDS: dict[str, Field] = {
    "risk": Field("enum", "The risk it raises.", RISKS, required=True),
    "text": Field("text", "The trap, in one sentence.", required=True),
    "source": Field("source", "Source id backing it.", required=True),
}

ASSESSMENT_FIELDS: dict[str, Field] = {
    "scheme": Field("str", "Assessment scheme, e.g. `irap`, `fedramp`, `iso27001`.", required=True),
    "level": Field("str", "Level within the scheme, e.g. `protected`, `moderate`; leave out for one-level schemes."),
    "scope": Field("enum", "What was assessed: the `service`, or only the `infrastructure` it runs on.", ("service", "infrastructure"), required=True),
    "source": Field("source", "Source id of the page stating the assessment."),
}

EXCEPTION_FIELDS: dict[str, Field] = {
    "country": Field("country", "Where that feature stores data.", required=True),
    "feature": Field("str", "Which feature.", required=True),
}

# Every fact key, as `section.fact`.
FACT_KEYS: tuple[str, ...] = tuple(
    f"{section}.{fact}" for section, facts in SECTIONS.items() for fact in facts
)
