"""code.json 2.0 (US federal source code inventories) → catalogue entries.

| code.json | catalogue |
|---|---|
| `name` | `name` (id: its slug) |
| `description` (unless a placeholder) | `summary` |
| `homepageURL` / `repositoryURL` | `homepage` / `repository` (`git://` forge URLs become https) |
| `permissions.usageType = openSource` | option `self-hosted`, origin `open-source` (share) |
| `permissions.usageType = governmentWideReuse` | option `government-wide-reuse`, origin `cross-agency` (share), eligible to US national agencies |
| `permissions.usageType = exemptBy…` | not imported: exempt code is not offered for reuse |
| `permissions.licenses[].name` / `URL` | `lock_in.licence` (SPDX, normalised: case and deprecated ids noted); `cost.model = "free"` when OSI-approved |
| `languages` | `resourcing.skills` |
| `status` | `maintenance.status = "unmaintained"` when Archival; a caveat before Production |
| `date.metadataLastUpdated` (else the later of `lastModified`, `created`) | `last_reviewed` (when the agency last stated these facts) |
| `tags` | `capabilities`, where a tag is exactly a capability's id, label or alias |

A null licence, and any missing field, leaves the fact unknown. A release whose `usageType`
is missing or null is not imported either: nothing says it may be reused, and presenting it as
a share option would claim what the inventory does not.

`last_reviewed` is never the day of the import: a release whose `date` states nothing usable
takes the date given with `--reviewed` (when the person importing checked it), or is skipped.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from catalog.importing.common import UNCLASSIFIED, as_date, as_list, Entry, clean_text, resolve_capabilities, short_summary, slugify, web_url
from catalog import licences
from catalog.limits import parse_json, read_import_text
from catalog.problems import Problem

FORMAT = "code.json"
SHARE_USAGE = ("openSource", "governmentWideReuse")
PLACEHOLDERS = re.compile(r"^(no description( available)?|description|n/?a|none|todo|tbd)\W*$", re.I)
# GitHub licence keys (as in api.github.com/licenses/<key>) → SPDX ids.
GITHUB_LICENCES = {
    "apache-2.0": "Apache-2.0",
    "mit": "MIT",
    "unlicense": "Unlicense",
    "gpl-2.0": "GPL-2.0-only",
    "gpl-3.0": "GPL-3.0-only",
    "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3.0": "LGPL-3.0-only",
    "agpl-3.0": "AGPL-3.0-only",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "mpl-2.0": "MPL-2.0",
    "epl-2.0": "EPL-2.0",
    "isc": "ISC",
    "bsl-1.0": "BSL-1.0",
    "cc0-1.0": "CC0-1.0",
    "0bsd": "0BSD",
}
LICENCE_NAMES = {
    "the unlicense": "Unlicense",
    "apache license 2.0": "Apache-2.0",
    "mit license": "MIT",
    "gnu general public license v2.0": "GPL-2.0-only",
    "gnu general public license v3.0": "GPL-3.0-only",
    "gnu affero general public license v3.0": "AGPL-3.0-only",
    "gnu lesser general public license v2.1": "LGPL-2.1-only",
    "gnu lesser general public license v3.0": "LGPL-3.0-only",
    "mozilla public license 2.0": "MPL-2.0",
    'bsd 3-clause "new" or "revised" license': "BSD-3-Clause",
    'bsd 2-clause "simplified" license': "BSD-2-Clause",
    "creative commons zero v1.0 universal": "CC0-1.0",
}
DATE_KEYS = ("metadataLastUpdated", "lastModified", "created")
PRE_PRODUCTION = ("ideation", "development", "alpha", "beta", "release candidate")
MAPPED = {"name", "description", "homepageURL", "repositoryURL", "permissions", "languages", "status", "tags", "organization", "date"}


def read_inventory(
    path: Path, vocabulary, fallback: list[str] | None = None, today: date | None = None, reviewed: date | None = None
) -> tuple[list[Entry], list[tuple[str, str]], list[Problem], dict[str, int]]:
    """Entries for the shareable releases; (release, reason) for the others; problems; unmapped key counts.

    `reviewed` is the `last_reviewed` of a release whose `date` states nothing usable.
    """
    today = today or date.today()
    name = str(path)
    text, problem = read_import_text(path, encoding="utf-8-sig")
    if problem is None:
        data, problem = parse_json(text, name)
    if problem is not None:
        return [], [], [problem], {}
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        return [], [], [Problem(name, 0, "releases", "not a code.json inventory: expected an object with a `releases` array")], {}
    problems: list[Problem] = []
    version = str(data.get("version", "")).strip()
    if not version.startswith("2"):
        problems.append(Problem(name, 0, "version", f"version `{clean_text(version) or 'missing'}`: read as code.json 2.0", "warning"))
    agency = clean_text(data.get("agency"))
    entries: list[Entry] = []
    skipped: list[tuple[str, str]] = []
    unmapped: dict[str, int] = {}
    for index, release in enumerate(data["releases"]):
        where = f"releases[{index + 1}]"
        if not isinstance(release, dict):
            problems.append(Problem(name, 0, where, "expected an object"))
            continue
        entry, reason, found = read_release(release, f"{name} {where}", agency, vocabulary, fallback or [], today, reviewed)
        problems += [Problem(name, 0, f"{where}.{p.key}" if p.key else where, p.message, p.severity) for p in found]
        if entry is None:
            skipped.append((clean_text(release.get("name")) or where, reason))
            continue
        for key in entry.unmapped:
            unmapped[key] = unmapped.get(key, 0) + 1
        entries.append(entry)
    return entries, skipped, problems, unmapped


def read_release(
    release: dict, origin: str, agency: str, vocabulary, fallback: list[str], today: date, reviewed: date | None = None
) -> tuple[Entry | None, str, list[Problem]]:
    """One release as an entry, or (None, why it is not imported, problems)."""
    problems: list[Problem] = []
    notes: list[str] = []
    unmapped = sorted(k for k in release if k not in MAPPED)
    name = clean_text(release.get("name"))
    if not name:
        return None, "no name", [Problem("", 0, "name", "missing `name`")]
    permissions = release.get("permissions") if isinstance(release.get("permissions"), dict) else {}
    usage = permissions.get("usageType")
    if isinstance(usage, str) and usage.startswith("exempt"):
        return None, f"exempt from sharing ({clean_text(usage)}): not offered as reusable", []
    if usage not in SHARE_USAGE:
        if usage is None:
            return None, "usageType not stated: nothing says it may be reused", []
        return None, f"unknown usageType `{clean_text(usage)}`: not offered as reusable", [Problem("", 0, "permissions.usageType", f"`{clean_text(usage)}` is not a code.json 2.0 usage type")]

    repo = web_url(release.get("repositoryURL"))
    if release.get("repositoryURL") and not repo:
        problems.append(Problem("", 0, "repositoryURL", f"`{clean_text(release.get('repositoryURL'))}` is not an http(s) URL: left out", "warning"))
    homepage = web_url(release.get("homepageURL")) or repo
    if not homepage:
        return None, "no http(s) homepageURL or repositoryURL", problems
    description = clean_text(release.get("description"))
    if not description or PLACEHOLDERS.match(description):
        who = clean_text(release.get("organization")) or agency or "the agency"
        description = f"{name}: code released by {who}; its inventory entry gives no description."
        notes.append("The inventory's description is missing or a placeholder: the summary only says so.")

    option: dict[str, Any] = {"origin": "open-source" if usage == "openSource" else "cross-agency", "deployment": "self-hosted"}
    if usage == "openSource":
        option = {"id": "self-hosted", "name": f"{name} (self-hosted)", **option}
    else:
        option = {"id": "government-wide-reuse", "name": f"{name} (government-wide reuse)", **option}
        provider = clean_text(release.get("organization")) or agency
        if provider:
            option["provider"] = provider
        option["eligibility"] = {"countries": ["US"], "levels": ["national"]}
        notes.append("governmentWideReuse: shared for reuse across the US federal government, not as open source.")
    licence = _licence(permissions.get("licenses"), problems, notes)
    if licence is not None:
        option["lock_in"] = {"licence": str(licence)}
        if licence.open_source:
            option["cost"] = {"model": "free"}
    skills = list(dict.fromkeys(clean_text(x).casefold() for x in as_list(release.get("languages")) if clean_text(x)))
    if skills:
        option["resourcing"] = {"skills": skills}
    status = clean_text(release.get("status"))
    if status.casefold() == "archival":
        option["maintenance"] = {"status": "unmaintained"}
    elif status.casefold() in PRE_PRODUCTION:
        option["caveats"] = [{"risk": "resourcing", "text": f"Its release status is `{status}`: not declared production-ready.", "source": "inventory"}]
    elif status and status.casefold() != "production":
        unmapped.append("status")

    mapped, missed = resolve_capabilities([str(t) for t in as_list(release.get("tags"))], vocabulary, {})
    if missed:
        unmapped.append("tags")
    if mapped:
        capabilities = mapped
    elif fallback:
        capabilities = list(fallback)
        notes.append("Capabilities given on the command line: no tag maps to one.")
    else:
        capabilities = [UNCLASSIFIED]
        notes.append(f"No tag maps to a capability: `{UNCLASSIFIED}` until a maintainer classifies it.")

    dates = release.get("date") if isinstance(release.get("date"), dict) else {}
    last_reviewed, used = _reviewed(dates, today, problems)
    if last_reviewed is not None:
        notes.append(f"last_reviewed is the inventory's date.{used} ({last_reviewed.isoformat()}).")
    elif reviewed is not None:
        last_reviewed = reviewed
        notes.append(f"last_reviewed ({reviewed.isoformat()}) was given on import: the inventory states no usable date.")
    else:
        return None, "no usable date (metadataLastUpdated, lastModified, created) to take last_reviewed from: pass --reviewed DATE", problems
    if dates and any(k not in DATE_KEYS for k in dates):
        unmapped.append("date." + "/".join(sorted(k for k in dates if k not in DATE_KEYS)))
    if usage == "openSource" and "organization" in release:
        unmapped.append("organization")
    data: dict[str, Any] = {
        "schema_version": 1,
        "name": name,
        "summary": short_summary(description),
        "homepage": homepage,
    }
    if repo:
        data["repository"] = repo
    data.update(
        capabilities=capabilities,
        last_reviewed=last_reviewed,
        sources=[{"id": "inventory", "url": repo or homepage, "title": f"{name}: repository, listed in the {agency or 'agency'} code.json inventory"}],
        options=[option],
    )
    entry = Entry(slugify(name), data, origin, sorted(set(unmapped)), notes)
    return entry, "", problems


def _reviewed(dates: dict, today: date, problems: list[Problem]) -> tuple[date | None, str]:
    """(date, key) for `last_reviewed`: when the agency last updated the metadata, else the later
    of when the code was last modified or created; dates in the future are not used."""
    found: dict[str, date] = {}
    for key in DATE_KEYS:
        value = as_date(dates.get(key))
        if dates.get(key) is not None and value is None:
            problems.append(Problem("", 0, f"date.{key}", f"`{clean_text(dates.get(key))}` is not a date: not used", "warning"))
        elif value is not None and value > today:
            problems.append(Problem("", 0, f"date.{key}", f"{value} is in the future: not used", "warning"))
        elif value is not None:
            found[key] = value
    if "metadataLastUpdated" in found:
        return found["metadataLastUpdated"], "metadataLastUpdated"
    if found:
        key = max(found, key=lambda k: found[k])
        return found[key], key
    return None, ""


def _licence(raw: Any, problems: list[Problem], notes: list[str]) -> licences.Licence | None:
    """The SPDX licence of `licenses`, or None (unknown) for null, NOASSERTION or unrecognised.

    Each item is a GitHub licence key (in its URL), a licence name GitHub uses, or an SPDX
    expression; several items all apply (AND). Case and deprecated ids are normalised, noted.
    """
    parts = []
    for item in as_list(raw):
        if not isinstance(item, dict):
            continue
        url = str(item.get("URL") or "")
        key = url.rstrip("/").rsplit("/", 1)[-1].casefold() if "/licenses/" in url else ""
        name = clean_text(item.get("name"))
        found = GITHUB_LICENCES.get(key) or LICENCE_NAMES.get(name.casefold())
        if not found and name and name.upper() != "NOASSERTION" and name.casefold() != "other":
            parsed = licences.parse(name)
            if parsed.licence is not None:
                found = str(parsed.licence)
                notes += [f"permissions.licenses: {note}." for note in parsed.notes]
        if found:
            parts.append(found)
        elif name and name.upper() != "NOASSERTION":
            problems.append(Problem("", 0, "permissions.licenses", f"licence `{name}` is not recognised: left unknown", "warning"))
    parts = list(dict.fromkeys(parts))
    if not parts:
        return None
    joined = " AND ".join(p if len(parts) == 1 or " " not in p else f"({p})" for p in parts)
    return licences.normalise(joined)
