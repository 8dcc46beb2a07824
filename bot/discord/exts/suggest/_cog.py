"""The /suggest command: any member, in a server, privately.

Fetching a page can take seconds (arXiv, Crossref, a slow site), so the work runs under
`replies.in_time`: a quick answer arrives in the callback, a slow one after a private
"thinking…". A link the bot refuses (not http(s), a private address, too large, too slow)
and a cap reached come back from the service as errors with a reason the member can act
on; nothing is stored then.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.suggest._embeds import outcome_message
from bot.service.catalog_answers import SuggestOutcome

EXAMPLES = "For example `1706.03762`, `10.1038/nature14539` or `https://distill.pub/…`."


class SuggestCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="suggest", description="Suggest reading for this server's catalog.")
    @app_commands.guild_only()
    @app_commands.describe(
        link="An arXiv id or link, a DOI, or any http(s) link",
        note="Why the group should read it (optional; the moderators see it)",
    )
    async def suggest(
        self, interaction: discord.Interaction, link: str, note: str | None = None
    ) -> None:
        if interaction.guild_id is None:
            raise UserFacingError("Suggestions are for a server's catalog: use this in a server.")
        service = access.service(interaction)
        guild_id = interaction.guild_id

        async def file() -> SuggestOutcome:
            with access.user_errors(suggestion=EXAMPLES):
                return await service.suggest(guild_id, interaction.user.id, link, note=note)

        outcome = await replies.in_time(interaction, file(), ephemeral=True)
        content, embed = outcome_message(outcome)
        await replies.send(interaction, content, embed=embed, ephemeral=True)


__all__ = ["SuggestCog"]
