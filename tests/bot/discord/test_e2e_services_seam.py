"""The DI seam as later command tests use it: module-level services and extra commands."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.discord import replies
from bot.discord.client import DeepreadBot
from bot.discord.services import Services
from tests.fake_discord.harness import DiscordEnv

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


class FakeService:
    def __init__(self) -> None:
        self.asked: list[int] = []

    async def progress(self, user_id: int) -> int:
        self.asked.append(user_id)
        return 3


def discord_services() -> Services:
    return Services(service=FakeService())


async def add_count_command(bot: DeepreadBot) -> None:
    @app_commands.command(name="count", description="Asks the injected service.")
    async def count(interaction: discord.Interaction) -> None:
        read = await bot.services.service.progress(interaction.user.id)
        await replies.send(interaction, f"you read {read}", ephemeral=True)

    bot.tree.add_command(count)


discord_extra_setup = [add_count_command]


async def test_commands_reach_the_injected_service(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("count", user="erin")
    assert (await discord_env.reply(record))["content"] == "you read 3"
    assert discord_env.bot is not None
    service = discord_env.bot.services.service
    assert service.asked == [int(discord_env.fake.make_user("erin")["id"])]
