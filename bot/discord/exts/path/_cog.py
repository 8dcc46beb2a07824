"""The /path command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, formatting, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.path._embeds import path_embed
from bot.discord.lookups import topic_choices
from bot.discord.resources import inert

EXAMPLE = "`/path topic: rnn`"


class PathCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="path", description="A reading path for a topic, basics first.")
    @app_commands.describe(topic="A topic, e.g. “rnn” or “reinforcement learning”")
    async def path(self, interaction: discord.Interaction, topic: str) -> None:
        path = access.engine(interaction).path(access.query_text(topic, example=EXAMPLE))
        if not path.steps:
            shown = inert(formatting.truncate(" ".join(topic.split()), 100))
            raise UserFacingError(
                f"I don't have a reading path for “{shown}”.",
                suggestion="Pick a topic from the list, or try /recommend.",
            )
        service = access.service(interaction)
        await replies.defer(interaction)
        entries = await service.entries(interaction.user.id)
        done = {e.resource_id for e in entries if e.status == "done"}
        await replies.send(interaction, embed=path_embed(path, done))

    @path.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return formatting.choices(topic_choices(current))
