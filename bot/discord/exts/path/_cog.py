"""The /path command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, formatting, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.path._embeds import path_embed
from bot.discord.resources import inert

EXAMPLE = "`/path topic: rnn`"


class PathCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="path", description="A reading path for a topic, basics first.")
    @app_commands.describe(topic="A topic, e.g. “rnn” or “reinforcement learning”")
    async def path(self, interaction: discord.Interaction, topic: str) -> None:
        service = access.service(interaction)
        access.query_text(interaction, topic, example=EXAMPLE)
        # Defer before ranking and the database read (the 3 s deadline); a "no path" hint
        # raised after this still reaches the user privately (errors.report withdraws the
        # public placeholder first).
        await replies.defer(interaction)
        with access.user_errors(suggestion=f"For example {EXAMPLE}."):
            path = await service.path(topic, user_id=interaction.user.id)
        if not path.steps:
            shown = inert(formatting.truncate(" ".join(topic.split()), 100))
            raise UserFacingError(
                f"I don't have a reading path for “{shown}”.",
                suggestion="Pick a topic from the list, or try /recommend.",
            )
        await replies.send(interaction, embed=path_embed(path))

    @path.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return access.choices(access.service(interaction).topic_choices(current))
