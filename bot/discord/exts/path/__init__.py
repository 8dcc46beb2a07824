"""/path: a reading path for a topic, basics to advanced, with ✅ on what the user finished."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.path._cog import PathCog

    await bot.add_cog(PathCog(bot))
