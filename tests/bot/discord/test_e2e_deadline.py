"""Every command that touches the database answers within Discord's 3-second deadline even
when the database is slow: past the answer budget it defers, then follows up.

The fake's deadline is shortened to 0.3 s and the real service is slowed by 0.4 s per call,
so a command that works before acknowledging is refused ("Unknown interaction") exactly as
Discord would refuse it after 3 s, and the module still runs in about a second.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.discord.services import Services
from tests.bot.discord.commands_support import answer, component, stored
from tests.bot.discord.real_services import real_services
from tests.fake_discord.harness import DiscordEnv
from tests.fake_discord.server import InteractionRecord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

DEADLINE_S = 0.3
DELAY_S = 0.4
SLOWED = ("mark", "progress", "reading_list", "export", "forget", "entries", "recommend_for_user")
# The budget is the bot's `answer_budget_s` (limits.ANSWER_BUDGET_S, 1.5 s, against Discord's
# 3 s); shortened here with the fake's deadline.
DROPOUT = "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting"


def slowed(call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(call)
    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(DELAY_S)
        return await call(*args, **kwargs)

    return slow


async def discord_services(tmp: Path) -> Services:
    services = await real_services(tmp)
    for name in SLOWED:
        setattr(services.service, name, slowed(getattr(services.service, name)))
    return services


async def answered(env: DiscordEnv, record: InteractionRecord) -> dict[str, Any]:
    data, _ = await answer(env, record)
    assert record.callback is not None and record.callback["type"] in (5, 6)  # deferred
    assert record.latency is not None and record.latency < DEADLINE_S
    return data


async def test_slow_database_commands_defer_then_answer(discord_env: DiscordEnv) -> None:
    env = discord_env
    env.fake.deadline = DEADLINE_S
    assert env.bot is not None
    env.bot.answer_budget_s = 0.1  # type: ignore[attr-defined]  # well inside the fake's 0.3 s
    try:
        marked = await answered(
            env, await env.send_command("read", {"resource": DROPOUT}, user="ida")
        )
        assert "as done" in marked["content"]

        async def run(name: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
            return await answered(env, await env.send_command(name, options, user="ida"))

        saved, progress, reading, export = await asyncio.gather(
            run("save", {"resource": "understanding-lstm-networks"}),
            run("progress"),
            run("readinglist"),
            run("export", {"format": "csv"}),
        )
        assert "as saved" in saved["content"]
        assert progress["embeds"] and reading["embeds"] and export["attachments"] is not None

        # The persistent "Save for later" button of a /paper card writes too.
        paper = await env.send_command("paper", {"query": DROPOUT}, user="ida")
        await env.wait_for_callback(paper)
        click = await env.click(f"deepread:save:{DROPOUT}", message=stored(env, paper), user="ida")
        assert "as saved" in (await answered(env, click))["content"]

        # /forgetme asks at once (no database work), then the confirmation defers.
        question = await env.send_command("forgetme", user="ida")
        asked = (await env.wait_for_callback(question))["data"]
        confirm = component(asked, "Delete everything")
        click = await env.click(confirm["custom_id"], message=stored(env, question), user="ida")
        assert "deleted everything" in (await answered(env, click))["content"]
    finally:
        env.fake.deadline = 3.0
        del env.bot.answer_budget_s  # type: ignore[attr-defined]
    assert env.fake.unhandled == []
