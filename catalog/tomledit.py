"""Rewriting a person's TOML file without losing what they wrote around the values.

When a file the user keeps (a requirements profile, say) is saved over, its comments, blank
lines, key order and quoting are theirs: `rewrite` changes only the values that changed, adds
new keys, removes keys no longer present, and keeps everything else as it was. tomlkit, which
keeps a document's layout, is imported only here, on that path, so start-up does not pay for it.
"""

from __future__ import annotations

import json
from typing import Any


def rewrite(existing: str | None, data: dict[str, Any], fresh: str) -> str:
    """The text to write: `existing` with `data`'s values, comments kept; else `fresh`.

    `fresh` (the plain rendering of `data`) is used when there is no existing text, when it is
    not TOML, or when the edited document would not read back as exactly `data`.
    """
    if not existing or not existing.strip():
        return fresh
    try:
        import tomlkit
        from tomlkit.exceptions import TOMLKitError
    except ImportError:  # a broken install: the plain text, as before
        return fresh
    import tomli

    try:
        document = tomlkit.parse(existing)
        _merge(document, data)
        text = tomlkit.dumps(document)
        if _same(tomli.loads(text)) != _same(tomli.loads(fresh)):
            return fresh
    except (TOMLKitError, tomli.TOMLDecodeError, ValueError, TypeError, KeyError):
        return fresh
    return text


def _same(value: Any) -> str:
    """A value's identity for comparing: `true` is not `1`, and key order does not count."""
    return json.dumps(value, sort_keys=True, default=repr)


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def _merge(container, data: dict[str, Any]) -> None:
    """Make `container` (a tomlkit document or table) hold `data`, touching only what differs."""
    for key in [k for k in container if k not in data]:
        del container[key]
    for key, value in data.items():
        if key in container:
            current = container[key]
            if isinstance(value, dict) and hasattr(current, "keys") and not isinstance(current, list):
                _merge(current, value)
                continue
            if _same(_plain(current)) == _same(value):
                continue  # unchanged: keep its layout and any comment beside it
        if key in container or isinstance(value, dict):
            container[key] = value
        else:
            _add_after_last_value(container, key, value)


def _add_after_last_value(container, key: str, value: Any) -> None:
    """Add a key right after the table's last value, not after the comments that close it
    (which a reader takes as the heading of what follows)."""
    from tomlkit.items import AoT, Table

    body_of = container.value if isinstance(container, Table) else container
    last = None
    for k, item in getattr(body_of, "body", []):
        if k is not None and not isinstance(item, (Table, AoT)):
            last = k.key
    try:
        if last is None:
            raise LookupError
        body_of._insert_after(last, key, value)  # tomlkit has no public "insert after"
    except (AttributeError, LookupError):
        container[key] = value


def rewrite_file(path, data: dict[str, Any], fresh: str) -> str:
    """`rewrite` of the file at `path` as it is now (fresh text when it cannot be read)."""
    from pathlib import Path

    from catalog.problems import read_text

    existing, _problem = read_text(Path(path), "TOML file")
    return rewrite(existing, data, fresh)
