"""The words of /catalog: the review card, the list of additions, what was added.

Pure (plain values in, embeds and strings out), so every limit and every escape is tested
without Discord. Member- and web-provided text is made inert in `bot.discord.suggestions`.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import formatting
from bot.discord.resources import inert, resource_block, topics_text
from bot.discord.suggestions import details_embed, why_field
from bot.service import Resource
from bot.service.catalog_answers import AdditionsPage, ReviewCard

REVIEW_COLOUR = discord.Colour.gold()
LIST_COLOUR = discord.Colour.dark_green()
EMPTY_QUEUE = "The review queue is empty: no suggestion is waiting."
EMPTY_QUEUE_HINT = "-# Members suggest reading with /suggest; you can add some with /catalog add."
NO_ADDITIONS = "This server hasn't added anything to its catalog yet."
NO_ADDITIONS_HINT = "Approve suggestions with /catalog review, or add reading with /catalog add."
MODERATORS_ONLY = (
    "Only members with the **Manage Server** permission can manage this server's catalog."
)
MODERATORS_HINT = "You can suggest reading for it with /suggest."


def plan_line(level: str, topics: Sequence[str]) -> str:
    """`intermediate · Transformers, Attention`: how the resource will be filed."""
    shown = topics_text(topics, limit=5) if topics else "no topic chosen"
    return inert(f"{level} · {shown}")


def review_embed(
    card: ReviewCard,
    *,
    position: int,
    total: int,
    suggested_by: str,
    level: str,
    topics: Sequence[str],
) -> discord.Embed:
    """One suggestion for the moderator: what it is, who asked and why, how it would be filed."""
    suggestion = card.suggestion
    embed = details_embed(suggestion, title_prefix=f"#{suggestion.id} · ", colour=REVIEW_COLOUR)
    why_field(embed, suggestion, suggested_by)
    embed.add_field(name="Will be filed as", value=plan_line(level, topics), inline=False)
    embed.set_footer(
        text=f"Suggestion {position} of {total} · change the level or topics below, "
        "then Approve or Reject"
    )
    return embed


def additions_embed(page: AdditionsPage, page_size: int) -> discord.Embed:
    """A page of the server's additions, each with its id (what /catalog remove takes)."""
    start = page.offset + 1
    blocks = [
        resource_block(start + i, resource) + f"\n-# id `{resource.id}`"
        for i, resource in enumerate(page.resources)
    ]
    embed = discord.Embed(
        title="Added by this server",
        description="\n\n".join(blocks) or NO_ADDITIONS,
        colour=LIST_COLOUR,
    )
    pages = max(1, -(-page.total // page_size))
    current = page.offset // page_size + 1
    noun = "resource" if page.total == 1 else "resources"
    embed.set_footer(text=f"Page {current}/{pages} · {page.total} {noun}")
    return embed


def added_embed(resource: Resource) -> discord.Embed:
    """The entry as it is now in the server's catalog (an addition can be removed again; a
    resource of the shipped catalog cannot)."""
    embed = discord.Embed(description=resource_block(None, resource), colour=LIST_COLOUR)
    if resource.added_by_server:
        embed.set_footer(text=f"id {resource.id} · /catalog remove takes it out again")
    else:
        embed.set_footer(text=f"id {resource.id} · in deepread's own catalog")
    return embed


def removed_text(resource: Resource) -> str:
    """What /catalog remove answers; members' reading lists keep what they marked."""
    title = inert(formatting.truncate(" ".join(resource.title.split()), 200))
    return (
        f"Removed “{title}” (`{resource.id}`) from this server's catalog.\n"
        "-# Members who saved or read it keep it in their reading lists."
    )
