"""Telling a suggester, privately, what the moderators decided.

A direct message is the only private channel outside an interaction, and a member may have
closed DMs from server members: Discord then answers 403 (50007). That is not an error of
the bot's; the moderator is simply told the member could not be reached.
"""

from __future__ import annotations

import logging

import discord

from bot.discord import formatting
from bot.discord.suggestions import plain
from bot.service.catalog_answers import Decision

log = logging.getLogger(__name__)


def decision_dm(decision: Decision, title: str, server: str) -> str | None:
    """What the suggester is told, or None when there is nothing to tell."""
    shown, where = plain(title, 200), plain(server, 100)
    if decision.outcome == "approved":
        return (
            f"Good news: your suggestion “{shown}” was added to the reading catalog of "
            f"**{where}**. Thank you!\n-# Members there will find it with /recommend and /paper."
        )
    if decision.outcome == "rejected":
        reason = f"\nThe moderators said: {plain(decision.reason, 500)}" if decision.reason else ""
        return (
            f"Your suggestion “{shown}” was not added to the reading catalog of **{where}**."
            f"{reason}\n-# You can suggest something else with /suggest."
        )
    return None


async def tell(client: discord.Client, member_id: int, text: str) -> bool:
    """Send `text` to the member by DM; False when it could not be delivered (closed DMs, a
    member who left, Discord failing), which the caller reports to the moderator."""
    try:
        channel = await client.create_dm(discord.Object(member_id))
        await channel.send(
            formatting.fit_content(text), allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as exc:
        log.info("could not DM member %s: %s", member_id, exc)
        return False
    return True


async def tell_suggester(
    client: discord.Client, decision: Decision, title: str, server: str
) -> str:
    """Tell the suggester and say, in one line for the moderator, whether it worked."""
    text = decision_dm(decision, title, server)
    if text is None:
        return ""
    if decision.suggester_id is None:
        return "The member has since asked deepread to forget them, so nobody was told."
    if await tell(client, decision.suggester_id, text):
        return "I told the member privately."
    return "I couldn't tell the member: they don't accept direct messages from this server."
