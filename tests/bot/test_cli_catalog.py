"""`deepread catalog validate|stats` through the real console entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.recommender.test_catalog import GOOD


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def good_catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_validate_good(good_catalog: Path) -> None:
    result = run_cli("catalog", "validate", str(good_catalog))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_validate_bad_names_each_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("kind: book", "kind: podcast"), encoding="utf-8")
    result = run_cli("catalog", "validate", str(path))
    assert result.returncode == 1
    assert "nielsen-book: unknown kind 'podcast'" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_missing_file(tmp_path: Path) -> None:
    result = run_cli("catalog", "validate", str(tmp_path / "missing.yaml"))
    assert result.returncode == 1
    assert "not found" in result.stderr


def test_stats_json_contract(good_catalog: Path) -> None:
    result = run_cli("catalog", "stats", "--json", "--path", str(good_catalog))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "resources",
        "by_kind",
        "by_level",
        "by_topic",
        "with_url",
        "with_description",
    }
    assert data["resources"] == 2
    assert data["by_kind"] == {"paper": 1, "book": 1}
    assert data["with_url"] == 1


def test_corrupt_catalog_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.yaml"
    path.write_text("version: 1\nresources: [\n", encoding="utf-8")
    result = run_cli("catalog", "stats", "--path", str(path))
    assert result.returncode == 1
    assert "invalid catalog" in result.stderr and "line" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_on_every_level() -> None:
    for args in ([], ["catalog"], ["catalog", "stats"]):
        result = run_cli(*args, "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout
