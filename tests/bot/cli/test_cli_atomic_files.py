"""Files the CLI writes (catalog, curation, exports) survive full disks and kills, and a
curation file that was cut short is refused instead of read as "no curation".

Faults are made three ways, each skipped cleanly where the machine does not allow it:
- a file-size limit (`RLIMIT_FSIZE`, with SIGXFSZ ignored) on a subprocess: every write past
  the limit fails with EFBIG, as a full disk fails with ENOSPC, and needs no privileges;
- a tiny tmpfs (`mount -t tmpfs -o size=200k`), the issue's own reproduction (root only);
- a patched `fsync` that raises ENOSPC, or that kills the process (SIGKILL) mid-write.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from recommender import files
from recommender.catalog import default_catalog_path, load_catalog
from recommender.ingest.build import default_curation_path

ROOT = Path(__file__).resolve().parents[3]


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def awesome_list(path: Path, links: int) -> Path:
    lines = ["# Awesome", "", "## Papers", ""]
    lines += [
        f"* [Imported paper number {i}](https://example.org/papers/{i}) - A study of item {i}."
        for i in range(links)
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def curation_copy(tmp_path: Path) -> Path:
    target = tmp_path / "curation.yaml"
    shutil.copy(default_curation_path(), target)
    return target


def cli(
    argv: list[str], *, prelude: str = "", fsize: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`deepread argv` in a fresh interpreter, optionally with `prelude` run first and a
    file-size limit in bytes."""

    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a dead process
        assert fsize is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    code = f"{prelude}\nfrom bot.cli import main\nmain({argv!r})\n"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit if fsize is not None else None,
        check=False,
    )


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("deepread: ") and "Traceback" not in stderr
    return lines[0]


def test_import_on_a_full_disk_keeps_the_curation_file_whole(
    tmp_path: Path, curation_copy: Path
) -> None:
    before = curation_copy.read_bytes()
    listing = awesome_list(tmp_path / "awesome.md", 2000)
    argv = ["catalog", "import", str(listing), "--curation", str(curation_copy)]
    done = cli(argv, fsize=len(before) + 20_000)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "File too large" in line and "is unchanged" in line
    assert curation_copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["awesome.md", "curation.yaml"]


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a tmpfs needs root and mount(8)")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace')}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_import_on_a_tiny_tmpfs_says_so_in_one_line(
    tmp_path: Path, tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    curation = tiny_disk / "curation.yaml"
    shutil.copy(default_curation_path(), curation)
    before = curation.read_bytes()
    listing = awesome_list(tmp_path / "awesome.md", 2000)
    assert run(["catalog", "import", str(listing), "--curation", str(curation)]) == 1
    line = one_line(capsys.readouterr().err)
    assert "No space left on device" in line and str(curation) in line
    assert curation.read_bytes() == before
    assert [p.name for p in tiny_disk.iterdir()] == ["curation.yaml"]


def test_a_kill_in_the_middle_of_writing_the_curation_leaves_it_whole(
    tmp_path: Path, curation_copy: Path
) -> None:
    before = curation_copy.read_bytes()
    listing = awesome_list(tmp_path / "awesome.md", 50)
    # The new text is written, not yet renamed into place, when the process dies.
    prelude = textwrap.dedent(
        """
        import os, signal
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = cli(
        ["catalog", "import", str(listing), "--curation", str(curation_copy)], prelude=prelude
    )
    assert done.returncode == -signal.SIGKILL
    assert curation_copy.read_bytes() == before
    out = tmp_path / "catalog.yaml"
    assert run(["catalog", "build", "--curation", str(curation_copy), "--output", str(out)]) == 0
    assert out.read_bytes() == default_catalog_path().read_bytes()


def no_space(fd: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_build_and_export_on_a_full_disk_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("an older catalog\n", "utf-8")
    monkeypatch.setattr(files.os, "fsync", no_space)
    assert run(["catalog", "build", "--output", str(catalog)]) == 1
    line = one_line(capsys.readouterr().err)
    assert "No space left on device" in line and f"{catalog} is unchanged" in line
    assert catalog.read_text("utf-8") == "an older catalog\n"

    export = tmp_path / "list.md"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'db.sqlite'}")
    assert run(["export", "--user", "5", "--format", "md", "-o", str(export)]) == 1
    assert "No space left on device" in one_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.yaml", "data"]


def curation_cut(path: Path, how: str) -> None:
    text = default_curation_path().read_text("utf-8")
    if how == "empty":
        path.write_bytes(b"")
    elif how == "only comments":
        path.write_text(text.split("version:")[0], "utf-8")
    elif how == "cut between lines":  # the drops section and everything after it are gone
        path.write_text(text[: text.index("\ndrops:") + 1], "utf-8")
    elif how == "cut mid-line":  # in the last drop's reason: still valid YAML, one drop less
        path.write_text(text[: text.rstrip().rindex(" ")], "utf-8")
    elif how == "no version":
        path.write_text(text.replace("version: 1\n", ""), "utf-8")


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("empty", "empty"),
        ("only comments", "holds no sections"),
        ("cut between lines", "missing drops"),
        ("cut mid-line", "cut short"),
        ("no version", "missing version"),
    ],
)
def test_build_refuses_a_curation_file_that_was_cut_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str, said: str
) -> None:
    curation = tmp_path / "curation.yaml"
    curation_cut(curation, how)
    out = tmp_path / "catalog.yaml"
    assert run(["catalog", "build", "--curation", str(curation), "--output", str(out)]) == 1
    line = one_line(capsys.readouterr().err)
    assert said in line and str(curation) in line
    assert not out.exists()


def test_an_import_into_the_smallest_curation_file_writes_a_complete_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    curation = tmp_path / "curation.yaml"
    curation.write_text("version: 1\naliases: []\nentries: {}\ndrops: {}\n", "utf-8")
    listing = awesome_list(tmp_path / "awesome.md", 3)
    assert run(["catalog", "import", str(listing), "--curation", str(curation)]) == 0
    out = tmp_path / "catalog.yaml"
    capsys.readouterr()
    assert run(["catalog", "build", "--curation", str(curation), "--output", str(out)]) == 0
    assert load_catalog(out).by_id("imported-paper-number-2") is not None
