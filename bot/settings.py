"""Typed settings from the environment and `.env`, built on demand (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from recommender.catalog import default_catalog_path

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/deepread.db"


class Settings(BaseSettings):
    """Every knob of deepread; README's configuration table lists the same names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    discord_token: SecretStr | None = Field(default=None, description="Bot token (for `run`).")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, description="SQLAlchemy async URL.")
    dev_guild_id: int | None = Field(default=None, description="Sync commands to this guild.")
    discord_api_base: str | None = Field(default=None, description="Discord REST base URL.")
    discord_gateway_url: str | None = Field(default=None, description="Gateway URL override.")
    log_level: str = Field(default="INFO", description="Python logging level.")
    catalog_path: Path = Field(default_factory=default_catalog_path)
    cache_dir: Path = Field(default=Path(".cache/deepread"), description="Index cache folder.")


def load_settings() -> Settings:
    return Settings()
