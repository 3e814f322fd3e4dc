"""The source check of `sbb catalog lint`: is each cited page one click from the fact it backs?

A board asks "where does it say that?"; the answer must be the page that says it. Warned:

- `bare-homepage`: a site's front page cited for a specific fact;
- `repository-root`: a code repository's front page (or an owner's page) cited for a fact —
  cite the file or page that states it (the LICENSE file for a licence);
- `licence-file`: a licence file cited for a fact other than the licence (and the cost model
  and band it implies): it states nothing else. A caveat may cite one: it is about its terms;
- `copy`: a copy on another host (web archives, caches, document-sharing sites, mirrors);
- `shortener` and `redirect`: a link whose target the reader cannot see;
- `tracking`: tracking parameters (utm_*, fbclid, gclid …) in the address;
- `not-https`: a plain-http address;
- `staging`: a staging, development or preview host, or a local name;
- `stray-characters`: an address ending in an encoded space, quote or bracket (`…/%20`), or
  holding a raw space: a copy-and-paste slip that may not lead to the page.

The lists of hosts and parameters are data: `reference/source-check.toml`. A source can accept a
warning that is right for it — an archived copy of a page that no longer exists — with
`accept = ["copy"]` and a `note` saying why; such warnings are counted as explained.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from catalog.model import Catalog, Source, Tool
from catalog.problems import format_path, key_lines, line_of, read_text
from catalog.schema import SOURCE_CHECKS

DATA_FILE = Path(__file__).parent / "reference" / "source-check.toml"
# Facts a licence file does state: the licence, and the charging model and (no) fee an open
# licence implies.
LICENCE_FACTS = ("lock_in.licence", "cost.model", "cost.band")
LICENCE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|copyright|unlicense)([._-][a-z0-9.-]*)?$", re.I)
# Encoded white space, quotes and brackets at the end of an address: left over from copying it.
STRAY_END = re.compile(r"(%(20|09|0a|0d|22|27|3c|3e|29|5d))+$", re.I)
# Second-level names under which a registered name has three labels (`agency.gov.au`).
SECOND_LEVEL = frozenset("co com gov govt org net ac edu nsw vic qld wa sa tas act nt gouv gv or ne go mil nhs police".split())
SHOWN_FACTS = 4  # facts named in one warning; the rest are counted


@dataclass(frozen=True)
class Finding:
    """One weak source: which tool and source, what kind of weakness, and where it is written."""

    tool: str
    file: str
    line: int
    key: str  # `sources[2].url`
    source: str  # the source id
    url: str
    kind: str  # one of schema.SOURCE_CHECKS
    message: str
    explained: str = ""  # the source's note, when it accepts this kind

    def as_dict(self) -> dict:
        """The finding as plain data."""
        return {
            "tool": self.tool,
            "file": self.file,
            "line": self.line or None,
            "key": self.key,
            "source": self.source,
            "url": self.url,
            "kind": self.kind,
            "message": self.message,
            "explained": self.explained or None,
        }


@dataclass(frozen=True)
class Rules:
    """The lists of `reference/source-check.toml`, ready for matching."""

    forges: frozenset[str]
    copy_hosts: frozenset[str]
    mirror_labels: frozenset[str]
    shorteners: frozenset[str]
    redirect_hosts: frozenset[str]
    redirect_paths: tuple[str, ...]
    tracking_params: frozenset[str]
    tracking_prefixes: tuple[str, ...]
    staging_labels: frozenset[str]
    staging_hosts: frozenset[str]
    public_hosts: frozenset[str]
    preview_patterns: tuple[re.Pattern, ...]


@functools.cache
def rules() -> Rules:
    """The rules of the bundled data file."""
    import tomli

    data = tomli.loads(DATA_FILE.read_text(encoding="utf-8"))

    def lower(key: str) -> frozenset[str]:
        return frozenset(v.casefold() for v in data[key])

    return Rules(
        forges=lower("forges"),
        copy_hosts=lower("copy_hosts"),
        mirror_labels=lower("mirror_labels"),
        shorteners=lower("shorteners"),
        redirect_hosts=lower("redirect_hosts"),
        redirect_paths=tuple(v.casefold() for v in data["redirect_paths"]),
        tracking_params=lower("tracking_params"),
        tracking_prefixes=tuple(v.casefold() for v in data["tracking_prefixes"]),
        staging_labels=lower("staging_labels"),
        staging_hosts=lower("staging_hosts"),
        public_hosts=lower("public_hosts"),
        preview_patterns=tuple(re.compile(p) for p in data["preview_patterns"]),
    )


def _split(url: str):
    """The parts of a URL; a malformed one (an unclosed `[` IPv6 host) has no host or path."""
    try:
        parts = urlsplit(url)
        parts.hostname  # raises for a malformed host
        return parts
    except ValueError:
        return urlsplit("")


def _host(url: str) -> str:
    host = (_split(url).hostname or "").casefold().rstrip(".")
    return host.removeprefix("www.")


def _under(host: str, names: frozenset[str]) -> str:
    """The name in `names` that `host` is or is a subdomain of, or ""."""
    labels = host.split(".")
    for i in range(len(labels)):
        candidate = ".".join(labels[i:])
        if candidate in names:
            return candidate
    return ""


def _subdomain_labels(host: str) -> list[str]:
    """The labels before the registered name: `docs.staging` of `docs.staging.example.org`."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return labels[:-keep]


