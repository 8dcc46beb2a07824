"""/club: a reading club the bot runs. Each cycle a native poll picks the reading, the winner
is announced with the meeting time, and a thread opens to discuss it.

The decisions (when, which candidates, who won, exactly once) are the service's
`ClubRunner`; `_posting` carries its plans out on Discord, `_embeds` words them, `_cog` holds
the commands and the once-a-minute loop.
"""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.club._cog import ClubCog

    await bot.add_cog(ClubCog(bot))
