"""Who carries each of the six roles, ICT or the business, under the ICT team's stance."""

from __future__ import annotations

from catalog.record import record

ROLES = ("access", "monitoring", "development", "use", "support", "technical_management")
ROLE_LABELS = {
    "access": "Access (bandwidth, security, support)",
    "monitoring": "Monitoring (tracking, reporting)",
    "development": "Development (custom work, integration)",
    "use": "Use (accounts, day-to-day operation)",
    "support": "Support (responding to business needs)",
    "technical_management": "Technical management (servers, systems)",
}
STANCE_LINES = {
    "leader": "Leader: ICT selects and operates the channels.",
    "supporter": "Supporter: the business leads; ICT supports it.",
    "observer": "Observer: ICT watches and steps in when a line is crossed.",
}


@record(frozen=True)
class Duty:
    """One role: who carries it, and what that means for this option."""

    role: str
    carrier: str  # "ICT", "business", "provider"
    note: str

    def __init__(self, role: str, carrier: str, note: str) -> None:
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "carrier", carrier)
        object.__setattr__(self, "note", note)


def duties(stance: str, deployment: str, provider: str = "") -> list[Duty]:
    """The six roles for an option deployed this way, under this stance."""
    hosted = deployment == "hosted"
    who_runs = provider or "the provider"
    if stance == "leader":
        table = {
            "access": ("ICT", "ICT provides access, security and network"),
            "monitoring": ("ICT", "ICT selects monitoring and reports to the business"),
            "development": ("ICT", "ICT builds integrations and any custom work"),
            "use": ("ICT", "ICT administers accounts; business staff use it"),
            "support": ("ICT", "ICT supports the business day to day"),
            "technical_management": (
                ("provider", f"{who_runs} runs the service; ICT manages the contract")
                if hosted
                else ("ICT", "ICT runs servers, patches and backups")
            ),
        }
    elif stance == "observer":
        table = {
            "access": ("ICT", "ICT keeps the security baseline and steps in on breaches"),
            "monitoring": ("business", "the business selects and runs monitoring"),
            "development": ("business", "the business works with third parties on any custom work"),
            "use": ("business", "the business runs the accounts"),
            "support": ("business", "the business and the provider handle support; ICT advises"),
            "technical_management": (
                ("provider", f"{who_runs} runs the service")
                if hosted
                else ("business", "nobody in ICT runs servers under this stance: a gap to fill")
            ),
        }
    else:  # supporter
        table = {
            "access": ("ICT", "ICT facilitates access"),
            "monitoring": (
                ("business", "the business selects monitoring; the provider hosts it")
                if hosted
                else ("ICT", "the business selects monitoring; ICT hosts it")
            ),
            "development": (
                ("business", "the business works with third parties on the hosted service")
                if hosted
                else ("ICT", "ICT does integration and custom work on the self-hosted service")
            ),
            "use": ("business", "the business sets usage policy and runs the accounts"),
            "support": ("ICT", "ICT responds to the business's needs"),
            "technical_management": (
                ("provider", f"{who_runs} runs the service")
                if hosted
                else ("ICT", "ICT manages the self-hosted service")
            ),
        }
    return [Duty(role, *table[role]) for role in ROLES]
