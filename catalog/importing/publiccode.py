"""publiccode.yml → catalogue entries.

Reads every version in use ("0", "0.1", "0.2" … "0.4" and later ones), the pre-0.2 spellings
(`publiccode-yaml-version`, `tags`), lowercase `it` and uppercase `IT` country sections,
descriptions in any language, and dates whether YAML reads them as dates or strings.

What maps (everything else is reported as not mapped, per file):

| publiccode.yml | catalogue |
|---|---|
| `name` | `name` (id: its slug); `localisedName` → `aliases` |
| `url` | `repository` (and a source) |
| `landingURL` (else `url`) | `homepage` |
| `description.<lang>.shortDescription` (English first) | `summary` |
| `description.<lang>.documentation` | a source |
| `description.<lang>.apiDocumentation` | `integration.api_docs` |
| `categories` (or `tags`) | `capabilities`, where a mapping exists |
| `legal.license` | `lock_in.licence`, normalised (case, deprecated ids: noted); `cost.model = "free"` when OSI-approved |
| `releaseDate` | `last_reviewed`: the facts are as the file stated them at that release |
| `usedBy` | `reuse.used_by` |
| `dependsOn.proprietary` | a platform-control caveat (lock-in) |
| `maintenance.type` / `contractors[].until` | `maintenance.status`, `maintenance.ends`, caveats |
| `developmentStatus` | `maintenance.status = "unmaintained"` when obsolete; a caveat unless stable |

The single option is `self-hosted`, origin `open-source`: publiccode.yml describes software
released for reuse. Whether the release may actually be self-hosted under its licence is the
licence fact's business, stated as read.

`last_reviewed` is never the day of the import: it is the file's `releaseDate`, or, for a file
without one, the date given with `--reviewed` (when the person importing checked its facts);
a file with neither is not imported.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from catalog.importing.common import (
    as_date,
    as_list,
    UNCLASSIFIED,
    Entry,
    clean_text,
    resolve_capabilities,
    short_summary,
    slugify,
    web_url,
)
from catalog import licences
from catalog.files import inside
from catalog.limits import parse_yaml, read_import_text
from catalog.problems import Problem

FORMAT = "publiccode.yml"
KNOWN_VERSION = (0, 4)  # the newest version whose keys this importer knows
VERSION = re.compile(r"^\d+(\.\d+){0,2}$")

# publiccode.yml categories (docs/standard/categories-list) → capability ids. Only where the
# category means the capability; a near miss would claim something the tool does not do.
CATEGORY_MAP = {
    "blog": "web-cms",
    "content-management": "web-cms",
    "website-builder": "web-cms",
    "survey": "surveys",
    "instant-messaging": "team-chat",
    "enterprise-social-networking": "enterprise-social",
    "social-media-management": "social-publishing",
    "web-conferencing": "video-conferencing",
    "video-conferencing": "video-conferencing",
    "help-desk": "help-desk",
    "service-desk-management": "help-desk",
    "customer-service-and-support": "help-desk",
    "online-community": "online-community",
    "knowledge-management": "wiki",
    "email-marketing": "email-newsletters",
    "web-collaboration": "document-collaboration",
    "identity-management": "digital-identity",
    "call-center-management": "contact-centre-telephony",
    "web-analytics": "web-analytics",
}

# Keys the standard deprecated or renamed, and what replaced them.
DEPRECATED = {
    "publiccode-yaml-version": "renamed `publiccodeYmlVersion` in 0.2",
    "tags": "replaced by `categories` in 0.2",
    "freeTags": "removed in 0.2",
    "genericName": "deprecated in 0.3",
    "legal.authorsFile": "deprecated in 0.3",
    "legal.repoOwner": "deprecated in 0.4 (use `organisation`)",
    "inputTypes": "deprecated in 0.3",
    "outputTypes": "deprecated in 0.3",
    "monochromeLogo": "deprecated in 0.3",
    "it.riuso": "deprecated by the Italian extension 1.0 (use `organisation.uri`)",
    "it.conforme": "deprecated by the Italian extension 1.0",
}

MAPPED_TOP = {"publiccodeYmlVersion", "publiccode-yaml-version", "name", "url", "landingURL", "categories", "tags", "usedBy", "developmentStatus", "releaseDate"}
MAPPED_DESCRIPTION = {"shortDescription", "documentation", "apiDocumentation", "localisedName"}
MAPPED_LEGAL = {"license"}
MAPPED_MAINTENANCE = {"type", "contractors"}
MAPPED_DEPENDS = {"proprietary"}


def find_files(paths: list[Path]) -> list[Path]:
    """The files to import: each file given, and for a directory its publiccode.y(a)ml files
    (at any depth), or failing those every .yml/.yaml directly inside it."""
    return [path for path, _ in _found(paths)]


def _found(paths: list[Path]) -> list[tuple[Path, Path | None]]:
    """Each file to import with the directory it was found in (None for a file given by name)."""
    out: list[tuple[Path, Path | None]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("publiccode.y*ml") if p.is_file())
            found = found or sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
            out += [(p, path) for p in found]
        else:
            out.append((path, None))
    return out


def _loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _key_lines(text: str) -> dict[tuple, int]:
    """Lines of mapping keys by path, for pointing at the line of a problem."""
    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.YAMLError:
        return {}
    lines: dict[tuple, int] = {}

    def walk(node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = path + (str(key.value),)
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)

    walk(root, ())
    return lines


def read_file(
    path: Path, vocabulary, fallback: list[str] | None = None, today: date | None = None, reviewed: date | None = None
) -> tuple[Entry | None, list[Problem]]:
    """One publiccode.yml as an entry, or None with problems saying why it cannot be imported.

    `reviewed` is the `last_reviewed` of a file that states no `releaseDate`.
    """
    name = str(path)
    text, problem = read_import_text(path, encoding="utf-8-sig")
    if problem is None:
        data, problem = parse_yaml(text, name)
    if problem is not None:
        return None, [problem]
    if not isinstance(data, dict):
        return None, [Problem(name, 0, "", "not a publiccode.yml: expected a mapping of keys at the top")]
    return PubliccodeReader(path, text, data, vocabulary, fallback or [], today or date.today(), reviewed).read()


class PubliccodeReader:
    """Maps one parsed publiccode.yml, collecting problems and the keys it could not map."""

    def __init__(self, path: Path, text: str, data: dict, vocabulary, fallback: list[str], today: date, reviewed: date | None = None):
        self.path, self.text = path, text
        # YAML 1.1 reads some keys as booleans or numbers (`no:`, `0.2:`): keys are names here.
        self.data = _string_keys(data)
        self.vocabulary, self.fallback, self.today, self.reviewed = vocabulary, fallback, today, reviewed
        self.problems: list[Problem] = []
        self.unmapped: list[str] = []
        self.notes: list[str] = []
        self._lines: dict[tuple, int] | None = None

    def problem(self, key: tuple, message: str, severity: str = "error") -> None:
        """Record a problem at a key, with its line when it can be found."""
        if self._lines is None:
            self._lines = _key_lines(self.text)
        line = 0
        probe = key
        while probe and not line:
            line = self._lines.get(probe, 0)
            probe = probe[:-1]
        self.problems.append(Problem(str(self.path), line, ".".join(key), message, severity))

    def read(self) -> tuple[Entry | None, list[Problem]]:
        """The entry, or None when a mandatory key is missing or unusable."""
        d = self.data
        version = self.version()
        name = clean_text(d.get("name"))
        if not name:
            self.problem(("name",), "missing `name`: cannot make an entry without it")
        repo = web_url(d.get("url"))
        if d.get("url") is None:
            self.problem(("url",), "missing `url` (the repository)", "warning")
        elif not repo:
            self.problem(("url",), f"`{clean_text(d.get('url'))}` is not an http(s) URL: left out", "warning")
        homepage = web_url(d.get("landingURL")) or repo
        if not homepage:
            self.problem(("landingURL",), "no http(s) `landingURL` or `url`: an entry needs a homepage")
        description, lang = self.description()
        summary = clean_text(description.get("shortDescription")) or clean_text(description.get("longDescription"))
        if not summary:
            self.problem(("description",), "no `shortDescription` in any language: an entry needs a summary")
        last_reviewed = self.last_reviewed()
        if any(p.severity == "error" for p in self.problems):
            return None, self.problems

        tool_id = slugify(name) or slugify(Path(repo).stem)
        sources = []
        if repo:
            sources.append({"id": "publiccode", "url": repo, "title": f"{name}: repository and its publiccode.yml"})
        elif homepage:
            sources.append({"id": "publiccode", "url": homepage, "title": f"{name}: home page (its publiccode.yml)"})
        docs = web_url(description.get("documentation"))
        if docs and docs != repo:
            sources.append({"id": "documentation", "url": docs, "title": f"{name} documentation"})

        capabilities = self.capabilities()
        option: dict[str, Any] = {
            "id": "self-hosted",
            "name": f"{name} (self-hosted)",
            "origin": "open-source",
            "deployment": "self-hosted",
        }
        caveats: list[dict] = []
        self.lock_in(option, caveats)
        api_docs = web_url(description.get("apiDocumentation"))
        if api_docs:
            option["integration"] = {"api_docs": api_docs}
        elif description.get("apiDocumentation"):
            self.problem(("description", lang, "apiDocumentation"), "not an http(s) URL: left out", "warning")
        used_by = [clean_text(u) for u in as_list(d.get("usedBy")) if clean_text(u)]
        if d.get("usedBy") is not None and not isinstance(d.get("usedBy"), list):
            self.problem(("usedBy",), "expected a list of names", "warning")
        if used_by:
            option["reuse"] = {"used_by": list(dict.fromkeys(used_by))}
        self.maintenance(option, caveats)
        if caveats:
            option["caveats"] = caveats

        localised = clean_text(description.get("localisedName"))
        aliases = [localised] if localised and localised.casefold() != name.casefold() else []
        data: dict[str, Any] = {"schema_version": 1, "name": name}
        if aliases:
            data["aliases"] = aliases
        data.update(summary=short_summary(summary), homepage=homepage)
        if repo:
            data["repository"] = repo
        data.update(capabilities=capabilities, last_reviewed=last_reviewed, sources=sources, options=[option])
        self.collect_unmapped()
        label = f"{self.path} ({FORMAT} {version or 'of unknown version'})"
        return Entry(tool_id, data, label, self.unmapped, self.notes), self.problems

    # -- pieces ------------------------------------------------------------------------------
    def version(self) -> str:
        d = self.data
        raw = d.get("publiccodeYmlVersion", d.get("publiccode-yaml-version"))
        if "publiccode-yaml-version" in d:
            self.problem(("publiccode-yaml-version",), "deprecated key: " + DEPRECATED["publiccode-yaml-version"], "warning")
        if raw is None:
            self.problem(("publiccodeYmlVersion",), "missing `publiccodeYmlVersion`: read as the latest known version", "warning")
            return ""
        version = str(raw).strip()
        if not VERSION.match(version):
            self.problem(("publiccodeYmlVersion",), f"`{clean_text(version)}` is not a version number: read as the latest known version", "warning")
            return ""
        parts = tuple(int(p) for p in version.split("."))
        if parts[:2] > KNOWN_VERSION:
            self.problem(("publiccodeYmlVersion",), f"version {version} is newer than this importer knows (0.4): keys it does not know are reported as not mapped", "warning")
        return version

    def last_reviewed(self) -> date | None:
        """The file's `releaseDate` (its facts are as stated at that release), else `--reviewed`."""
        raw = self.data.get("releaseDate")
        released = as_date(raw)
        if raw is not None and released is None:
            self.problem(("releaseDate",), f"`{clean_text(raw)}` is not a date: not used for last_reviewed", "warning")
        elif released is not None and released > self.today:
            self.problem(("releaseDate",), f"{released} is in the future: not used for last_reviewed", "warning")
            released = None
        if released is not None:
            self.notes.append(f"last_reviewed is the file's releaseDate ({released.isoformat()}).")
            return released
        if self.reviewed is not None:
            self.notes.append(f"last_reviewed ({self.reviewed.isoformat()}) was given on import: the file states no releaseDate.")
            return self.reviewed
        self.problem(
            ("releaseDate",),
            "no usable `releaseDate` to take last_reviewed from: pass --reviewed DATE (the day you checked "
            "the file's facts) to import it",
        )
        return None

    def description(self) -> tuple[dict, str]:
        """The description in English when there is one, else in the first language given."""
        raw = self.data.get("description")
        if not isinstance(raw, dict) or not raw:
            self.problem(("description",), "missing `description` (a table per language)")
            return {}, ""
        langs = [k for k, v in raw.items() if isinstance(v, dict)]
        if not langs:
            self.problem(("description",), "expected a table per language, e.g. `en:`")
            return {}, ""
        lang = next((k for k in langs if k.casefold() in ("en", "eng") or k.casefold().startswith("en-")), langs[0])
        if lang.casefold() not in ("en", "eng") and not lang.casefold().startswith("en-"):
            self.notes.append(f"Summary taken from the `{lang}` description (no English one).")
        return raw[lang], lang

    def capabilities(self) -> list[str]:
        d = self.data
        terms = as_list(d.get("categories")) or as_list(d.get("tags"))
        if "tags" in d:
            self.problem(("tags",), "deprecated key: " + DEPRECATED["tags"] + "; read as categories", "warning")
        mapped, missed = resolve_capabilities([str(t) for t in terms], self.vocabulary, CATEGORY_MAP)
        if missed:
            self.unmapped.append("categories: " + ", ".join(str(t) for t in missed))
        if mapped:
            return mapped
        if self.fallback:
            self.notes.append("Capabilities given on the command line: no category maps to one.")
            return list(self.fallback)
        self.notes.append(f"No category maps to a capability: `{UNCLASSIFIED}` until a maintainer classifies it.")
        return [UNCLASSIFIED]

    def lock_in(self, option: dict, caveats: list[dict]) -> None:
        legal = self.data.get("legal")
        written = clean_text(legal.get("license")) if isinstance(legal, dict) else ""
        parsed = licences.parse(written) if written else None
        if parsed is not None and parsed.licence is not None:
            licence = parsed.licence
            option["lock_in"] = {"licence": str(licence)}
            self.notes += [f"legal.license: {note}." for note in parsed.notes]
            if licence.open_source:
                option["cost"] = {"model": "free"}
                self.notes.append("cost.model = free: the licence is OSI-approved (no licence fee; running costs unknown).")
        elif parsed is not None:
            self.problem(("legal", "license"), f"`{licences.shown(written)}`: {parsed.error}: left unknown", "warning")
        else:
            self.problem(("legal", "license"), "no licence stated: left unknown", "warning")
        depends = self.data.get("dependsOn")
        proprietary = depends.get("proprietary") if isinstance(depends, dict) else None
        names = [clean_text(p.get("name") if isinstance(p, dict) else p) for p in as_list(proprietary)]
        names = [n for n in names if n]
        if names:
            caveats.append({
                "risk": "platform_control",
                "text": f"Depends on proprietary software: {', '.join(names)}.",
                "source": "publiccode",
            })

    def maintenance(self, option: dict, caveats: list[dict]) -> None:
        d = self.data
        section: dict[str, Any] = {}
        status = str(d.get("developmentStatus") or "").strip().casefold()
        maint = d.get("maintenance") if isinstance(d.get("maintenance"), dict) else {}
        kind = str(maint.get("type") or "").strip().casefold()
        if kind == "internal":
            section["status"] = "active"
        elif kind == "community":
            section["status"] = "community"
        elif kind == "none":
            section["status"] = "unmaintained"
        elif kind == "contract":
            ends = []
            open_ended = False
            for index, contractor in enumerate(as_list(maint.get("contractors"))):
                if not isinstance(contractor, dict):
                    continue
                until = as_date(contractor.get("until"))
                if until is None:
                    if contractor.get("until") is not None:
                        self.problem(("maintenance", "contractors"), f"`until` of contractor {index + 1} is not a date: left out", "warning")
                    open_ended = True
                    continue
                ends.append((until, clean_text(contractor.get("name")) or "the contractor"))
            if ends:
                until, who = max(ends)
                section["ends"] = until
                if until >= self.today or open_ended:
                    section["status"] = "active"
                else:
                    caveats.append({
                        "risk": "resourcing",
                        "text": f"The maintenance contract with {who} ended on {until.isoformat()}; who maintains it now is not stated.",
                        "source": "publiccode",
                    })
            elif open_ended:
                section["status"] = "active"
        elif kind:
            self.problem(("maintenance", "type"), f"`{clean_text(kind)}` is not internal, contract, community or none: left unknown", "warning")
        if status == "obsolete":
            section["status"] = "unmaintained"
        elif status in ("concept", "development", "beta"):
            caveats.append({
                "risk": "resourcing",
                "text": f"Its developmentStatus is `{status}`: not declared stable.",
                "source": "publiccode",
            })
        elif status and status != "stable":
            self.problem(("developmentStatus",), f"`{clean_text(status)}` is not a known development status: left out", "warning")
        if section:
            option["maintenance"] = section

    def collect_unmapped(self) -> None:
        """Every key of the file that the entry does not carry, deprecated ones named as such."""
        out: list[str] = []
        for key, value in self.data.items():
            if key in MAPPED_TOP:
                continue
            if key == "description" and isinstance(value, dict):
                for lang, fields in value.items():
                    if isinstance(fields, dict):
                        out += [f"description.{lang}.{k}" for k in fields if k not in MAPPED_DESCRIPTION]
                continue
            subsets = {"legal": MAPPED_LEGAL, "maintenance": MAPPED_MAINTENANCE, "dependsOn": MAPPED_DEPENDS}
            if key in subsets and isinstance(value, dict):
                out += [f"{key}.{k}" for k in value if k not in subsets[key]]
                continue
            if key.casefold() == "it" and isinstance(value, dict):
                out += [f"{key}.{k}" for k in value]
                continue
            out.append(key)
        for index, item in enumerate(out):
            bare = re.sub(r"^description\.[^.]+\.", "", item)
            norm = re.sub(r"^IT\.", "it.", bare)
            if norm in DEPRECATED:
                out[index] = f"{item} [{DEPRECATED[norm]}]"
        self.unmapped[:0] = out


def _string_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_key(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return "no" if key is False else "yes"  # YAML 1.1 reads the language code `no` as false
    return str(key)


def import_files(
    paths: list[Path], vocabulary, fallback: list[str] | None = None, today: date | None = None, reviewed: date | None = None
) -> tuple[list[Entry], list[Problem]]:
    """Entries for every file that can be read; problems for all of them. One bad file stops nothing."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path, folder in _found(paths):
        if folder is not None and not inside(path, folder):
            # Another repository's folder: a link out of it is never read, nor echoed.
            problems.append(Problem(str(path), 0, "", f"a symbolic link to a file outside {folder}: not read"))
            continue
        entry, found = read_file(path, vocabulary, fallback, today, reviewed)
        problems += found
        if entry is not None:
            entries.append(entry)
    return entries, problems
