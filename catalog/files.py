"""Writing files without ever losing what a user already has, and only where they were meant to go.

Every file the tool writes goes through `write_atomic` (text) or `write_atomic_bytes`: a
temporary file in the target directory, named `.NAME.PID.XXXXXXXX.tmp`, renamed over the
target once complete. A reader never sees half a file; a write that fails for any reason it
survives removes its temporary file; a temporary file left by a process that was killed is
removed by the next write into that directory (its process id is no longer running).

Every file named after data (a tool id from a catalogue or an import) is made by
`child_path`, which accepts only a slug and checks that the path stays inside its directory
after resolving symbolic links.
"""

from __future__ import annotations

import errno
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

# A catalogue id: lowercase ASCII letters and digits in dash-separated words. `SLUG` is this
# compiled, on first use (`__getattr__` below): most runs never check an id.
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# The longest id a file may be named after: well inside every filesystem's name limit.
MAX_SLUG = 80
# `.NAME.PID.XXXXXXXX.tmp`: the temporary files of write_atomic (PID: the writing process).
_TEMP = r"^\..+\.(\d+)\.[A-Za-z0-9_]+\.tmp$"
# `.NAME.XXXXXXXX.tmp`: those of earlier releases, which did not record the writer; swept once stale.
_OLD_TEMP = r"^\..+\.[a-z0-9_]{8}\.tmp$"
OLD_TEMP_AGE = 3600  # seconds: no write takes this long
_swept: set[str] = set()


def __getattr__(name: str) -> re.Pattern:
    """`SLUG`, compiled the first time it is asked for."""
    if name == "SLUG":
        compiled = globals()[name] = re.compile(_SLUG)
        return compiled
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class FileExists(FileExistsError):
    """The target exists (or is a dangling symbolic link) and overwriting was not asked for."""

    def __init__(self, path: object, reason: str = "already exists"):
        super().__init__(errno.EEXIST, reason, str(path))

    def __str__(self) -> str:
        return str(self.filename)


class UnsafePath(ValueError):
    """A name from data that would make a path outside its directory, or no usable file name."""


def is_slug(text: object) -> bool:
    """True for a usable catalogue id (and file name): a slug of at most MAX_SLUG characters."""
    return isinstance(text, str) and len(text) <= MAX_SLUG and bool(re.match(_SLUG, text))


def inside(path: Path, root: Path) -> bool:
    """True when `path`, with every symbolic link resolved, is `root` or inside it."""
    try:
        resolved, base = Path(path).resolve(), Path(root).resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        return False
    return resolved == base or base in resolved.parents


def child_path(directory: Path, name: str, suffix: str = ".toml") -> Path:
    """`directory/NAME.suffix` for a slug NAME, checked to stay directly inside `directory`.

    Raises UnsafePath for anything else: `../x`, an absolute path, `a/b`, a name too long for
    a file, or an existing symbolic link at that name pointing out of the directory.
    """
    from catalog.text import neutralise

    if not is_slug(name):
        shown = neutralise(str(name)) if len(str(name)) <= 100 else neutralise(str(name)[:97]) + "..."
        raise UnsafePath(
            f"`{shown}` is not a usable id: a slug of lowercase letters, digits and dashes, "
            f"at most {MAX_SLUG} characters"
        )
    directory = Path(directory)
    path = directory / f"{name}{suffix}"
    try:
        resolved_dir = directory.resolve()
        resolved = path.resolve()
    except (OSError, RuntimeError):
        raise UnsafePath(f"{path} cannot be resolved (a symbolic link loop?)") from None
    if resolved.parent != resolved_dir:
        raise UnsafePath(f"{path} is a symbolic link to {resolved}, outside {directory}: not written")
    return path


def sweep_temps(directory: Path) -> list[Path]:
    """Remove temporary files of writers that were killed before they finished.

    A temporary file whose process id is no longer running is left over; one of a running
    process is being written now and is kept. Returns the files removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = re.match(_TEMP, entry.name)
        if not entry.is_file(follow_symlinks=False):
            continue
        if match is None:
            if not re.match(_OLD_TEMP, entry.name) or now - entry.stat(follow_symlinks=False).st_mtime < OLD_TEMP_AGE:
                continue
        elif _running(int(match.group(1))):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists (another user's) or cannot tell: keep it
    return True


def _check_target(path: Path, overwrite: bool) -> None:
    """Refuse targets that cannot be written as asked, with an error that names `path`."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory (give a file name)", str(path))
    if path.is_symlink() and not path.exists():
        raise FileExists(path, "is a symbolic link to a missing file (remove it or choose another name)")
    if path.exists() and not overwrite:
        raise FileExists(path)


def write_atomic(path: Path, text: str | Iterable[str], overwrite: bool = False) -> None:
    """Write `text` (UTF-8, `\\n` line ends; one string or its pieces in order) to `path`
    atomically; see `write_atomic_bytes`."""
    if isinstance(text, str):
        write_atomic_bytes(path, text.encode("utf-8"), overwrite)
    else:
        write_atomic_bytes(path, (piece.encode("utf-8") for piece in text), overwrite)


def write_atomic_bytes(path: Path, data: bytes | Iterable[bytes], overwrite: bool = False, durable: bool = True) -> None:
    """Write `data` (bytes, or its pieces in order: a large output need not be held whole) to
    `path` via a temporary file in the same directory, then rename.

    A reader never sees a half-written file. Without `overwrite` an existing file is never
    replaced, even if it appears between the check and the rename (the final step is a
    hard link, which fails if the name is taken). A directory or a dangling symbolic link at
    `path` is refused with an error naming `path`. The temporary file is removed on any error.
    `durable=False` skips the flush to disk (caches, which are only slower when lost).
    """
    import tempfile  # only writing needs it (and its imports): reading a catalogue does not

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    parent = str(path.parent.resolve())
    if parent not in _swept:
        _swept.add(parent)
        sweep_temps(path.parent)
    _check_target(path, overwrite)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes a private file; give it the mode a plain open() would (or keep the old one's).
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, (bytes, bytearray, memoryview)):
                handle.write(data)
            else:
                for piece in data:
                    handle.write(piece)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if overwrite:
            _check_target(path, overwrite)
            try:
                os.replace(tmp, path)
            except IsADirectoryError:
                raise IsADirectoryError(errno.EISDIR, "Is a directory (give a file name)", str(path)) from None
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExists(path) from None
            except OSError:
                # Filesystems without hard links: fall back to an exclusive create.
                import shutil

                with open(tmp, "rb") as written, open(path, "xb") as handle:
                    shutil.copyfileobj(written, handle)
            os.unlink(tmp)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
