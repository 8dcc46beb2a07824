"""`deepread run / sync / invite`: in-process for argument handling, as a real subprocess
against the fake Discord for running and syncing (signals, exit codes, token never printed)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from bot.cli import main
from bot.cli.run import PERMISSIONS, client_id_from_token, invite_url
from tests.fake_discord import FakeDiscord


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("DISCORD_TOKEN", "DEV_GUILD_ID", "DISCORD_API_BASE", "DISCORD_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path


def test_run_without_token_is_one_line_and_exit_2(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["run"], capsys)
    assert out == ""
    assert code == 2
    assert err.strip().splitlines() == [
        "deepread: DISCORD_TOKEN is not set (put it in the environment or in .env)."
    ]


def test_invite_reads_the_application_id_from_the_token(
    clean_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secretpart")
    code, out, _ = run_cli(["invite"], capsys)
    assert code == 0
    query = parse_qs(urlparse(out.strip()).query)
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"] == ["bot applications.commands"]
    perms = discord.Permissions(int(query["permissions"][0]))
    granted = {name for name, value in perms if value}
    assert granted == {
        "read_messages",  # discord.py's name for VIEW_CHANNEL
        "send_messages",
        "embed_links",
        "attach_files",
        "read_message_history",
        "send_polls",  # the reading club's poll
        "create_public_threads",  # discussion threads under posts
        "send_messages_in_threads",
    }
    assert "secretpart" not in out


def test_invite_with_explicit_client_id_and_bad_token(
    clean_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "client_id=42&" in invite_url(42)
    assert PERMISSIONS.value == 1024 | 2048 | 16384 | 32768 | 65536 | 1 << 49 | 1 << 35 | 1 << 38
    monkeypatch.setenv("DISCORD_TOKEN", "not-base64!.x.y")
    code, _, err = run_cli(["invite"], capsys)
    assert code == 2 and "--client-id" in err and "not-base64" not in err
    assert client_id_from_token(FakeDiscord().token) > 0


def subprocess_env(fake: FakeDiscord, tmp_path: Path) -> dict[str, str]:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("version: 1\nresources: []\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DEV_GUILD_ID"}
    env.update(
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        CATALOG_PATH=str(catalog),
        CACHE_DIR=str(tmp_path / "cache"),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        LOG_LEVEL="DEBUG",
        PYTHONPATH=str(Path.cwd()),
    )
    return env


CLI = [sys.executable, "-c", "from bot.cli import main; main()"]


@pytest.mark.e2e
async def test_run_connects_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        env = {**subprocess_env(fake, tmp_path), "ANSWER_BUDGET_S": "0"}
        proc = await asyncio.create_subprocess_exec(
            *CLI, "run",
            cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await asyncio.wait_for(fake.gateway.identified.wait(), 30)
            record = await fake.dispatch_interaction(
                2, {"id": "1", "name": "help", "type": 1}, user=fake.make_user("dana")
            )
            assert (await fake.wait_for_callback(record, timeout=10))["type"] == 4
            # Deferred (ANSWER_BUDGET_S=0 below), then answered through the interaction's
            # webhook (followup, delete).
            topic = [{"name": "topic", "type": 3, "value": "rnn"}]
            deferred = await fake.dispatch_interaction(
                2, {"id": "2", "name": "recommend", "type": 1, "options": topic},
                user=fake.make_user("dana"),
            )  # fmt: skip
            assert (await fake.wait_for_callback(deferred, timeout=10))["type"] == 5
            await fake.wait_for_followup(deferred, timeout=10)
            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), 20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    log = err.decode()
    assert proc.returncode == 0, log[-2000:]
    assert "shutting down" in log
    assert fake.token not in log and fake.token not in out.decode()
    # Interaction tokens (they let anyone answer as the bot for 15 minutes) are hidden too,
    # although discord.py logs them at DEBUG in URLs and gateway events.
    assert "/interactions/" in log and "/webhooks/" in log and "'token': '[REDACTED]'" in log
    for interaction in (record, deferred):
        assert interaction.token not in log
        assert interaction.token[20:60] not in log
    assert any(r.method == "PUT" for r in fake.requests)  # first start synced the commands


@pytest.mark.e2e
async def test_sync_pushes_commands_to_one_guild(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        proc = await asyncio.create_subprocess_exec(
            *CLI, "sync", "--guild", str(fake.guild_id),
            cwd=tmp_path, env=subprocess_env(fake, tmp_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    names = {c["name"] for c in fake.guild_commands[fake.guild_id]}
    assert out.decode().strip() == f"synced {len(names)} commands to guild {fake.guild_id}"
    assert {"help", "recommend", "paper", "read", "forgetme", "daily"} <= names
    assert fake.global_commands == []
    assert not fake.gateway.sessions  # HTTP only: sync never opens the gateway
    assert fake.token not in err.decode()


@pytest.mark.e2e
async def test_run_with_a_rejected_token_says_so_in_one_line(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        env = subprocess_env(fake, tmp_path)
        env["DISCORD_TOKEN"] = bad = "MTIzNDU2.wrong.token-that-must-not-leak"
        env["LOG_LEVEL"] = "CRITICAL"
        proc = await asyncio.create_subprocess_exec(
            *CLI, "run",
            cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert err.decode().strip().splitlines() == [
        "deepread: Discord rejected DISCORD_TOKEN (401 Unauthorized); check the token."
    ]
    assert bad not in out.decode() + err.decode()


def spoil_cache(cache: Path, content: bytes) -> list[Path]:
    """Every cached artifact cut to `content` (a crash or a full disk while it was written)."""
    files = sorted(p for p in cache.iterdir() if p.suffix in (".npz", ".json"))
    for path in files:
        path.write_bytes(content)
    return files


@pytest.mark.e2e
@pytest.mark.parametrize(
    "content", [b"", b"PK\x03\x04 not a zip, not json"], ids=["0-byte", "corrupt"]
)
async def test_a_spoiled_cache_is_a_miss_for_the_cli_and_for_run(
    tmp_path: Path, content: bytes
) -> None:
    async with FakeDiscord() as fake:
        env = subprocess_env(fake, tmp_path)
        del env["CATALOG_PATH"]  # the real catalog: its index and parsed catalog are cached
        cli = [*CLI, "recommend", "rnn", "--json"]
        first = await asyncio.create_subprocess_exec(
            *cli, cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE
        )
        warm, _ = await asyncio.wait_for(first.communicate(), 120)
        assert first.returncode == 0
        spoiled = spoil_cache(tmp_path / "cache", content)
        assert len(spoiled) == 2
        again = await asyncio.create_subprocess_exec(
            *cli, cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(again.communicate(), 120)
        assert again.returncode == 0 and "Aborted" not in err.decode(), err.decode()[-2000:]
        assert out == warm
        assert all(p.stat().st_size > 100 for p in spoiled)  # rebuilt and written again

        spoil_cache(tmp_path / "cache", content)
        proc = await asyncio.create_subprocess_exec(
            *CLI, "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await asyncio.wait_for(fake.gateway.identified.wait(), 60)
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0 and "Aborted" not in err.decode(), err.decode()[-2000:]
    assert all(p.stat().st_size > 100 for p in spoiled)
