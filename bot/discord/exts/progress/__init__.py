"""/progress: what the user has read, by topic and level, with streak and recent activity."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.progress._cog import ProgressCog

    await bot.add_cog(ProgressCog(bot))
