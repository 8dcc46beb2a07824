"""The /ask command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.ask._embeds import answer_embed
from bot.discord.resources import inert
from bot.service import CATALOG_SCOPE, Answer, nothing_on

EXAMPLE = "`/ask question: why do transformers use attention?`"


class AskCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="ask", description="Ask a question; I quote the catalog's answer.")
    @app_commands.describe(question="A question about deep learning")
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        service = access.service(interaction)

        async def find() -> Answer:
            with access.user_errors(suggestion=f"For example {EXAMPLE}."):
                return await service.ask(question, k=3, guild_id=interaction.guild_id)

        answer = await replies.in_time(interaction, find())
        if not answer.passages:
            raise UserFacingError(
                f"I don't know — {inert(nothing_on(question))} that answers it.",
                suggestion=f"{CATALOG_SCOPE} Try /recommend with the topic to find something "
                "to read about it.",
            )
        await replies.send(interaction, embed=answer_embed(question, answer.passages))
