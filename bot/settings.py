"""Typed settings from the environment and `.env`, built on demand (never at import time).

Nothing defaults to a path relative to the working directory: the database and the cache
live in the user's data and cache folders (platformdirs: `~/.local/share/deepread` and
`~/.cache/deepread` on Linux), and the catalog is the one the installed package carries. So
`deepread` answers the same from any folder, and `make demo` writes the database that a later
plain `deepread progress` reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_cache_path, user_data_path
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from recommender.catalog import default_catalog_path

APP_NAME = "deepread"


def default_database_url() -> str:
    """SQLite in the user's data folder (the engine creates the folder on first use)."""
    path = user_data_path(APP_NAME, appauthor=False) / "deepread.db"
    return f"sqlite+aiosqlite:///{path}"


def default_cache_dir() -> Path:
    """The user's cache folder: the index arrays and the parsed catalog can be rebuilt."""
    return user_cache_path(APP_NAME, appauthor=False)


DEFAULT_DATABASE_URL = default_database_url()


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
    cache_dir: Path = Field(default_factory=default_cache_dir, description="Index cache folder.")
    # Running on a server (README "Run it on a server"): metrics and health are off unless a
    # port is set, and listen on loopback unless told otherwise, so nothing is exposed by
    # accident; JSON logs are one object per line for a log collector.
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, description="Serve /metrics and /healthz on this port."
    )
    metrics_host: str = Field(default="127.0.0.1", description="Address /metrics listens on.")
    log_format: Literal["text", "json"] = Field(default="text", description="Log line format.")
    shutdown_grace_s: float = Field(
        default=10.0, ge=0, description="On SIGTERM, how long interactions in flight may finish."
    )


def load_settings() -> Settings:
    return Settings()