def _path_parts(url: str) -> list[str]:
    return [p for p in _split(url).path.split("/") if p]


def url_findings(url: str) -> list[tuple[str, str]]:
    """(kind, what is wrong) for the weaknesses of an address itself, whatever it is cited for."""
    r = rules()
    out: list[tuple[str, str]] = []
    parts = _split(url)
    host = _host(url)
    if parts.scheme.casefold() == "http":
        out.append(("not-https", "not https: cite the https address"))
    copy = _under(host, r.copy_hosts)
    path = _path_parts(url)
    if copy or host.split(".")[0] in r.mirror_labels:
        out.append(("copy", f"a copy on {copy or host}, not the publisher's page: cite the original"))
    elif host in r.forges and path and path[0].casefold() in r.mirror_labels:
        out.append(("copy", f"a mirror ({host}/{path[0]}), not the project's own repository: cite the original"))
    short = _under(host, r.shorteners)
    if short:
        out.append(("shortener", f"a shortened link ({short}): cite the page it leads to"))
    redirect = _under(host, r.redirect_hosts) or _redirect_path(host, parts.path.casefold(), r)
    query = parse_qsl(parts.query, keep_blank_values=True)
    carried = [k for k, v in query if re.match(r"^https?://", unquote(v).strip(), re.I)]
    if redirect or carried:
        via = redirect or f"its `{carried[0]}` parameter"
        out.append(("redirect", f"a redirect link (through {via}): cite the page it leads to"))
    tracking = [k for k, _ in query if k.casefold() in r.tracking_params or k.casefold().startswith(r.tracking_prefixes)]
    if tracking:
        names = ", ".join(dict.fromkeys(tracking))
        out.append(("tracking", f"tracking parameters ({names}): cite the address without them"))
    staging = _staging(host, r)
    if staging:
        out.append(("staging", f"a {staging}: cite the public page"))
    stray = STRAY_END.search(url) or re.search(r"\s", url.strip())
    if stray:
        out.append(("stray-characters", f"stray characters ({stray.group(0)!r}) in the address: cite it without them"))
    return out


def _redirect_path(host: str, path: str, r: Rules) -> str:
    """The redirect endpoint (`google.com/url`) that a host and path are, or ""."""
    for endpoint in r.redirect_paths:
        where, _, route = endpoint.partition("/")
        if (host == where or host.endswith("." + where)) and (path.rstrip("/") == "/" + route or path.startswith(f"/{route}/")):
            return endpoint
    return ""


def _staging(host: str, r: Rules) -> str:
    if not host or host in r.public_hosts:
        return ""
    try:
        ipaddress.ip_address(host)
        return f"bare IP address ({host})"
    except ValueError:
        pass
    local = _under(host, r.staging_hosts) or (host if host in r.staging_hosts else "")
    if local:
        return f"local or tunnel host ({host})"
    if any(p.search(host) for p in r.preview_patterns):
        return f"deploy preview ({host})"
    for label in _subdomain_labels(host):
        if label in r.staging_labels or any(part in r.staging_labels for part in label.split("-")):
            return f"staging or development host (`{label}` in {host})"
    return ""


def is_repository_root(url: str, tool: Tool) -> bool:
    """A forge URL with only an owner and project (or only an owner), or the tool's repository."""
    if tool.repository and _same(url, tool.repository):
        return True
    host = _host(url)
    if host not in rules().forges:  # the forge itself: `gist.github.com`, `docs.github.com` are pages
        return False
    parts = _path_parts(url)
    if parts and parts[-1].endswith(".git"):
        parts[-1] = parts[-1][: -len(".git")]
    if host.endswith("sourceforge.net"):
        return len(parts) <= 2 and (not parts or parts[0] == "projects")
    if len(parts) == 4 and parts[2] == "tree":  # `owner/project/tree/main`: the root at a branch
        return True
    if "-" in parts:  # GitLab: `group/project/-/blob/…`
        return False
    return len(parts) <= 2  # a query (`?tab=readme-ov-file`) shows the same front page


