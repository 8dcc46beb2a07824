"""/catalog: a server's moderators review suggestions and grow the server's own catalog.

`_cog` holds the command group; `_moderator` the Manage Server check every use repeats;
`_review` the review queue's card and its controls, `_review_forms` its forms (reason, title,
topics); `_adding` /catalog add and the form a moderator types details into when a link
cannot be fetched; `_listing` the paginated list of additions; `_clearing` deleting it all;
`_topics` reading typed topics; `_notify` telling a suggester privately; `_embeds` the words
(pure); `_lifecycle` what happens when the bot leaves or rejoins a server, and the purge.
"""

from __future__ import annotations

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    from bot.discord.exts.catalog._cog import CatalogCog
    from bot.discord.exts.catalog._lifecycle import CatalogLifecycle

    await bot.add_cog(CatalogCog(bot))
    await bot.add_cog(CatalogLifecycle(bot))
