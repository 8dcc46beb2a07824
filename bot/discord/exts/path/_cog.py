"""The /path command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, formatting, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.path._embeds import path_embed
from bot.discord.resources import inert
from bot.service import CATALOG_SCOPE, LearningPath, nothing_on

EXAMPLE = "`/path topic: rnn`"


class PathCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="path", description="A reading path for a topic, basics first.")
    @app_commands.describe(topic="A topic, e.g. “rnn” or “reinforcement learning”")
    async def path(self, interaction: discord.Interaction, topic: str) -> None:
        service = access.service(interaction)
        access.query_text(interaction, topic, example=EXAMPLE)

        async def plan() -> LearningPath:
            with access.user_errors(suggestion=f"For example {EXAMPLE}."):
                path = await service.path(
                    topic, user_id=interaction.user.id, guild_id=interaction.guild_id
                )
            if not path.steps:
                # Private either way: errors.report withdraws a public placeholder first.
                shown = inert(formatting.truncate(" ".join(topic.split()), 100))
                raise UserFacingError(
                    f"I don't have a reading path for “{shown}”: {inert(nothing_on(topic))}.",
                    suggestion=f"{CATALOG_SCOPE} Pick a topic from the list, or try /recommend.",
                )
            return path

        await replies.send(
            interaction, embed=path_embed(await replies.in_time(interaction, plan()))
        )

    @path.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return access.choices(access.service(interaction).topic_choices(current))
