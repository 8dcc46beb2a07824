"""Command sync decided by what Discord has registered: converge at start, no sync for nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.discord.support import add_testing_cog
from tests.fake_discord.harness import DiscordEnv, running_env
from tests.fake_discord.server import RecordedRequest

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]


def command_calls(env: DiscordEnv, since: int = 0) -> list[tuple[str, str]]:
    """(method, scope) of every application-command request from index `since`."""

    def scope(request: RecordedRequest) -> str:
        return "guild" if "/guilds/" in request.path else "global"

    return [
        (r.method, scope(r))
        for r in env.fake.requests[since:]
        if r.path.startswith(f"/applications/{env.fake.app_id}") and r.path.endswith("/commands")
    ]


async def test_fresh_start_syncs_then_same_definitions_do_not(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        await env.start_bot()
        assert command_calls(env) == [("GET", "global"), ("PUT", "global")]
        names = {c["name"] for c in env.fake.global_commands}
        assert {"help", "recommend", "daily"} <= names

        mark = len(env.fake.requests)
        await env.restart_bot()
        assert command_calls(env, mark) == [("GET", "global")]


async def test_a_fresh_cache_folder_against_old_registrations_does_not_sync(
    tmp_path: Path,
) -> None:
    async with running_env(tmp_path / "first", start=False) as env:
        await env.start_bot()
        await env.stop_bot()
        env.cache_dir = tmp_path / "another-deployment"
        mark = len(env.fake.requests)
        await env.start_bot()
        assert command_calls(env, mark) == [("GET", "global")]


async def test_registrations_reset_behind_the_bots_back_are_restored(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        await env.start_bot()
        await env.stop_bot()
        env.fake.global_commands.clear()  # a manual reset, or another deployment's empty tree
        mark = len(env.fake.requests)
        await env.start_bot()
        assert command_calls(env, mark) == [("GET", "global"), ("PUT", "global")]
        assert env.registered_command("help") is not None


async def test_a_registration_changed_elsewhere_is_put_back(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        await env.start_bot()
        await env.stop_bot()
        recommend = env.registered_command("recommend")
        assert recommend is not None
        ours = recommend["description"]
        recommend["description"] = "An older deployment's wording."
        mark = len(env.fake.requests)
        await env.start_bot()
        assert command_calls(env, mark) == [("GET", "global"), ("PUT", "global")]
        assert (env.registered_command("recommend") or {})["description"] == ours


async def test_a_changed_local_definition_is_synced(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        await env.start_bot()
        await env.stop_bot()
        env.extra_setup = [add_testing_cog]
        mark = len(env.fake.requests)
        await env.start_bot()
        assert command_calls(env, mark) == [("GET", "global"), ("PUT", "global")]
        assert env.registered_command("echo") is not None


async def test_a_guild_only_command_with_explicit_contexts_stays_in_sync(tmp_path: Path) -> None:
    """/daily sets contexts [0]; Discord fills in the defaults of the others: no resync."""
    async with running_env(tmp_path, start=False) as env:
        await env.start_bot()
        daily, help_ = env.registered_command("daily"), env.registered_command("help")
        assert daily is not None and daily["contexts"] == [0]
        assert help_ is not None and help_["contexts"] == [0, 1, 2]
        daily["contexts"] = [0, 1, 2]  # someone made it usable in DMs
        mark = len(env.fake.requests)
        await env.restart_bot()
        assert command_calls(env, mark) == [("GET", "global"), ("PUT", "global")]
        assert (env.registered_command("daily") or {})["contexts"] == [0]


async def test_dev_guild_converges_the_same_way(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        env.dev_guild_id = env.fake.guild_id
        await env.start_bot()
        assert command_calls(env) == [("GET", "guild"), ("PUT", "guild")]
        mark = len(env.fake.requests)
        await env.restart_bot()
        assert command_calls(env, mark) == [("GET", "guild")]
        env.fake.guild_commands[env.fake.guild_id].clear()
        mark = len(env.fake.requests)
        await env.restart_bot()
        assert command_calls(env, mark) == [("GET", "guild"), ("PUT", "guild")]
        assert env.fake.global_commands == []


async def test_a_forced_sync_puts_even_when_equal(tmp_path: Path) -> None:
    async with running_env(tmp_path) as env:
        assert env.bot is not None
        mark = len(env.fake.requests)
        count = await env.bot.sync_commands(force=True)
        assert count == len(env.fake.global_commands)
        assert command_calls(env, mark) == [("PUT", "global")]
