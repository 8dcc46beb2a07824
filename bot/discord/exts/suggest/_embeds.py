"""What a member sees after /suggest: what was found and filed, or the entry already there.

Pure: built from the service's `SuggestOutcome`, so every wording is tested without Discord.
"""

from __future__ import annotations

import discord

from bot.discord.resources import resource_block
from bot.discord.suggestions import NOTE_SHOWN, details_embed, plain
from bot.service.catalog_answers import SuggestOutcome

FILED = "Thanks! I filed your suggestion for this server's moderators. Here is what I found:"
FILED_TYPED = (
    "Thanks! I filed your suggestion for this server's moderators, with what you typed "
    "(I could not fetch its details):"
)
PENDING = "Someone already suggested this; it is waiting for the moderators:"
EXISTING = "That is already in the catalog, so there is nothing to file:"
FOOTER = "Only you can see this. The moderators review suggestions with /catalog review."


def outcome_message(outcome: SuggestOutcome) -> tuple[str, discord.Embed]:
    """(the line above the card, the card) for a /suggest answer."""
    if outcome.existing is not None:
        embed = discord.Embed(
            description=resource_block(None, outcome.existing), colour=discord.Colour.green()
        )
        embed.set_footer(text="Use /paper or /similar to find it again.")
        return EXISTING, embed
    if outcome.pending is not None:
        embed = details_embed(outcome.pending)
        embed.set_footer(text=FOOTER)
        return PENDING, embed
    assert outcome.suggestion is not None, "a filed outcome carries its suggestion"
    embed = details_embed(outcome.suggestion)
    if outcome.suggestion.note:
        embed.add_field(
            name="Your note", value=plain(outcome.suggestion.note, NOTE_SHOWN), inline=False
        )
    embed.set_footer(text=FOOTER)
    return (FILED if outcome.fetched else FILED_TYPED), embed
