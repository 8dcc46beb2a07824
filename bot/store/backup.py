"""A consistent copy of a live SQLite database, for `deepread db backup`.

Copying the file while the bot runs could catch a half-written page or miss what still sits
in the WAL; SQLite's online backup API (`sqlite3.Connection.backup`) copies a consistent
snapshot of the database as a reader sees it, WAL included, while writers go on. The copy is
written to a temporary file beside the target and then put in place in one step, so a reader
of PATH never sees half a backup; without `force`, an existing PATH is never replaced (the
final step is a hard link, which fails if PATH appeared meanwhile). PostgreSQL has its own
tool for this, `pg_dump`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from bot.store.engine import display_url, is_sqlite, sqlite_path
from bot.store.errors import StoreError


def backup_sqlite(url: str, target: Path, *, force: bool = False) -> Path:
    """Copy the SQLite database at `url` to `target`; the target's absolute path.

    StoreError for another backend (PostgreSQL: use pg_dump), a missing source, or an
    existing target without `force`.
    """
    if not is_sqlite(url):
        raise StoreError(
            f"{display_url(url)} is not SQLite: back PostgreSQL up with pg_dump "
            "(e.g. `pg_dump --format=custom --file=deepread.dump DATABASE`), see README"
        )
    source = sqlite_path(url)
    if source is None:
        raise StoreError("an in-memory database has nothing to back up")
    if not source.is_file():
        raise StoreError(f"no database at {source}")
    target = target.expanduser().absolute()
    if target.exists() and not force:
        raise StoreError(f"{target} exists; pass --force to replace it")
    if not target.parent.is_dir():
        raise StoreError(f"no folder {target.parent}")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _copy(source, tmp)
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise StoreError(f"{target} exists; pass --force to replace it") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _copy(source: Path, destination: Path) -> None:
    # The source is opened read-write on purpose: a read-only connection to a WAL database
    # can fail when the -shm file does not exist yet. Nothing is written to it.
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            # A standalone file: no -wal beside the copy is needed to read it.
            dst.execute("PRAGMA journal_mode=DELETE")
            dst.commit()
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(f"backup of {source} failed: {exc}") from None
    finally:
        src.close()
    with open(destination, "rb") as handle, contextlib.suppress(OSError):
        os.fsync(handle.fileno())
