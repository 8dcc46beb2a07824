"""How a suggested resource reads in a message: what was found, what could not be, who asked.

Shared by /suggest (the member sees what the bot found) and /catalog review (the moderator
sees the same card, with who suggested it and why). Everything here is text that came from a
member or from the web, so every piece goes through `inert` and is clipped: a title cannot
ping, open a masked link or break out of the embed's limits. A member is named by their
display name (when the bot's cache knows them) and their id, never by a mention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import discord

from bot.discord import formatting
from bot.discord.resources import inert, safe_url
from bot.service.catalog_answers import Suggestion

COLOUR = discord.Colour.blurple()
MAX_AUTHORS = 6
DESCRIPTION_SHOWN = 1500
NOTE_SHOWN = 500


def authors_line(authors: Sequence[str]) -> str:
    """`A, B, C and 3 more`, inert; "—" when nobody is known."""
    if not authors:
        return "—"
    shown = ", ".join(" ".join(a.split()) for a in authors[:MAX_AUTHORS])
    more = f" and {len(authors) - MAX_AUTHORS} more" if len(authors) > MAX_AUTHORS else ""
    return inert(formatting.truncate(shown + more, 1000))


def plain(text: str | None, limit: int) -> str:
    """Member or web text on one line, inert and clipped ("—" when empty)."""
    if not text or not text.strip():
        return "—"
    return inert(formatting.truncate(" ".join(text.split()), limit))


def site_of(url: str | None) -> str:
    """The link's host (`arxiv.org`), inert; the title itself carries the link."""
    link = safe_url(url)
    if link is None:
        return "—"
    host = urlsplit(link).hostname or ""
    return plain(host.removeprefix("www."), 100)


def member_label(member_id: int | None, name: str | None = None) -> str:
    """`Ana (id 1234…)`: a name nobody is pinged by; "a former member" after /forgetme."""
    if member_id is None:
        return "a member who has since asked to be forgotten"
    if name:
        return f"{plain(name, 80)} (id {member_id})"
    return f"member id {member_id}"


def known_name(client: discord.Client, guild: discord.Guild | None, member_id: int | None) -> str:
    """The member's display name from the bot's caches, or "" (no request is made: the bot
    runs without the members intent, and an id is enough to tell people apart)."""
    if member_id is None:
        return ""
    person: Any = guild.get_member(member_id) if guild is not None else None
    if person is None:
        person = client.get_user(member_id)
    return str(getattr(person, "display_name", "") or "")


def details_embed(
    suggestion: Suggestion, *, title_prefix: str = "", colour: discord.Colour = COLOUR
) -> discord.Embed:
    """Title (linked when the link is http(s)), authors, year, description, what failed."""
    title = plain(suggestion.shown_title, 230)
    embed = discord.Embed(
        title=f"{title_prefix}{title}",
        url=safe_url(suggestion.url or suggestion.link),
        description=plain(suggestion.description, DESCRIPTION_SHOWN)
        if suggestion.description
        else "*No description was found.*",
        colour=colour,
    )
    embed.add_field(name="Authors", value=authors_line(suggestion.authors), inline=False)
    embed.add_field(name="Year", value=str(suggestion.year) if suggestion.year else "—")
    embed.add_field(name="Kind", value=plain(suggestion.kind, 40))
    embed.add_field(name="Site", value=site_of(suggestion.url or suggestion.link))
    if suggestion.problem:
        embed.add_field(
            name="Could not be fetched",
            value=plain(suggestion.problem, 300) + " — the details are what was typed.",
            inline=False,
        )
    return embed


def why_field(embed: discord.Embed, suggestion: Suggestion, suggested_by: str) -> None:
    """Who suggested it and the note they left, for the moderators' card."""
    embed.add_field(name="Suggested by", value=suggested_by, inline=False)
    if suggestion.note:
        embed.add_field(name="Why", value=plain(suggestion.note, NOTE_SHOWN), inline=False)
