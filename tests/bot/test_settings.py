"""Settings come from the environment and `.env`; empty values mean "not set"."""

from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs import user_cache_path, user_data_path

import recommender
from bot.settings import DEFAULT_DATABASE_URL, Settings
from bot.store.engine import sqlite_path
from recommender.catalog import default_catalog_path


def test_empty_env_values_are_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DEV_GUILD_ID=\nDISCORD_TOKEN=\nLOG_LEVEL=DEBUG\n")
    for name in ("DEV_GUILD_ID", "DISCORD_TOKEN", "DATABASE_URL", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.dev_guild_id is None
    assert settings.discord_token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.log_level == "DEBUG"


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi")
    settings = Settings()
    assert "abc.def.ghi" not in repr(settings)
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def.ghi"


def test_defaults_are_per_user_folders_and_the_packaged_catalog(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "CACHE_DIR", "CATALOG_PATH"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    database = sqlite_path(settings.database_url)
    assert database == user_data_path("deepread", appauthor=False) / "deepread.db"
    assert database.is_absolute() and not database.is_relative_to(tmp_path)
    assert settings.cache_dir == user_cache_path("deepread", appauthor=False)
    assert settings.cache_dir.is_absolute()
    assert settings.catalog_path == default_catalog_path() and settings.catalog_path.is_file()
    assert settings.catalog_path.is_relative_to(Path(recommender.__file__).parent)


def test_documented_variables_override_the_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CATALOG_PATH", str(tmp_path / "catalog.yaml"))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert sqlite_path(settings.database_url) == tmp_path / "x.db"
    assert settings.cache_dir == tmp_path / "cache"
    assert settings.catalog_path == tmp_path / "catalog.yaml"
