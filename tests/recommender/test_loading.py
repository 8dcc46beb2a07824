"""open_catalog: a cold start parses, validates and caches; a warm one parses no YAML and fits
nothing; every broken cache file is a miss that is rebuilt and written again. fit_apart: a
child process fills a cold cache, and when it cannot, the caller's own open does the work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import recommender.catalog as catalog_module
import recommender.engine as engine_module
from recommender import loading
from recommender.cache import CATALOG_FORMAT, load_cached_catalog, load_index
from recommender.catalog import CatalogError, default_catalog_path, load_catalog
from recommender.loading import fit_apart, open_catalog, read_catalog
from recommender.stop_words import SKLEARN_ENGLISH_STOP_WORDS
from tests.recommender.conftest import FIXTURE_CATALOG


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    target = tmp_path / "catalog.yaml"
    shutil.copy(FIXTURE_CATALOG, target)
    return target


def _cached(cache: Path) -> tuple[Path, Path]:
    (catalog_json,) = cache.glob("catalog-*.json")
    (index,) = cache.glob("index-*.npz")
    return catalog_json, index


def _forbid_parsing_and_fitting(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise AssertionError("a warm start must neither parse YAML nor fit the index")

    monkeypatch.setattr(catalog_module, "parse_catalog_text", fail)
    monkeypatch.setattr(engine_module, "build_index", fail)


def _top(loaded_engine: engine_module.Engine, query: str) -> list[str]:
    return [r.resource.id for r in loaded_engine.recommend(query).results]


def test_cold_then_warm(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = open_catalog(catalog_file, cache)
    catalog_json, _ = _cached(cache)
    assert json.loads(catalog_json.read_bytes())["format"] == CATALOG_FORMAT
    assert not list(cache.glob(".tmp-*"))

    _forbid_parsing_and_fitting(monkeypatch)
    warm = open_catalog(catalog_file, cache)
    assert warm.catalog.resources == cold.catalog.resources
    assert warm.catalog.content_hash == cold.catalog.content_hash
    assert _top(warm.engine, "rnn beginner") == _top(cold.engine, "rnn beginner")
    assert warm.engine.ask("how do lstms work") == cold.engine.ask("how do lstms work")


def test_the_real_catalog_is_the_same_from_the_cache(tmp_path: Path) -> None:
    parsed = load_catalog(default_catalog_path())
    read_catalog(default_catalog_path(), tmp_path)
    cached = read_catalog(default_catalog_path(), tmp_path)
    assert cached.resources == parsed.resources
    assert cached.content_hash == parsed.content_hash


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
        pytest.param(lambda p: p.write_bytes(os.urandom(300)), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:-40]), id="truncated"),
        pytest.param(lambda p: p.write_text('{"format": 1, "resources": [{}]}'), id="wrong-json"),
        pytest.param(lambda p: p.write_text("[1, 2, 3]"), id="not-a-document"),
    ],
)
@pytest.mark.parametrize("which", ["catalog", "index"])
def test_a_broken_cache_file_is_rebuilt_and_rewritten(
    catalog_file: Path, tmp_path: Path, which: str, damage: object
) -> None:
    cache = tmp_path / "cache"
    expected = _top(open_catalog(catalog_file, cache).engine, "dropout")
    catalog_json, index = _cached(cache)
    target = catalog_json if which == "catalog" else index
    good = target.read_bytes()
    damage(target)  # type: ignore[operator]
    again = open_catalog(catalog_file, cache)
    assert _top(again.engine, "dropout") == expected
    # Rewritten: the JSON byte for byte, the index (zip timestamps differ) readable again.
    assert load_cached_catalog(catalog_json) is not None
    assert which == "index" or target.read_bytes() == good
    assert load_index(index, again.catalog.ids()) is not None
    assert _top(open_catalog(catalog_file, cache).engine, "dropout") == expected


def test_an_unreadable_cache_entry_is_a_miss_and_an_unwritable_cache_costs_no_answer(
    catalog_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    expected = _top(open_catalog(catalog_file, cache).engine, "dropout")
    catalog_json, index = _cached(cache)
    for path in (catalog_json, index):  # a folder where the file should be: cannot be read
        path.unlink()
        path.mkdir()
    assert _top(open_catalog(catalog_file, cache).engine, "dropout") == expected
    assert "cannot write the cache file" in caplog.text


def test_an_edited_catalog_is_validated_again(catalog_file: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    open_catalog(catalog_file, cache)
    text = catalog_file.read_text(encoding="utf-8")
    catalog_file.write_text(text.replace("kind: paper", "kind: papyrus", 1), encoding="utf-8")
    with pytest.raises(CatalogError, match="unknown kind 'papyrus'"):
        open_catalog(catalog_file, cache)
    catalog_file.write_text(text.replace("level: advanced", "level: beginner", 1), "utf-8")
    edited = open_catalog(catalog_file, cache)
    assert len(list(cache.glob("catalog-*.json"))) == 1  # the old version was replaced
    assert edited.catalog.content_hash != load_catalog(FIXTURE_CATALOG).content_hash


def test_a_missing_catalog_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        open_catalog(tmp_path / "nope.yaml", tmp_path / "cache")


def test_no_cache_dir_still_works(catalog_file: Path) -> None:
    assert len(read_catalog(catalog_file, None)) == len(load_catalog(catalog_file))


def test_the_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert frozenset(ENGLISH_STOP_WORDS) == SKLEARN_ENGLISH_STOP_WORDS


def test_fit_apart_fills_a_cold_cache_and_the_bot_imports_nothing_of_fitting(
    catalog_file: Path, tmp_path: Path
) -> None:
    """In a fresh process (this one has imported everything already): after fit_apart, the
    open is a warm start, so neither scikit-learn, scipy nor the YAML parser is imported."""
    cache = tmp_path / "cache"
    script = f"""
