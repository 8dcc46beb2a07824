"""/help: what deepread does and which commands it has."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.help._cog import HelpCog

    await bot.add_cog(HelpCog(bot))
