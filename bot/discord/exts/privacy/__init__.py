"""/forgetme: delete everything deepread stores about the user, after a confirmation."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.privacy._cog import PrivacyCog

    await bot.add_cog(PrivacyCog(bot))
