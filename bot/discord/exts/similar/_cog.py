"""The /similar command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, formatting, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.similar._embeds import similar_embed
from bot.discord.lookups import resolve_resource, resource_choices


class SimilarCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="similar", description="Resources close to one you liked.")
    @app_commands.describe(resource="A resource of the catalog (pick one, or type a title)")
    async def similar(self, interaction: discord.Interaction, resource: str) -> None:
        source = resolve_resource(access.catalog(interaction), resource)
        results = access.engine(interaction).similar(source.id, k=5)
        if not results:
            raise UserFacingError(
                "I have nothing close to that one yet.",
                suggestion="Try /recommend with its topic instead.",
            )
        await replies.send(interaction, embed=similar_embed(source, results))

    @similar.autocomplete("resource")
    async def resource_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return formatting.choices(resource_choices(access.catalog(interaction), current))
