"""/recommend: the top picks for a topic at a level, with mark/save/dismiss and "More"."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.recommend._cog import RecommendCog

    await bot.add_cog(RecommendCog(bot))
