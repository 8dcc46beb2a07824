"""`deepread db|read|save|list|progress|export|forget` end to end on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from recommender.catalog import Catalog, dump_catalog

USER = "987654321098765432"


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalog: Catalog) -> Path:
    catalog_file = tmp_path / "catalog.yaml"
    catalog_file.write_text(dump_catalog(catalog), encoding="utf-8")
    database = tmp_path / "var" / "deepread.db"
    monkeypatch.setenv("CATALOG_PATH", str(catalog_file))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout
    return database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0), out, err


def test_db_upgrade_creates_the_file_and_is_repeatable(
    capsys: pytest.CaptureFixture[str], environment: Path
) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and "empty -> " in out and environment.exists()
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and "already at revision" in out
    code, out, _ = run(capsys, "db", "status", "--json")
    assert json.loads(out)["state"] == "current"


def test_read_save_list_progress_export_forget(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "read", "deep residual learning", "--user", USER, "--rating", "4")
    assert code == 0
    assert "Marked “Deep Residual Learning for Image Recognition” (resnet) as done" in out
    code, out, _ = run(capsys, "read", "resnet", "--user", USER)
    assert code == 0 and "was already done" in out
    assert run(capsys, "save", "Deep Learning", "--user", USER)[0] == 0
    assert run(capsys, "dismiss", "gan", "--user", USER)[0] == 0

    code, out, _ = run(capsys, "list", "--user", USER)
    assert code == 0 and "resnet" in out and "dl-book" in out and "gan" not in out

    code, out, _ = run(capsys, "progress", "--user", USER, "--json", "--path", "resnet")
    data = json.loads(out)
    assert data["counts"] == {"saved": 1, "reading": 0, "done": 1, "dismissed": 1}
    assert data["path"]["next"] == "nn-basics" and data["path"]["done"] == 1
    code, out, _ = run(capsys, "progress", "--user", USER)
    assert code == 0 and "1 read of 8" in out and "Streak: 1 day(s) now" in out

    code, out, _ = run(capsys, "export", "--user", USER, "--format", "csv")
    assert [r["resource_id"] for r in csv.DictReader(io.StringIO(out))] == ["dl-book", "resnet"]
    code, out, _ = run(capsys, "export", "--user", USER, "--all")
    assert len(json.loads(out)["entries"]) == 3

    code, out, _ = run(capsys, "forget", "--user", USER)
    assert code == 0 and "3 entries deleted" in out
    code, out, _ = run(capsys, "progress", "--user", USER, "--json")
    assert json.loads(out)["counts"]["done"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("read", "deep", "--user", USER), "matches several resources; did you mean"),
        (("read", "xyzzy plugh", "--user", USER), "no resource matches 'xyzzy plugh'"),
        (("read", "resnet", "--user", USER, "--rating", "9"), "invalid rating 9"),
        (("read", "resnet", "--user", "-4"), "invalid user id -4"),
        (("export", "--user", USER, "--format", "docx"), "unknown format 'docx'"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("deepread: ") and message in err and "Traceback" not in err
    code, out, _ = run(capsys, "export", "--user", USER, "--format", "json")
    assert json.loads(out) == []


def test_a_newer_database_is_refused(capsys: pytest.CaptureFixture[str], environment: Path) -> None:
    import sqlite3

    assert run(capsys, "db", "upgrade")[0] == 0
    with sqlite3.connect(environment) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    code, _, err = run(capsys, "list", "--user", USER)
    assert code == 1 and "newer version" in err


def test_prefs_show_set_and_refuse_bad_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prefs", "--user", USER, "--json")
    assert json.loads(out) == {"user_id": USER, "default_level": None, "timezone": "UTC"}
    code, out, _ = run(
        capsys, "prefs", "--user", USER, "--level", "advanced", "--timezone", "Asia/Tokyo"
    )
    assert code == 0 and "default level advanced, time zone Asia/Tokyo" in out
    code, _, err = run(capsys, "prefs", "--user", USER, "--timezone", "Moon/Base")
    assert code == 2 and "unknown time zone 'Moon/Base'" in err
    code, out, _ = run(capsys, "prefs", "--user", USER, "--clear-level", "--json")
    assert json.loads(out)["default_level"] is None and json.loads(out)["timezone"] == "Asia/Tokyo"
