"""The /similar reply as plain data."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import formatting, limits
from bot.discord.resources import linked_title, resource_block
from bot.service import Recommendation, Resource

COLOUR = discord.Colour.green()


def similar_embed(source: Resource, results: Sequence[Recommendation]) -> discord.Embed:
    blocks = [resource_block(i + 1, r.resource, r.why) for i, r in enumerate(results)]
    embed = discord.Embed(
        title="Similar reading",
        description=formatting.truncate(
            f"Close to {linked_title(source, 150)}:\n\n" + "\n\n".join(blocks),
            limits.EMBED_DESCRIPTION,
        ),
        colour=COLOUR,
    )
    return formatting.fit_embed(embed)
