"""Where catalogues come from: configured sources, in precedence order, and pulling git sources.

Two configuration files list sources, both TOML of the same shape:

- the per-user `sources.toml` in the platform's config directory (`SBB_CONFIG_DIR` overrides it);
- a project-level `sbb.toml`, found by walking up from the current directory.

    bundled = true            # optional; see `bundled` below

    [[sources]]
    name = "dta"              # label shown as provenance; defaults to the directory/repo name
    path = "catalogue"        # a local directory, relative to the file that names it

    [[sources]]
    name = "nsw"
    git = "https://github.com/example/nsw-catalogue.git"
    ref = "main"              # branch, tag or commit; default: the remote's default branch
    path = "catalogue"        # directory inside the repository; default: its root

Precedence, highest first: `--catalog` directories, `SBB_CATALOG` directories, the project
file's sources, the user file's sources, then the bundled catalogue. Precedence decides which
value a merged fact shows first; a disagreement is still reported as a conflict.

The bundled catalogue is read unless a file says `bundled = false` (the project file wins over
the user file), or — when neither file says anything — unless `--catalog` names the catalogues
for the run: naming catalogues on the command line replaces the bundled default but keeps the
configured sources. `SBB_NO_CONFIG=1` ignores both files for one run.

Git sources are cloned and updated only by `pull` (the `git` command, into the user cache
directory, `SBB_CACHE_DIR` overrides it); loading never touches the network.
"""

from __future__ import annotations

import zlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tomli

from catalog.problems import Problem, did_you_mean, key_lines, line_of, read_text, toml_problem

def digest(data: bytes) -> str:
    """A short stable digest for cache and checkout names (not security: zlib is cheap to import)."""
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


APP_NAME = "sharebuybuild"
USER_FILE = "sources.toml"
PROJECT_FILE = "sbb.toml"
BUNDLED_NAME = "bundled"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TOP_KEYS = ("bundled", "sources")
SOURCE_KEYS = ("name", "path", "git", "ref")
# Transports git may use for a configured source: never `ext::` (runs commands) or others.
GIT_PROTOCOLS = "file:git:http:https:ssh"
GIT_TIMEOUT = 300  # seconds for one clone or fetch


@dataclass(frozen=True)
class SourceSpec:
    """One catalogue source: a local directory, a git repository, or the bundled catalogue."""

    name: str  # the label facts carry as provenance
    kind: str  # "directory", "git" or "bundled"
    path: str = ""  # directory (local) or directory inside the repository (git)
    url: str = ""  # git only
    ref: str = ""  # git only: branch, tag or commit; "" for the remote's default branch
    declared_in: str = ""  # the file (or `--catalog`, `SBB_CATALOG`) that names it
    explicit: bool = False  # named on the command line for this run

    @property
    def location(self) -> str:
        """Where it is, as a person would write it."""
        if self.kind == "git":
            return self.url + (f"@{self.ref}" if self.ref else "") + (f":{self.path}" if self.path else "")
        return self.path


