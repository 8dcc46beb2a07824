"""The /help command."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import replies
from bot.discord.exts.help.content import help_text

EMBED_COLOUR = discord.Colour.blurple()


class HelpCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What deepread does and how to use it.")
    async def help(self, interaction: discord.Interaction) -> None:
        names = [c.name for c in self.bot.tree.get_commands()]
        embed = discord.Embed(
            title="deepread — deep-learning reading for study groups",
            description=help_text(names),
            colour=EMBED_COLOUR,
        )
        embed.set_footer(text="Replies to /help are only visible to you.")
        await replies.send(interaction, embed=embed, ephemeral=True)
