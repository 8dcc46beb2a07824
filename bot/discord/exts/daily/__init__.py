"""/daily: a reading suggestion posted on each server's own schedule.

The decision (who is due, what to post) is the pure `bot.daily` core; `_runner` wraps it with
the post log's claims and the fault rules, `_sending` talks to Discord, `_cog` holds the
commands and the once-a-minute loop.
"""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.daily._cog import DailyCog

    await bot.add_cog(DailyCog(bot))