@dataclass
class SourceConfig:
    """The sources of one run, in precedence order, and the problems met reading the config."""

    sources: list[SourceSpec] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def config_dir() -> Path:
    """The per-user config directory (`SBB_CONFIG_DIR` overrides it)."""
    override = os.environ.get("SBB_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The per-user cache directory: pulled repositories and parsed catalogues (`SBB_CACHE_DIR`)."""
    override = os.environ.get("SBB_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def find_project_file(start: Path | None = None) -> Path | None:
    """The nearest `sbb.toml` in the current directory or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def read_config(path: Path) -> tuple[list[SourceSpec], bool | None, list[Problem]]:
    """The sources a config file lists, its `bundled` setting (None if unset), and its problems."""
    name = str(path)
    text, problem = read_text(path, "config")
    if problem is not None:
        return [], None, [problem]
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        return [], None, [toml_problem(name, exc)]
    lines = key_lines(text)
    problems: list[Problem] = []

    def problem(key_path: tuple, message: str, severity: str = "error") -> None:
        shown = ".".join(f"[{p + 1}]" if isinstance(p, int) else p for p in key_path).replace(".[", "[")
        problems.append(Problem(name, line_of(lines, key_path), shown, message, severity))

    for key in data:
        if key not in TOP_KEYS:
            problem((key,), f"unknown key `{key}`{did_you_mean(key, TOP_KEYS)}")
    bundled = data.get("bundled")
    if bundled is not None and not isinstance(bundled, bool):
        problem(("bundled",), f"expected true or false, found {type(bundled).__name__}")
        bundled = None
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        problem(("sources",), "expected an array of tables [[sources]]")
        raw_sources = []
    specs: list[SourceSpec] = []
    for index, raw in enumerate(raw_sources):
        where = ("sources", index)
        if not isinstance(raw, dict):
            problem(where, "expected a table")
            continue
        bad = False
        for key in raw:
            if key not in SOURCE_KEYS:
                problem(where + (key,), f"unknown key `{key}`{did_you_mean(key, SOURCE_KEYS)}")
                bad = True
        for key in SOURCE_KEYS:
            if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
                problem(where + (key,), "expected a non-empty string")
                bad = True
        if bad:
            continue
        git, local, ref = raw.get("git"), raw.get("path"), raw.get("ref")
        if git is None and local is None:
            problem(where, "a source needs `path` (a local directory) or `git` (a repository URL)")
            continue
        if ref is not None and git is None:
            problem(where + ("ref",), "`ref` only applies to a `git` source")
            continue
        if git is not None and (git.startswith("-") or "::" in git):
            problem(where + ("git",), f"`{git}` is not a repository URL git may fetch")
            continue
        label = raw.get("name") or _default_name(git or local)
        if not NAME.match(label):
            problem(where + ("name",), f"`{label}` is not a usable name (letters, digits, `.`, `_`, `-`)")
            continue
        if git is not None:
            inner = (local or "").strip("/")
            if Path(inner).is_absolute() or ".." in Path(inner).parts:
                problem(where + ("path",), "a path inside a repository must be relative and stay inside it")
                continue
            specs.append(SourceSpec(label, "git", inner, git, ref or "", name))
        else:
            directory = Path(os.path.expanduser(local))
            if not directory.is_absolute():
                directory = path.parent / directory
            specs.append(SourceSpec(label, "directory", str(directory), declared_in=name))
    return specs, bundled, problems


def _default_name(where: str) -> str:
    """A source's label from its path or URL: the last part, without `.git`."""
    tail = re.split(r"[/\\:]", where.rstrip("/\\"))[-1].removesuffix(".git")
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "-", tail).strip("-.") or "source"
    return cleaned


def configured_sources(
    explicit: list[Path] | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> SourceConfig:
    """Every source of this run, highest precedence first, with problems in the config files.

    `explicit` are `--catalog` directories. Two sources may not share a name: the later one is
    reported and dropped.
    """
    from catalog.loader import BUNDLED_CATALOG

    env = os.environ if env is None else env
    out = SourceConfig()
    candidates: list[SourceSpec] = []
    for directory in explicit or []:
        candidates.append(SourceSpec(str(directory), "directory", str(directory), declared_in="--catalog", explicit=True))
    for part in (env.get("SBB_CATALOG") or "").split(os.pathsep):
        if part.strip():
            candidates.append(SourceSpec(part.strip(), "directory", part.strip(), declared_in="SBB_CATALOG"))
    bundled: bool | None = None
    if env.get("SBB_NO_CONFIG", "").strip() not in ("1", "true", "yes"):
        files = []
        project = find_project_file(cwd)
        if project is not None:
            files.append(project)
        user = config_dir() / USER_FILE
        if user.is_file():
            files.append(user)
        for path in files:
            specs, setting, problems = read_config(path)
            out.files.append(path)
            out.problems += problems
            candidates += specs
            if bundled is None:
                bundled = setting  # the project file is read first, so it wins
    if bundled is None:
        bundled = not explicit
    if bundled:
        candidates.append(SourceSpec(BUNDLED_NAME, "bundled", str(BUNDLED_CATALOG), declared_in="built in"))
    seen: dict[str, SourceSpec] = {}
    for spec in candidates:
        if spec.name in seen:
            if spec.kind == seen[spec.name].kind and spec.location == seen[spec.name].location:
                continue  # the same source named twice (say, in both files): read it once
            out.problems.append(
                Problem(spec.declared_in, 0, "sources", f"a source named `{spec.name}` is already declared in {seen[spec.name].declared_in}; this one is ignored")
            )
            continue
        seen[spec.name] = spec
        out.sources.append(spec)
    return out


# -- git sources ------------------------------------------------------------------------------
def checkout_dir(spec: SourceSpec, cache: Path | None = None) -> Path:
    """Where a git source is cloned: one directory per (name, URL) under the cache."""
    return (cache or cache_dir()) / "git" / f"{spec.name}-{digest(spec.url.encode())[:10]}"


def catalogue_dir(spec: SourceSpec, cache: Path | None = None) -> Path:
    """The catalogue directory a source points at (for git: inside the checkout)."""
    if spec.kind == "git":
        base = checkout_dir(spec, cache)
        return base / spec.path if spec.path else base
    return Path(spec.path)


@dataclass(frozen=True)
class PullState:
    """What the last successful pull of a git source checked out."""

    commit: str = ""
    pulled_at: str = ""  # ISO 8601, UTC
    url: str = ""
    ref: str = ""


def read_state(spec: SourceSpec, cache: Path | None = None) -> PullState | None:
    """The recorded state of a git source, or None if it was never pulled."""
    path = checkout_dir(spec, cache).with_suffix(".json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (checkout_dir(spec, cache) / ".git").exists():
        return None
    return PullState(str(data.get("commit", "")), str(data.get("pulled_at", "")), str(data.get("url", "")), str(data.get("ref", "")))


class PullError(Exception):
    """A git source could not be cloned or updated."""


@dataclass(frozen=True)
class PullResult:
    """The outcome of pulling one git source."""

    name: str
    ok: bool
    message: str
    commit: str = ""
    previous: str = ""


def _git(args: list[str], cwd: Path | None = None) -> str:
    """Run git without prompts; its output, or PullError."""
    import subprocess  # only pulling runs git: loading a catalogue never imports it

    env = dict(os.environ)
    # Never wait for a password prompt, and never let a URL pick a command-running transport.
    env.update(GIT_TERMINAL_PROMPT="0", GIT_ALLOW_PROTOCOL=GIT_PROTOCOLS, GIT_ASKPASS="true")
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT
        )
    except FileNotFoundError:
        raise PullError("the `git` command is not installed") from None
    except subprocess.TimeoutExpired:
        raise PullError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise PullError(f"git {args[0]} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout.strip()


def pull(spec: SourceSpec, cache: Path | None = None) -> PullResult:
    """Clone or update a git source and check out its ref; the previous checkout survives a failure."""
    if spec.kind != "git":
        return PullResult(spec.name, True, "not a git source: nothing to pull")
    target = checkout_dir(spec, cache)
    previous = read_state(spec, cache)
    try:
        if not (target / ".git").exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = target.with_name(target.name + ".partial")
            if staging.exists():
                _remove_tree(staging)
            _git(["clone", "--quiet", "--no-checkout", "--", spec.url, str(staging)])
            staging.rename(target)
            action = "cloned"
        else:
            _git(["fetch", "--quiet", "--prune", "--tags", "--force", "origin"], cwd=target)
            action = "updated"
        commit = _resolve(spec.ref, target)
        _git(["checkout", "--quiet", "--force", "--detach", commit], cwd=target)
    except PullError as exc:
        return PullResult(spec.name, False, str(exc), previous=previous.commit if previous else "")
    if previous and previous.commit == commit:
        action = "up to date"
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    state = {"commit": commit, "pulled_at": stamp, "url": spec.url, "ref": spec.ref}
    _write_json(target.with_suffix(".json"), state)
    return PullResult(spec.name, True, action, commit, previous.commit if previous else "")


def _resolve(ref: str, repo: Path) -> str:
    """The commit a ref names: a remote branch, a tag, or a commit id; default the remote HEAD."""
    candidates = [f"refs/remotes/origin/{ref}", f"refs/tags/{ref}", ref] if ref else ["refs/remotes/origin/HEAD", "HEAD"]
    for candidate in candidates:
        try:
            return _git(["rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"], cwd=repo)
        except PullError:
            continue
    raise PullError(f"ref `{ref}` is not a branch, tag or commit of the repository")


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def short(commit: str) -> str:
    """A commit id shortened for display."""
    return commit[:10]


def describe(spec: SourceSpec) -> dict[str, Any]:
    """A source's declaration as plain data."""
    return {
        "name": spec.name,
        "kind": spec.kind,
        "location": spec.location,
        "declared_in": spec.declared_in,
        **({"url": spec.url, "ref": spec.ref, "path": spec.path} if spec.kind == "git" else {"path": spec.path}),
    }
