"""Helpers for the sharing tests: small catalogues as directories and as local git repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import tomli_w


def entry(name: str, homepage: str, *, licence: str = "MIT", exit_cost: str = "low", used_by=(), capabilities=("web-analytics",), extra_option: dict | None = None, repository: str = "") -> str:
    """TOML text of a valid tool entry with one open-source self-hosted option."""
    option = {
        "id": "self-hosted",
        "name": f"{name} (self-hosted)",
        "origin": "open-source",
        "deployment": "self-hosted",
        "data": {"full_export": True},
        "lock_in": {"licence": licence, "exit_cost": exit_cost},
    }
    if used_by:
        option["reuse"] = {"used_by": list(used_by)}
    data = {
        "schema_version": 1,
        "name": name,
        "summary": f"{name} does web analytics.",
        "homepage": homepage,
        "capabilities": list(capabilities),
        "last_reviewed": __import__("datetime").date(2026, 11, 1),
        "sources": [{"id": "home", "url": homepage}],
        "options": [option] + ([extra_option] if extra_option else []),
    }
    if repository:
        data["repository"] = repository
    return tomli_w.dumps(data)


def write_catalogue(directory: Path, entries: dict[str, str]) -> Path:
    """A catalogue directory with `tools/<id>.toml` for each entry."""
    tools = directory / "tools"
    tools.mkdir(parents=True, exist_ok=True)
    for tool_id, text in entries.items():
        (tools / f"{tool_id}.toml").write_text(text, encoding="utf-8")
    return directory


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity; returns standard output."""
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


def git_catalogue(repo: Path, entries: dict[str, str], inner: str = "catalogue") -> Path:
    """A git repository holding a catalogue under `inner`, committed on branch main."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "--quiet")
    write_catalogue(repo / inner, entries)
    commit(repo, "first catalogue")
    return repo


def commit(repo: Path, message: str) -> str:
    """Commit everything; returns the new commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", message)
    return git(repo, "rev-parse", "HEAD")
