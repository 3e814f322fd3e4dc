"""Writing files without ever losing what a user already has."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class FileExists(Exception):
    """The target exists and overwriting was not asked for."""


def write_atomic(path: Path, text: str, overwrite: bool = False) -> None:
    """Write `text` to `path` via a temporary file in the same directory, then rename.

    A reader never sees a half-written file. Without `overwrite` an existing file is never
    replaced, even if it appears between the check and the rename (the final step is a
    hard link, which fails if the name is taken).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not overwrite:
        raise FileExists(str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes a private file; give it the mode a plain open() would (or keep the old one's).
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExists(str(path)) from None
            except OSError:
                # Filesystems without hard links: fall back to an exclusive create.
                with open(path, "x", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
            os.unlink(tmp)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
