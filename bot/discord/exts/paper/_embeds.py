"""The /paper card as plain data: pure, so its limits are tested without Discord."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import formatting, limits
from bot.discord.resources import (
    historical_line,
    inert,
    linked_title,
    meta_line,
    origin_text,
    safe_url,
)
from bot.service import Resource

COLOUR = discord.Colour.dark_teal()
MAX_AUTHORS = 6


def authors_text(authors: Sequence[str], complete: bool = True) -> str:
    if not authors:
        return "—"
    shown = ", ".join(" ".join(a.split()) for a in authors[:MAX_AUTHORS])
    more = f" and {len(authors) - MAX_AUTHORS} more" if len(authors) > MAX_AUTHORS else ""
    if not complete:
        more = " et al."
    return inert(formatting.truncate(shown + more, limits.EMBED_FIELD_VALUE))


def related_text(related: Sequence[Resource]) -> str:
    if not related:
        return "—"
    return "\n".join(f"• {linked_title(r, 120)}" for r in related[:3])


def paper_embed(resource: Resource, summary: str, related: Sequence[Resource]) -> discord.Embed:
    """The card's embed; identical cards (a burst of /paper for one title) are built once."""
    return _card_embed(resource, summary, tuple(related))


@formatting.reused_embeds(maxsize=256)
def _card_embed(resource: Resource, summary: str, related: tuple[Resource, ...]) -> discord.Embed:
    embed = discord.Embed(
        title=inert(" ".join(resource.title.split())),
        url=safe_url(resource.link),
        description=inert(formatting.truncate(summary, 3000)),
        colour=COLOUR,
    )
    embed.add_field(
        name="Authors",
        value=authors_text(resource.authors, resource.authors_complete),
        inline=False,
    )
    embed.add_field(name="Year", value=str(resource.year) if resource.year else "—")
    embed.add_field(name="Level", value=resource.level)
    embed.add_field(name="Kind · level · topics", value=meta_line(resource), inline=False)
    if resource.historical:
        embed.add_field(name="Historical", value=historical_line(resource.historical, 1000))
    embed.add_field(name="Related", value=related_text(related), inline=False)
    embed.set_footer(text=origin_text(resource))
    return formatting.fit_embed(embed)


def suggestions_text(query: str) -> str:
    shown = inert(formatting.truncate(" ".join(query.split()), 100))
    return f"I couldn't find a paper matching “{shown}”. Did you mean one of these?"
