"""Writing a file so that a crash, a `kill -9` or a full disk never leaves half of it.

Every file deepread writes (the catalog, the curation file, the index and catalog caches,
exports) goes through `write_atomically`: the bytes go to a temporary file in the same folder,
which is flushed and fsynced, then renamed over the target (a rename within one file system
is atomic), and the folder is fsynced so the rename itself survives a power cut. A reader
sees the old file or the new one, never a truncated mix; a failed write removes its
temporary file and leaves the old file exactly as it was.

Failures are raised as `WriteFailed`, whose message is one line a person can act on
("cannot write X: No space left on device; X is unchanged"), so a face prints it as it is.
"""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

TEMP_PREFIX = ".tmp-"
"""Temporary files start with this (hidden, and never matched by an artifact's glob)."""


class WriteFailed(OSError):
    """A file could not be written; the target was left as it was."""

    def __init__(self, path: Path, cause: OSError) -> None:
        reason = cause.strerror or str(cause) or type(cause).__name__
        super().__init__(cause.errno, f"cannot write {path}: {reason}; {path} is unchanged")
        self.path = path

    def __str__(self) -> str:
        return str(self.strerror)


Content = str | bytes | Callable[[IO[bytes]], object]
"""Text (written as UTF-8), bytes, or a function that writes to the open binary file."""


@functools.cache
def _new_file_mode() -> int:
    """What `open()` would give a new file here (0o666 less the umask); `mkstemp` makes its
    files 0o600, which would quietly turn a shared catalog or an export private."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, content: Content) -> None:
    """Replace `path` with `content` all at once, or raise `WriteFailed` and change nothing.

    The folder is created if needed. An existing file keeps its permission bits.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = _new_file_mode()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=path.suffix)
        with os.fdopen(fd, "wb") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise WriteFailed(path, exc) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; best effort (some systems cannot open a folder for fsync)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
