"""The /similar command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.similar._embeds import similar_embed
from bot.service import Similar


class SimilarCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="similar", description="Resources close to one you liked.")
    @app_commands.describe(resource="A resource of the catalog (pick one, or type a title)")
    async def similar(self, interaction: discord.Interaction, resource: str) -> None:
        service = access.service(interaction)

        async def find() -> Similar:
            with access.user_errors():
                return await service.similar(
                    resource, user_id=interaction.user.id, k=5, guild_id=interaction.guild_id
                )

        found = await replies.in_time(interaction, find())
        if not found.results:
            raise UserFacingError(
                "I have nothing close to that one yet.",
                suggestion="Try /recommend with its topic instead.",
            )
        await replies.send(interaction, embed=similar_embed(found.source, found.results))

    @similar.autocomplete("resource")
    async def resource_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        service = access.service(interaction)
        return access.choices(service.resource_choices(current, guild_id=interaction.guild_id))
