"""Typed settings from the environment and `.env`, built on demand (never at import time).

Nothing defaults to a path relative to the working directory: the database and the cache
live in the user's data and cache folders (platformdirs: `~/.local/share/deepread` and
`~/.cache/deepread` on Linux), and the catalog is the one the installed package carries. So
`deepread` answers the same from any folder, and `make demo` writes the database that a later
plain `deepread progress` reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from platformdirs import user_cache_path, user_data_path
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from recommender.catalog import default_catalog_path

APP_NAME = "deepread"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

EXPECTED = {
    "dev_guild_id": "a Discord server id (a positive whole number)",
    "log_level": f"one of {', '.join(LOG_LEVELS)}",
    "cache_dir": "a folder, or a path where one can be made",
    "catalog_path": "a file path",
    "database_url": "a SQLAlchemy URL such as sqlite+aiosqlite:///path/to/deepread.db",
    "discord_api_base": "an http:// or https:// URL, e.g. https://discord.com/api/v10",
    "discord_gateway_url": "a ws:// or wss:// URL, e.g. wss://gateway.discord.gg",
    "discord_token": "the bot token from the Discord Developer Portal",
    "fetch_allowed_origins": "comma-separated host:port pairs, e.g. 127.0.0.1:8080",
    "arxiv_api_url": "an http(s) URL template with {id}",
    "crossref_api_url": "an http(s) URL template with {doi}",
    "shard_count": "a whole number of shards, at least 1 (e.g. 4)",
    "shard_ids": "comma-separated shard ids below SHARD_COUNT (e.g. 0,1), with SHARD_COUNT set",
}
"""What each setting must be, in the words of the one-line error about it."""


class SettingsError(ValueError):
    """A setting with an unusable value; the message is one line naming the variable."""


def _url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError("not a URL of that kind")
    return value.strip()


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
    answer_budget_s: float = Field(
        default=1.5,
        ge=0,
        le=2.5,
        description="How long a command may work before it shows 'thinking…' (Discord: 3 s).",
    )
    shutdown_grace_s: float = Field(
        default=10.0, ge=0, description="On SIGTERM, how long interactions in flight may finish."
    )

    # Several processes over shards (README "Run it on a server"): every process gets the same
    # SHARD_COUNT and its own SHARD_IDS; unset, one process runs every shard Discord suggests.
    shard_count: int | None = Field(
        default=None, ge=1, description="Shards of the whole bot, over every process."
    )
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        default=None, description="This process's shards, e.g. 0,1 (needs SHARD_COUNT)."
    )

    # Server catalogs (issue 11): what members may suggest, and how links are fetched.
    suggestions_per_member_per_day: int = Field(
        default=5, ge=1, description="Suggestions one member may file per day in a server."
    )
    pending_suggestions_per_server: int = Field(
        default=50, ge=1, description="Suggestions awaiting review per server, at most."
    )
    additions_per_server: int = Field(
        default=1000, ge=1, description="Resources one server may add to its catalog."
    )
    server_catalog_grace_days: float = Field(
        default=7.0, ge=0, description="Days a server's catalog is kept after the bot leaves."
    )
    fetch_timeout_s: float = Field(
        default=10.0, gt=0, le=60, description="Whole time one fetch of a suggested link may take."
    )
    fetch_connect_timeout_s: float = Field(
        default=5.0, gt=0, le=60, description="Time to connect to a suggested link's site."
    )
    fetch_max_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, description="Largest page fetched for a suggestion."
    )
    fetch_user_agent: str | None = Field(
        default=None, description="User agent of fetches (default: deepread's polite one)."
    )
    arxiv_api_url: str | None = Field(
        default=None, description="arXiv export API URL template with {id} (tests)."
    )
    crossref_api_url: str | None = Field(
        default=None, description="Crossref works API URL template with {doi} (tests)."
    )
    fetch_allowed_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="host:port origins on loopback a fetch may reach (a test's fake web only).",
    )

    @field_validator("fetch_allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        """`127.0.0.1:8080,localhost:9000` from the environment, each with a port."""
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, tuple | list):
            for origin in value:
                host, _, port = str(origin).rpartition(":")
                if not host or not port.isdigit():
                    raise ValueError("not a list of host:port")
            return tuple(str(v).strip().lower() for v in value)
        return value

    @field_validator("arxiv_api_url", "crossref_api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        return _url(value, ("http", "https"))

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: object) -> object:
        """`0,1` from the environment (not JSON, which is how pydantic reads a tuple)."""
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",")]
            if not all(part.isdigit() for part in parts):
                raise ValueError("not a list of shard ids")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("shard_ids")
    @classmethod
    def _shards_in_range(
        cls, value: tuple[int, ...] | None, info: ValidationInfo
    ) -> tuple[int, ...] | None:
        """Checked against SHARD_COUNT here: discord.py would only fail once connected."""
        if value is None:
            return None
        count = info.data.get("shard_count")
        if count is None or not value or len(set(value)) != len(value):
            raise ValueError("needs SHARD_COUNT and distinct ids")
        if any(shard >= count for shard in value):
            raise ValueError("a shard id is not below SHARD_COUNT")
        return tuple(sorted(value))

    @field_validator("dev_guild_id")
    @classmethod
    def _snowflake(cls, value: int | None) -> int | None:
        if value is not None and not 0 < value < 2**63:
            raise ValueError("not a Discord id")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        """Checked here, not by `logging.basicConfig` at start-up (a traceback)."""
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError("not a logging level")
        return level

    @field_validator("cache_dir")
    @classmethod
    def _folder(cls, value: Path) -> Path:
        """A folder, or a path whose nearest existing part is one (made on first write)."""
        path = value.expanduser()
        for part in (path, *path.parents):
            if part.exists():
                if not part.is_dir():
                    raise ValueError(f"{part} is a file")
                break
        return path

    @field_validator("discord_api_base")
    @classmethod
    def _rest_url(cls, value: str | None) -> str | None:
        return _url(value, ("http", "https"))

    @field_validator("discord_gateway_url")
    @classmethod
    def _gateway_url(cls, value: str | None) -> str | None:
        return _url(value, ("ws", "wss"))


def load_settings() -> Settings:
    """The settings, or `SettingsError` naming the first bad variable and what it must be."""
    try:
        return Settings()
    except ValidationError as exc:
        raise settings_error(exc) from None


def settings_error(exc: ValidationError) -> SettingsError:
    """One line for a ValidationError of `Settings`: `LOG_LEVEL='NOPE' is not valid: ...`."""
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "settings"
        expected = EXPECTED.get(field, "a valid value")
        given = error.get("input")
        shown = f"={given!r}" if isinstance(given, str | int | float) else ""
        problems.append(f"{field.upper()}{shown} is not valid: expected {expected}")
    return SettingsError("; ".join(problems) + " (set in the environment or .env)")
