"""/read, /save, /readinglist, /export: the user's own reading list."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.reading._cog import ReadingCog

    await bot.add_cog(ReadingCog(bot))