def is_bare_homepage(url: str) -> bool:
    """A site's front page: no path, no query (`https://example.org/`)."""
    parts = _split(url)
    return bool(parts.netloc) and parts.path in ("", "/") and not parts.query and not parts.fragment


def _same(a: str, b: str) -> bool:
    def norm(url: str) -> str:
        parts = _split(url.strip())
        return _host(url) + parts.path.rstrip("/").removesuffix(".git").casefold() + ("?" + parts.query if parts.query else "")

    return norm(a) == norm(b)


def citations(tool: Tool) -> dict[Source, list[tuple]]:
    """For each source, the facts and caveats that cite it (explicitly or by default), as key
    paths: ("options", 0, "data", "residency") or ("options", 0, "caveats", 1)."""
    out: dict[Source, list[tuple]] = {}
    for index, option in enumerate(tool.options):
        for key, fact in option.facts.items():
            for source in fact.sources:
                out.setdefault(source, []).append(("options", index, *key.split(".")))
        for c_index, caveat in enumerate(option.caveats):
            if caveat.source is not None:
                out.setdefault(caveat.source, []).append(("options", index, "caveats", c_index))
    return out


def _facts(paths: list[tuple]) -> str:
    shown = ", ".join(format_path(p) for p in paths[:SHOWN_FACTS])
    return shown + (f" and {len(paths) - SHOWN_FACTS} more" if len(paths) > SHOWN_FACTS else "")


def _licence_facts(paths: list[tuple]) -> list[tuple]:
    """The cited facts a licence file does not state (caveats about its terms aside)."""
    return [p for p in paths if p[2] != "caveats" and ".".join(p[2:]) not in LICENCE_FACTS]


def check_tool(tool: Tool) -> list[Finding]:
    """Every weak source of one tool, explained ones included."""
    if not tool.sources:
        return []
    cited: dict[Source, list[tuple]] | None = None  # worked out only for a root, homepage or licence file
    lines: dict[tuple, int] | None = None
    out: list[Finding] = []
    for index, source in enumerate(tool.sources):
        kinds = list(url_findings(source.url))
        root, bare = is_repository_root(source.url, tool), is_bare_homepage(source.url)
        licence_file = bool(LICENCE_FILE.search(_split(source.url).path.rstrip("/")))
        if root or bare or licence_file:
            cited = citations(tool) if cited is None else cited
            keys = cited.get(source, [])
            if keys and root:
                kinds.append(("repository-root", f"a repository root cited for {_facts(keys)}: cite the file or page that states them"))
            elif keys and bare:
                kinds.append(("bare-homepage", f"a bare homepage cited for {_facts(keys)}: cite the page that states them"))
            # Caveats citing a licence file are about its terms (open core, a source-available licence).
            other = _licence_facts(keys) if licence_file else []
            if other:
                kinds.append(("licence-file", f"a licence file cited for {_facts(other)}: it states only the licence"))
        found = {kind for kind, _ in kinds}
        stale = [k for k in source.accept if k not in found]
        if not kinds and not stale:
            continue
        if lines is None:
            text, _ = read_text(Path(tool.path)) if tool.path else (None, None)
            lines = key_lines(text) if text else {}
        position = ("sources", index)
        line = line_of(lines, position + ("url",))
        key = format_path(position + ("url",))
        for kind, what in kinds:
            explained = source.note if kind in source.accept else ""
            out.append(Finding(tool.id, tool.path, line, key, source.id, source.url, kind, f"source `{source.id}`: {what}", explained))
        for kind in stale:
            out.append(
                Finding(
                    tool.id, tool.path, line_of(lines, position + ("accept",)), format_path(position + ("accept",)),
                    source.id, source.url, "accept",
                    f"source `{source.id}` accepts `{kind}`, but its URL no longer has that problem: remove it from `accept`",
                )
            )
    return out


def check(catalog: Catalog) -> list[Finding]:
    """Every weak source of a catalogue, explained ones included, in file order."""
    return [finding for tool in catalog for finding in check_tool(tool)]


def counts(findings: list[Finding]) -> dict[str, dict[str, int]]:
    """Per kind: how many warnings, and how many of them the entries explain."""
    out = {kind: {"warnings": 0, "explained": 0} for kind in (*SOURCE_CHECKS, "accept")}
    for finding in findings:
        row = out[finding.kind]
        row["warnings"] += 1
        row["explained"] += bool(finding.explained)
    return out
