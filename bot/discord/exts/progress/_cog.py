"""The /progress command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, replies
from bot.discord.exts.progress._embeds import progress_embed


class ProgressCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="progress", description="What you have read, by topic and level.")
    @app_commands.describe(public="Show it to the channel (default: only you see it)")
    async def progress(self, interaction: discord.Interaction, public: bool = False) -> None:
        service = access.service(interaction)
        progress = await replies.in_time(
            interaction, service.progress(interaction.user.id, recent=5), ephemeral=not public
        )
        embed = progress_embed(progress, interaction.user.display_name)
        await replies.send(interaction, embed=embed, ephemeral=not public)
