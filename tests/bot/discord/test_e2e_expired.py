"""Clicks no live view takes get one private "expired" note; clicks a view takes get none."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.discord.expired import PREFIX
from tests.bot.discord.support import add_testing_cog
from tests.fake_discord.harness import DiscordEnv, running_env
from tests.fake_discord.server import InteractionRecord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]


def done_button(env: DiscordEnv, record: InteractionRecord) -> tuple[str, dict[str, Any]]:
    message = env.fake.messages[record.original_message_id or 0]
    ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
    assert len(ids) == 1 and ids[0].startswith(f"{PREFIX}stopper:")
    return ids[0], message


def callbacks(env: DiscordEnv, click: InteractionRecord) -> list[dict[str, Any]]:
    path = f"{click.token}/callback"
    return [r.json for r in env.fake.requests if r.path.endswith(path)]


async def test_a_view_that_stops_itself_answers_alone_then_its_buttons_expire(
    tmp_path: Path,
) -> None:
    async with running_env(tmp_path, extra_setup=[add_testing_cog]) as env:
        record = await env.send_command("stopper")
        await env.wait_for_callback(record)
        custom_id, message = done_button(env, record)

        first = await env.click(custom_id, message=message)
        assert (await env.wait_for_callback(first))["type"] == 7  # the view's own update
        await asyncio.sleep(0.2)
        assert len(callbacks(env, first)) == 1  # and no "expired" racing it

        again = await env.click(custom_id, message=message)
        body = await env.wait_for_callback(again)
        assert body["type"] == 4 and body["data"]["flags"] & 64
        assert body["data"]["content"].startswith("This message has expired")
        assert "/stopper again" in body["data"]["content"]


async def test_someone_elses_click_on_a_live_view_gets_only_the_refusal(tmp_path: Path) -> None:
    async with running_env(tmp_path, extra_setup=[add_testing_cog]) as env:
        record = await env.send_command("stopper", user="alice")
        await env.wait_for_callback(record)
        custom_id, message = done_button(env, record)
        click = await env.click(custom_id, message=message, user="bob")
        body = await env.wait_for_callback(click)
        assert "belong to" in body["data"]["content"]
        await asyncio.sleep(0.2)
        assert len(callbacks(env, click)) == 1


async def test_a_timed_out_view_expires_in_the_same_process(tmp_path: Path) -> None:
    async with running_env(tmp_path, extra_setup=[add_testing_cog]) as env:
        record = await env.send_command("stopper", {"timeout": 0.1})
        await env.wait_for_callback(record)
        custom_id, message = done_button(env, record)
        await env.fake.wait_for_request(
            lambda r: r.method == "PATCH" and r.path.endswith(f"{record.token}/messages/@original")
        )
        click = await env.click(custom_id, message=message)  # a client that missed the edit
        body = await env.wait_for_callback(click)
        assert body["data"]["content"].startswith("This message has expired")
