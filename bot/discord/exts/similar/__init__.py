"""/similar: resources close to one resource of the catalog."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.similar._cog import SimilarCog

    await bot.add_cog(SimilarCog(bot))
