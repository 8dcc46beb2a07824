"""/suggest: a member proposes reading for this server's catalog; the bot fetches the details.

`_cog` holds the command, `_embeds` what the member is shown (pure, tested without Discord).
The moderators' side is `/catalog review` (bot.discord.exts.catalog).
"""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.suggest._cog import SuggestCog

    await bot.add_cog(SuggestCog(bot))
