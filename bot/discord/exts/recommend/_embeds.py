"""The /recommend reply as plain data: embed text for a page of results, select options.

Pure (no Discord I/O), so the limits are tested directly: the description of five results
stays under 4096 whatever the catalog holds, and every select option fits its 100 characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.discord import formatting, limits
from bot.discord.resources import inert, option_description, option_label, resource_block
from bot.service import Recommendation

PAGE_SIZE = 5
COLOUR = discord.Colour.blurple()


@dataclass(frozen=True, slots=True)
class Request:
    """What the user asked for, kept by the view so "More" asks the same again."""

    topic: str
    level: str | None = None
    kind: str | None = None


def heading(request: Request) -> str:
    topic = inert(formatting.truncate(" ".join(request.topic.split()), 120))
    extras = [x for x in (request.level, request.kind) if x]
    suffix = f" ({', '.join(extras)})" if extras else ""
    return f"Reading for “{topic}”{suffix}"


def page_text(results: Sequence[Recommendation], offset: int) -> str:
    blocks = [resource_block(offset + i + 1, r.resource, r.why) for i, r in enumerate(results)]
    return formatting.truncate("\n\n".join(blocks), limits.EMBED_DESCRIPTION)


def page_embed(request: Request, results: Sequence[Recommendation], offset: int) -> discord.Embed:
    embed = discord.Embed(
        title=heading(request), description=page_text(results, offset), colour=COLOUR
    )
    first, last = offset + 1, offset + len(results)
    embed.set_footer(
        text=f"Results {first}–{last} · already finished or dismissed ones are left out"
    )
    return formatting.fit_embed(embed)


def select_options(results: Sequence[Recommendation]) -> list[discord.SelectOption]:
    return [
        formatting.select_option(
            option_label(r.resource), r.resource.id, option_description(r.resource)
        )
        for r in results[: limits.SELECT_OPTIONS]
    ]
