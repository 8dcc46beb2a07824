"""`write_atomically`: all or nothing, whatever goes wrong while the bytes are written."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO

import pytest

from recommender import files
from recommender.files import TEMP_PREFIX, WriteFailed, write_atomically


def test_text_bytes_and_writers_replace_the_file_and_keep_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.yaml"
    write_atomically(target, "première\n")
    assert target.read_text("utf-8") == "première\n"
    target.chmod(0o640)
    write_atomically(target, b"second\n")
    assert target.read_bytes() == b"second\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # not mkstemp's 0o600
    write_atomically(target, lambda handle: handle.write(b"third\n"))
    assert target.read_bytes() == b"third\n"
    assert not list(target.parent.glob(f"{TEMP_PREFIX}*"))


def test_a_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "new.txt"
    write_atomically(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "curation.yaml"
    target.write_text("the old, complete file\n", "utf-8")

    def fill_the_disk(handle: IO[bytes]) -> None:
        handle.write(b"half of the new ")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(WriteFailed) as info:
        write_atomically(target, fill_the_disk)
    message = str(info.value)
    assert message == f"cannot write {target}: No space left on device; {target} is unchanged"
    assert target.read_text("utf-8") == "the old, complete file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curation.yaml"]


def test_a_failed_rename_or_fsync_is_reported_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n", "utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    with pytest.raises(WriteFailed, match="Input/output error"):
        write_atomically(target, "new\n")
    assert target.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_folder_that_cannot_exist_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", "utf-8")
    with pytest.raises(WriteFailed, match=r"cannot write .*a-file/out\.txt"):
        write_atomically(blocker / "out.txt", "x")
