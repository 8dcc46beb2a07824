"""The /ask answer as plain data: quoted passages, each cited with its linked resource."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import formatting, limits
from bot.discord.resources import inert, linked_title, meta_line
from bot.service import Passage

COLOUR = discord.Colour.gold()
PASSAGE_CHARS = 600


def passage_block(passage: Passage) -> str:
    text = inert(formatting.truncate(" ".join(passage.text.split()), PASSAGE_CHARS))
    return f"> {text}\n— {linked_title(passage.resource, 150)} · {meta_line(passage.resource)}"


def answer_embed(question: str, passages: Sequence[Passage]) -> discord.Embed:
    """The answer's embed; the same question answered alike (a burst of it) is built once."""
    return _answer_embed(question, tuple(passages))


@formatting.reused_embeds(maxsize=256)
def _answer_embed(question: str, passages: tuple[Passage, ...]) -> discord.Embed:
    shown = inert(formatting.truncate(" ".join(question.split()), 200))
    body = "\n\n".join(passage_block(p) for p in passages)
    embed = discord.Embed(
        title=f"“{formatting.truncate(shown, 240)}”",
        description=formatting.truncate(body, limits.EMBED_DESCRIPTION),
        colour=COLOUR,
    )
    embed.set_footer(text="Passages quoted from the catalog; follow the links to read more.")
    return formatting.fit_embed(embed)
