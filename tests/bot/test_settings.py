"""Settings come from the environment and `.env`; empty values mean "not set"."""

from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs import user_cache_path, user_data_path

import recommender
from bot.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings
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


BAD_SETTINGS = [
    ("DEV_GUILD_ID", "abc", "a Discord server id"),
    ("DEV_GUILD_ID", "-5", "a Discord server id"),
    ("LOG_LEVEL", "NOPE", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ("CACHE_DIR", "/etc/passwd", "a folder"),
    ("CACHE_DIR", "/etc/passwd/below-a-file", "a folder"),
    ("DISCORD_API_BASE", "not a url", "an http:// or https:// URL"),
    ("DISCORD_API_BASE", "ftp://files.example.org/api", "an http:// or https:// URL"),
    ("DISCORD_GATEWAY_URL", "https://gateway.example.org", "a ws:// or wss:// URL"),
]


@pytest.mark.parametrize("command", [["recommend", "rnn"], ["run"], ["progress", "--user", "1"]])
@pytest.mark.parametrize(("name", "value", "expected"), BAD_SETTINGS)
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: list[str],
    name: str,
    value: str,
    expected: str,
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("DISCORD_TOKEN", "MTIz.abc.def")  # `run` gets past the token check
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as info:
        main(command)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"deepread: {name}={value!r} is not valid: expected {expected}")


def test_good_values_are_normalised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LOG_LEVEL", " debug ")
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "not" / "yet" / "there"))
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:8080/api/v10")
    monkeypatch.setenv("DISCORD_GATEWAY_URL", "wss://gateway.example.org")
    monkeypatch.setenv("DEV_GUILD_ID", str(2**63 - 1))
    settings = load_settings()
    assert settings.log_level == "DEBUG" and settings.dev_guild_id == 2**63 - 1
    assert settings.cache_dir == tmp_path / "not" / "yet" / "there"


def test_several_bad_settings_still_make_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "loud")
    monkeypatch.setenv("DEV_GUILD_ID", "x")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert "\n" not in message and "LOG_LEVEL='loud'" in message and "DEV_GUILD_ID='x'" in message


def test_shards_are_a_count_and_this_process_s_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", " 3, 2")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.shard_count, settings.shard_ids) == (4, (2, 3))
    monkeypatch.delenv("SHARD_IDS")
    assert Settings(_env_file=None).shard_ids is None  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("count", "ids", "named"),
    [
        ("4", "0,4", "SHARD_IDS='0,4'"),
        (None, "1", "SHARD_IDS='1'"),
        ("4", "a,b", "SHARD_IDS='a,b'"),
        ("4", "1,1", "SHARD_IDS='1,1'"),
        ("0", None, "SHARD_COUNT='0'"),
    ],
)
def test_bad_shard_settings_are_one_line(
    monkeypatch: pytest.MonkeyPatch, count: str | None, ids: str | None, named: str
) -> None:
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    for name, value in (("SHARD_COUNT", count), ("SHARD_IDS", ids)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message and message.startswith(named + " is not valid: expected")


def test_server_catalog_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    defaults = Settings()
    assert defaults.fetch_allowed_origins == () and defaults.arxiv_api_url is None
    assert defaults.suggestions_per_member_per_day >= 1
    monkeypatch.setenv("FETCH_ALLOWED_ORIGINS", "127.0.0.1:8080, Localhost:9000")
    monkeypatch.setenv("ARXIV_API_URL", "http://127.0.0.1:8080/api/query?id_list={id}")
    monkeypatch.setenv("SERVER_CATALOG_GRACE_DAYS", "3")
    settings = Settings()
    assert settings.fetch_allowed_origins == ("127.0.0.1:8080", "localhost:9000")
    assert settings.server_catalog_grace_days == 3
    for name, value in (
        ("FETCH_ALLOWED_ORIGINS", "127.0.0.1"),
        ("ARXIV_API_URL", "ftp://x/{id}"),
        ("PENDING_SUGGESTIONS_PER_SERVER", "0"),
    ):
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError, match=name):
            load_settings()
        monkeypatch.delenv(name)
