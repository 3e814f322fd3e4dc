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
directory, `SBB_CACHE_DIR` overrides it); loading never touches the network. Pulling checks
each fetched commit before checking it out (`catalog.federation.pull_sources`): a commit with
errors is refused and recorded beside the checkout (`PullState.rejected`), and the source stays
at its last good commit.
"""

from __future__ import annotations

import zlib
import os
import sys
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from catalog.problems import Problem, did_you_mean, key_lines, line_of, read_text, toml_problem
from catalog.record import record

def digest(data: bytes) -> str:
    """A short stable digest for cache and checkout names (not security: zlib is cheap to import)."""
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


APP_NAME = "sharebuybuild"
USER_FILE = "sources.toml"
PROJECT_FILE = "sbb.toml"
BUNDLED_NAME = "bundled"
NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # a source's name (compiled by `re` when a config is read)
TOP_KEYS = ("bundled", "sources")
SOURCE_KEYS = ("name", "path", "git", "ref")
# Transports git may use for a configured source: never `ext::` (runs commands) or others.
GIT_PROTOCOLS = "file:git:http:https:ssh"
GIT_TIMEOUT = 300  # seconds for one clone or fetch


@record(frozen=True)
class SourceSpec:
    """One catalogue source: a local directory, a git repository, or the bundled catalogue."""

    name: str  # the label facts carry as provenance
    kind: str  # "directory", "git" or "bundled"
    path: str  # directory (local) or directory inside the repository (git)
    url: str  # git only
    ref: str  # git only: branch, tag or commit; "" for the remote's default branch
    declared_in: str  # the file (or `--catalog`, `SBB_CATALOG`) that names it
    explicit: bool  # named on the command line for this run

    def __init__(
        self, name: str, kind: str, path: str = "", url: str = "", ref: str = "", declared_in: str = "",
        explicit: bool = False,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "ref", ref)
        object.__setattr__(self, "declared_in", declared_in)
        object.__setattr__(self, "explicit", explicit)

    @property
    def location(self) -> str:
        """Where it is, as a person would write it."""
        if self.kind == "git":
            return self.url + (f"@{self.ref}" if self.ref else "") + (f":{self.path}" if self.path else "")
        return self.path


@record
class SourceConfig:
    """The sources of one run, in precedence order, and the problems met reading the config."""

    sources: list[SourceSpec]  # a new [] when not given
    files: list[Path]  # a new [] when not given
    problems: list[Problem]  # a new [] when not given

    def __init__(
        self, sources: list[SourceSpec] | None = None, files: list[Path] | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.sources = [] if sources is None else sources
        self.files = [] if files is None else files
        self.problems = [] if problems is None else problems


def config_dir() -> Path:
    """The per-user config directory (`SBB_CONFIG_DIR` overrides it)."""
    override = os.environ.get("SBB_CONFIG_DIR")
    if override:
        return Path(override)
    if _plain_linux():
        return Path(_xdg_home("XDG_CONFIG_HOME", "~/.config"), APP_NAME)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The per-user cache directory: pulled repositories and parsed catalogues (`SBB_CACHE_DIR`)."""
    override = os.environ.get("SBB_CACHE_DIR")
    if override:
        return Path(override)
    if _plain_linux():
        return Path(_xdg_home("XDG_CACHE_HOME", "~/.cache"), APP_NAME)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def _plain_linux() -> bool:
    """Linux other than Android: the XDG base directories are computed here, as platformdirs
    computes them, without importing it (a tenth of a command's start-up); elsewhere
    platformdirs decides."""
    return sys.platform == "linux" and not hasattr(sys, "getandroidapilevel") and "ANDROID_DATA" not in os.environ


def _xdg_home(variable: str, default: str) -> str:
    """An XDG base directory: the variable when it holds an absolute path (the specification
    ignores a relative one), else `default` under the home directory — `$HOME` when absolute,
    else the account's home from the password database."""
    value = os.environ.get(variable, "")
    if value.startswith("/"):
        return value
    home = os.environ.get("HOME")
    if home is not None and not home.startswith("/"):
        import pwd

        try:
            home = pwd.getpwuid(os.getuid()).pw_dir
        except KeyError:
            home = None
        if home is None or not home.startswith("/"):
            raise RuntimeError(f"could not determine the home directory for {default!r}, set an absolute HOME or {variable}")
        return home.rstrip("/") + default[1:]
    expanded = os.path.expanduser(default)
    if not expanded.startswith("/"):
        raise RuntimeError(f"could not determine the home directory for {default!r}, set an absolute HOME or {variable}")
    return expanded


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
    from catalog.limits import parse_toml

    data, problem = parse_toml(text, name)
    if problem is not None:
        return [], None, [problem]
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
        if not re.match(NAME, label):
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
    from catalog.listing import BUNDLED_CATALOG

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


