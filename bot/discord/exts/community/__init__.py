"""The server as a group of readers: /popular, /next, /leaderboard (opt-in), and noting who
uses deepread in a server (its members, for the group's counts and the reading club)."""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.community._cog import CommunityCog
    from bot.discord.exts.community._optin import OptInButton

    bot.add_dynamic_items(OptInButton)
    await bot.add_cog(CommunityCog(bot))
