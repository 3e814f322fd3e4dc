"""A new, valid catalogue entry for a maintainer to fill in."""

from __future__ import annotations

from datetime import date

import tomli_w


def scaffold(
    tool_id: str,
    name: str,
    summary: str,
    homepage: str,
    capabilities: list[str],
    origin: str,
    deployment: str,
    source: str,
    today: date,
) -> str:
    """TOML text of a minimal entry: one option, one source, no facts yet (all unknown)."""
    data = {
        "schema_version": 1,
        "name": name,
        "summary": summary,
        "homepage": homepage,
        "capabilities": capabilities,
        "last_reviewed": today,
        "sources": [{"id": "home", "url": source, "title": f"{name} home page"}],
        "options": [
            {
                "id": "self-hosted" if deployment == "self-hosted" else "hosted",
                "name": name,
                "origin": origin,
                "deployment": deployment,
            }
        ],
    }
    header = (
        "# Facts not stated here are unknown to the engine: add each one you can source,\n"
        "# in [options.data], [options.lock_in], [options.integration], ... (see catalog/SCHEMA.md).\n"
    )
    return header + tomli_w.dumps(data)
