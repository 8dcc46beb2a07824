"""The /path reply as plain data: steps grouped by stage, ✅ for finished ones."""

from __future__ import annotations

from collections.abc import Collection

import discord

from bot.discord import formatting, limits
from bot.discord.resources import inert, linked_title
from recommender.results import LearningPath
from recommender.vocabulary import topic_label

COLOUR = discord.Colour.purple()
DONE, TODO = "✅", "▫️"


def path_lines(path: LearningPath, done: Collection[str]) -> list[str]:
    lines: list[str] = []
    stage = None
    for step in path.steps:
        if step.stage != stage:
            stage = step.stage
            lines.append(f"\n**{inert(stage.capitalize())}**")
        mark = DONE if step.resource.id in done else TODO
        reason = inert(formatting.truncate(step.reason, 90))
        lines.append(f"{mark} {linked_title(step.resource, 150)} — {step.resource.kind} · {reason}")
    return lines


def path_embed(path: LearningPath, done: Collection[str]) -> discord.Embed:
    name = topic_label(path.topic_slug) if path.topic_slug else " ".join(path.topic.split())
    finished = sum(1 for s in path.steps if s.resource.id in done)
    embed = discord.Embed(
        title=f"Reading path: {inert(formatting.truncate(name, 100))}",
        description=formatting.truncate(
            "\n".join(path_lines(path, done)).strip(), limits.EMBED_DESCRIPTION
        ),
        colour=COLOUR,
    )
    embed.set_footer(text=f"{finished}/{len(path.steps)} finished · read from top to bottom")
    return formatting.fit_embed(embed)
