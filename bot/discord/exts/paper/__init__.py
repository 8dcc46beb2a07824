"""/paper: one paper in full (authors, year, level, summary, related), or "did you mean"."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.paper._cog import PaperCog

    await bot.add_cog(PaperCog(bot))
