"""Bot restarts against the same fake: persistent buttons, command-sync skipping, bad tokens."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

from bot.discord.services import Services
from tests.bot.discord.support import add_testing_cog
from tests.fake_discord.harness import running_env

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

RESOURCE = "attention-is-all-you-need"


async def test_persistent_button_works_after_restart(tmp_path: Path) -> None:
    async with running_env(tmp_path, extra_setup=[add_testing_cog]) as env:
        record = await env.send_command("resource", {"resource_id": RESOURCE})
        data = (await env.wait_for_callback(record))["data"]
        ids = [c["custom_id"] for row in data["components"] for c in row["components"]]
        assert ids == [f"deepread:mark:{RESOURCE}", f"deepread:save:{RESOURCE}"]
        old_message = env.fake.messages[record.original_message_id or 0]
        puts_before = [r for r in env.fake.requests if r.method == "PUT"]

        await env.restart_bot()  # a new process would have no memory of the old view

        calls: list[tuple[int, str]] = []

        async def mark(user_id: int, resource_id: str) -> str:
            calls.append((user_id, resource_id))
            return f"Marked **{resource_id}** as read."

        env.actions["mark"] = mark
        click = await env.click(f"deepread:mark:{RESOURCE}", message=old_message, user="carol")
        body = await env.wait_for_callback(click)
        assert body["type"] == 5 and body["data"]["flags"] & 64  # private "thinking…"
        reply = await env.reply(click)
        assert reply["content"] == f"Marked **{RESOURCE}** as read."
        assert click.results[0]["flags"] & 64
        assert calls == [(int(env.fake.make_user("carol")["id"]), RESOURCE)]

        # An action nobody wired yet gets a friendly refusal, not an error id.
        save = await env.click(f"deepread:save:{RESOURCE}", message=old_message)
        content = (await env.reply(save))["content"]
        assert "isn't available" in content

        # Same definitions, same cache dir: the restart did not sync commands again.
        assert [r for r in env.fake.requests if r.method == "PUT"] == puts_before


async def test_changed_commands_are_synced_again(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        await env.start_bot()
        assert len([r for r in env.fake.requests if r.method == "PUT"]) == 1
        await env.stop_bot()
        env.extra_setup = [add_testing_cog]
        await env.start_bot()
        puts = [r for r in env.fake.requests if r.method == "PUT"]
        assert len(puts) == 2 and {c["name"] for c in puts[1].json} >= {"help", "echo"}


async def test_dev_guild_gets_commands_and_keeps_them(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        env.dev_guild_id = env.fake.guild_id
        await env.start_bot()
        await env.restart_bot()
        # Synced once; the restart found Discord's guild commands equal (see command_sync).
        puts = [r for r in env.fake.requests if r.method == "PUT"]
        assert [r.path for r in puts] == [
            f"/applications/{env.fake.app_id}/guilds/{env.fake.guild_id}/commands"
        ]
        assert env.fake.global_commands == []
        # The command is found as a guild command by discord.py.
        record = await env.send_command("help")
        assert (await env.wait_for_callback(record))["type"] == 4


async def test_wrong_token_fails_login_fast(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        with pytest.raises(discord.LoginFailure):
            await env.start_bot(timeout=5, token="MTIz.bad.token")
        assert [r.path for r in env.fake.requests] == ["/users/@me"]


async def test_gateway_url_setting_overrides_what_discord_advertises(tmp_path: Path) -> None:
    async with running_env(tmp_path, start=False) as env:
        env.fake.advertised_gateway_url = "ws://127.0.0.1:9/nothing-listens-here"
        await env.start_bot(timeout=5)
        assert env.fake.gateway.live_sessions


async def test_a_timed_out_view_does_not_unregister_persistent_buttons(tmp_path: Path) -> None:
    async with running_env(tmp_path, extra_setup=[add_testing_cog]) as env:

        async def mark(user_id: int, resource_id: str) -> str:
            return f"marked {resource_id}"

        env.actions["mark"] = mark
        old = await env.send_command("resource", {"resource_id": RESOURCE})
        await env.wait_for_callback(old)
        timed = await env.send_command("pickres", {"resource_id": "other", "timeout": 0.1})
        await env.wait_for_callback(timed)
        await env.fake.wait_for_request(
            lambda r: r.method == "PATCH" and r.path.endswith(f"{timed.token}/messages/@original")
        )
        click = await env.click(f"deepread:mark:{RESOURCE}", message=old.original_message_id or 0)
        assert (await env.reply(click))["content"] == f"marked {RESOURCE}"


async def test_closing_the_bot_closes_services_once_and_unloads_features(tmp_path: Path) -> None:
    class Service:
        closed = 0

        async def aclose(self) -> None:
            Service.closed += 1

    async with running_env(tmp_path, start=False) as env:
        env.services = Services(service=Service())
        bot = await env.start_bot()
        assert "HelpCog" in bot.cogs
        await env.stop_bot()
        await bot.close()
        assert Service.closed == 1
        assert bot.cogs == {} and bot.extensions == {}
        assert not env.fake.gateway.live_sessions


async def test_only_deepread_components_nobody_handles_get_the_expired_note(
    tmp_path: Path,
) -> None:
    async with running_env(tmp_path, extra_setup=[add_testing_cog]) as env:
        record = await env.send_command("pick", {"timeout": 60.0})
        await env.wait_for_callback(record)
        message = env.fake.messages[record.original_message_id or 0]
        await env.restart_bot()
        # Not ours (another bot's or a test's id): left to discord.py, which stays silent.
        foreign = await env.click("test:pick", message=message)
        ours = await env.click("deepread:v:-:1:0123456789ab", message=message)
        body = await env.wait_for_callback(ours)
        assert body["type"] == 4 and body["data"]["flags"] & 64
        assert body["data"]["content"].startswith("These buttons have expired")
        await asyncio.sleep(0.2)
        assert foreign.callback is None
