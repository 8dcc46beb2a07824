"""/ask: the catalog's best passages for a question, each cited with its resource."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.ask._cog import AskCog

    await bot.add_cog(AskCog(bot))