@record(frozen=True)
class PullState:
    """What pulling a git source accepted, and the newest commit it refused, if any.

    `commit` is the last good commit, the one checked out and read ("" when no commit of the
    source was ever accepted). A fetched commit whose catalogue has errors is never checked
    out: it is recorded as `rejected`, with the problems that refused it, until a later pull
    accepts a good one.
    """

    commit: str
    pulled_at: str  # ISO 8601, UTC: when `commit` was accepted
    url: str
    ref: str
    rejected: str  # the refused commit, or ""
    rejected_at: str  # when it was refused
    problems: tuple[Problem, ...]  # why it was refused (errors first)

    def __init__(
        self, commit: str = "", pulled_at: str = "", url: str = "", ref: str = "", rejected: str = "",
        rejected_at: str = "", problems: tuple[Problem, ...] = (),
    ) -> None:
        object.__setattr__(self, "commit", commit)
        object.__setattr__(self, "pulled_at", pulled_at)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "ref", ref)
        object.__setattr__(self, "rejected", rejected)
        object.__setattr__(self, "rejected_at", rejected_at)
        object.__setattr__(self, "problems", problems)

    @property
    def held_back(self) -> bool:
        """A newer commit was refused: the source is read at its last good commit, or not at all."""
        return bool(self.rejected)

    def as_dict(self) -> dict:
        """The state as stored beside the checkout."""
        data: dict[str, Any] = {"commit": self.commit, "pulled_at": self.pulled_at, "url": self.url, "ref": self.ref}
        if self.rejected:
            data["rejected"] = {
                "commit": self.rejected,
                "at": self.rejected_at,
                "problems": [p.as_dict() for p in self.problems],
            }
        return data


def _problem_from(data: Any) -> Problem | None:
    if not isinstance(data, dict):
        return None
    line = data.get("line")
    return Problem(
        str(data.get("file", "")), line if isinstance(line, int) else 0, str(data.get("key", "") or ""),
        str(data.get("message", "")), "warning" if data.get("severity") == "warning" else "error",
    )


def read_state(spec: SourceSpec, cache: Path | None = None) -> PullState | None:
    """The recorded state of a git source, or None if it was never pulled."""
    import json  # only git sources have a pull state: other runs do not import it

    path = checkout_dir(spec, cache).with_suffix(".json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not (checkout_dir(spec, cache) / ".git").exists():
        return None
    rejected = data.get("rejected") if isinstance(data.get("rejected"), dict) else {}
    problems = tuple(p for p in map(_problem_from, rejected.get("problems") or ()) if p is not None)
    return PullState(
        str(data.get("commit", "")), str(data.get("pulled_at", "")), str(data.get("url", "")), str(data.get("ref", "")),
        str(rejected.get("commit", "")), str(rejected.get("at", "")), problems,
    )


def write_state(spec: SourceSpec, state: PullState, cache: Path | None = None) -> None:
    """Record a git source's state beside its checkout (atomically)."""
    _write_json(checkout_dir(spec, cache).with_suffix(".json"), state.as_dict())


class PullError(Exception):
    """A git source could not be cloned or updated."""


@record(frozen=True)
class PullResult:
    """The outcome of pulling one git source."""

    name: str
    ok: bool
    message: str  # what happened; for a git failure, git's whole message
    commit: str  # the commit now read ("" when none)
    previous: str  # the commit read before this pull
    rejected: str  # a fetched commit that was refused
    problems: tuple[Problem, ...]  # why it was refused, or warnings of an accepted one

    def __init__(
        self, name: str, ok: bool, message: str, commit: str = "", previous: str = "", rejected: str = "",
        problems: tuple[Problem, ...] = (),
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "ok", ok)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "commit", commit)
        object.__setattr__(self, "previous", previous)
        object.__setattr__(self, "rejected", rejected)
        object.__setattr__(self, "problems", problems)


