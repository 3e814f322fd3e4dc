"""Problems in the shapes CI systems annotate: GitHub Actions workflow commands and SARIF 2.1.0.

`github` prints one `::error file=…,line=…,title=…::message` (or `::warning`) per problem,
escaped as GitHub's runner reads them: in the message `%`, CR and LF become `%25`, `%0D`
and `%0A`; in a property `:` and `,` also become `%3A` and `%2C`.

`sarif` is one SARIF 2.1.0 log with one run: the tool's name, version and the rules its
results cite, and per problem its level, message and (when known) file and start line.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from catalog.problems import Problem
from catalog.schema import SOURCE_CHECKS
from catalog.text import neutralise

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

# Rule ids and what each one checks. `validate` reports schema problems; `lint` hygiene.
RULES: dict[str, str] = {
    "schema-error": "The catalogue does not meet the schema: it cannot be used as it is.",
    "schema-warning": "The catalogue meets the schema, but something in it is probably a mistake.",
    "stale": "The entry was last reviewed longer ago than the allowed age.",
    "no-sources": "The tool cites no sources, so none of its facts can be checked.",
    "unknown-facts": "An option leaves facts the main requirements read unknown.",
    "likely-duplicate": "Two tools are probably the same (same URL or near-identical names).",
    **{f"source-{kind}": f"A source URL has the weakness `{kind}` (see catalog/SCHEMA.md, `accept`)." for kind in SOURCE_CHECKS},
    "source-accept": "A source accepts a weakness its URL no longer has.",
    "lint": "Another catalogue hygiene warning.",
}
_KIND = re.compile(r"\[([a-z-]+)\]$")


def rule_of(problem: Problem, command: str) -> str:
    """The rule id a problem is reported under, for `command` ("validate" or "lint")."""
    if command == "validate":
        return "schema-error" if problem.severity == "error" else "schema-warning"
    message = problem.message
    kind = _KIND.search(message)
    if kind and f"source-{kind.group(1)}" in RULES:
        return f"source-{kind.group(1)}"
    if message.startswith("stale:"):
        return "stale"
    if message.startswith("no sources"):
        return "no-sources"
    if " leaves unknown: " in message:
        return "unknown-facts"
    if message.startswith("likely duplicate"):
        return "likely-duplicate"
    return "lint"


def escape_data(text: str) -> str:
    """A workflow command's message, escaped: `%`, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped: as a message, and `:` and `,` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def shown_path(file: str) -> Path:
    """A problem's file as CI systems place it: relative to the working directory when inside it
    (the repository root, in a CI job), else as given."""
    path = Path(file)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd())
        except ValueError:
            return path
    return path


def github(problems: list[Problem], command: str) -> str:
    """One workflow command per problem (errors as `::error`, warnings as `::warning`)."""
    out = []
    for p in problems:
        level = "error" if p.severity == "error" else "warning"
        props = [f"file={escape_property(neutralise(shown_path(p.file).as_posix(), True))}"]
        if p.line:
            props.append(f"line={p.line}")
        title = f"sbb catalog {command}: {rule_of(p, command)}" + (f" at {p.key}" if p.key else "")
        props.append(f"title={escape_property(neutralise(title, True))}")
        message = (f"{p.key}: " if p.key else "") + p.message
        out.append(f"::{level} {','.join(props)}::{escape_data(neutralise(message))}")
    return "".join(line + "\n" for line in out)


def artifact_uri(file: str) -> str:
    """A file as a SARIF artifact URI: relative paths stay relative (forward slashes, encoded)."""
    path = shown_path(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix())


def tool_version() -> str:
    """The installed sharebuybuild version, e.g. `0.1.0` ("unknown" when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sharebuybuild")
    except PackageNotFoundError:
        return "unknown"


def sarif(problems: list[Problem], command: str, version: str | None = None) -> dict:
    """A SARIF 2.1.0 log of the problems: one run of `sbb catalog <command>`."""
    version = version or tool_version()
    used = sorted({rule_of(p, command) for p in problems}, key=list(RULES).index)
    index = {rule: i for i, rule in enumerate(used)}
    results = []
    for p in problems:
        rule = rule_of(p, command)
        location: dict = {"artifactLocation": {"uri": artifact_uri(p.file)}}
        if p.line:
            location["region"] = {"startLine": p.line}
        result = {
            "ruleId": rule,
            "ruleIndex": index[rule],
            "level": "error" if p.severity == "error" else "warning",
            "message": {"text": (f"{p.key}: " if p.key else "") + p.message},
            "locations": [{"physicalLocation": location}],
        }
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sharebuybuild",
                        "version": version,
                        "rules": [
                            {"id": rule, "name": rule, "shortDescription": {"text": RULES[rule]}} for rule in used
                        ],
                    }
                },
                "automationDetails": {"id": f"sbb-catalog-{command}/"},
                "results": results,
            }
        ],
    }