import sys
from recommender.loading import fit_apart, open_catalog
assert fit_apart({str(catalog_file)!r}, {str(cache)!r})
engine = open_catalog({str(catalog_file)!r}, {str(cache)!r}).engine
assert engine.recommend("rnn beginner").results
print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"sklearn", "scipy", "yaml"}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
    _cached(cache)  # both artifacts are there
    expected = _top(open_catalog(catalog_file, tmp_path / "in-place").engine, "dropout")
    assert _top(open_catalog(catalog_file, cache).engine, "dropout") == expected


def test_fit_apart_starts_no_child_when_the_cache_is_warm(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    open_catalog(catalog_file, cache)

    def no_child(*_: object, **__: object) -> None:
        raise AssertionError("a warm cache needs no child process")

    monkeypatch.setattr(loading.subprocess, "run", no_child)
    assert fit_apart(catalog_file, cache)


def test_fit_apart_on_an_invalid_catalog_leaves_the_message_to_the_open(
    catalog_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = catalog_file.read_text(encoding="utf-8")
    catalog_file.write_text(text.replace("kind: paper", "kind: papyrus", 1), encoding="utf-8")
    assert not fit_apart(catalog_file, tmp_path / "cache")
    assert "unknown kind 'papyrus'" in caplog.text  # the child's last line, logged
    with pytest.raises(CatalogError, match="unknown kind 'papyrus'"):
        open_catalog(catalog_file, tmp_path / "cache")
    with pytest.raises(CatalogError, match="not found"):
        fit_apart(tmp_path / "nope.yaml", tmp_path / "cache")


def test_when_the_child_cannot_fill_the_cache_the_open_does(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"  # a file where the cache folder should be: nothing is written
    blocked.write_text("", encoding="utf-8")
    assert not fit_apart(catalog_file, blocked)
    assert _top(open_catalog(catalog_file, blocked).engine, "dropout")
    monkeypatch.setattr(loading.sys, "executable", str(tmp_path / "no-such-python"))
    assert not fit_apart(catalog_file, tmp_path / "cache")  # a child that cannot start


def test_the_child_is_not_given_the_discord_token(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}

    def run(command: list[str], env: dict[str, str], **_: object) -> object:
        seen.update(env)
        return subprocess.CompletedProcess(command, 1, "", "stopped here")

    monkeypatch.setenv("DISCORD_TOKEN", "secret-token")
    monkeypatch.setattr(loading.subprocess, "run", run)
    assert not fit_apart(catalog_file, tmp_path / "cache")
    assert seen and "DISCORD_TOKEN" not in seen