def _git(args: list[str], cwd: Path | None = None) -> str:
    """Run git without prompts; its output, or PullError with git's whole message."""
    import subprocess  # only pulling runs git: loading a catalogue never imports it

    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=_git_env(), capture_output=True, text=True, timeout=GIT_TIMEOUT
        )
    except FileNotFoundError:
        raise PullError("the `git` command is not installed") from None
    except subprocess.TimeoutExpired:
        raise PullError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise PullError(f"git {args[0]} failed (exit {done.returncode})" + (f":\n{detail}" if detail else ""))
    return done.stdout.strip()


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    # Never wait for a password prompt, and never let a URL pick a command-running transport.
    env.update(GIT_TERMINAL_PROMPT="0", GIT_ALLOW_PROTOCOL=GIT_PROTOCOLS, GIT_ASKPASS="true")
    return env


def fetch(spec: SourceSpec, cache: Path | None = None) -> tuple[str, str]:
    """Clone or update a git source's repository without touching its checkout.

    Returns the commit its ref now names and what was done ("cloned" or "fetched");
    raises PullError.
    """
    target = checkout_dir(spec, cache)
    if not (target / ".git").exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(target.name + ".partial")
        if staging.exists():
            remove_tree(staging)
        _git(["clone", "--quiet", "--no-checkout", "--", spec.url, str(staging)])
        if target.exists():
            remove_tree(target)  # a checkout without .git is not ours to keep reading
        staging.rename(target)
        action = "cloned"
    else:
        _git(["fetch", "--quiet", "--prune", "--tags", "--force", "origin"], cwd=target)
        action = "fetched"
    return _resolve(spec.ref, target), action


def export_commit(spec: SourceSpec, commit: str, destination: Path, cache: Path | None = None) -> None:
    """Write the files of `commit` into `destination` (a fresh directory), without checking it out.

    Only regular files and directories are written, never outside `destination`.
    """
    import subprocess
    import tarfile

    if destination.exists():
        remove_tree(destination)
    destination.mkdir(parents=True)
    root = destination.resolve()
    if not _git(["ls-tree", "--name-only", commit], cwd=checkout_dir(spec, cache)):
        return  # an empty tree: git archives it as a bare end-of-archive marker
    try:
        process = subprocess.Popen(
            ["git", "archive", "--format=tar", commit], cwd=checkout_dir(spec, cache), env=_git_env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise PullError("the `git` command is not installed") from None
    try:
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            for member in archive:
                target = (root / member.name).resolve()
                if not (member.isfile() or member.isdir()) or not target.is_relative_to(root):
                    continue
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as data, open(target, "wb") as out:
                    out.write(data.read())
    except tarfile.TarError as exc:
        process.kill()
        raise PullError(f"git archive gave an unreadable archive: {exc}") from None
    finally:
        stderr = process.stderr.read().decode("utf-8", "replace").strip() if process.stderr else ""
        code = process.wait(timeout=GIT_TIMEOUT)
    if code != 0:
        raise PullError(f"git archive failed (exit {code})" + (f":\n{stderr}" if stderr else ""))


def check_out(spec: SourceSpec, commit: str, cache: Path | None = None) -> None:
    """Switch a git source's checkout to `commit`."""
    _git(["checkout", "--quiet", "--force", "--detach", commit], cwd=checkout_dir(spec, cache))


@contextmanager
def pull_lock(cache: Path | None = None):
    """Hold the pull lock of a cache: one `pull` at a time. PullError when another holds it.

    The lock is the operating system's on an open file, so it is released when the process
    ends, however it ends: a killed pull never leaves a stale lock behind.
    """
    directory = (cache or cache_dir()) / "git"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / ".pull.lock"
    handle = open(path, "a+b")
    try:
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise PullError(
                f"another `sbb catalog pull` is running (it holds {path}); run this one again when it ends"
            ) from None
        yield
    finally:
        handle.close()


def now() -> str:
    """The current time, ISO 8601 in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


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
    import json

    from catalog.files import write_atomic

    write_atomic(path, json.dumps(data, indent=2), overwrite=True)


def remove_tree(path: Path) -> None:
    """Delete a directory tree (a checkout or scratch copy we made), ignoring errors."""
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
