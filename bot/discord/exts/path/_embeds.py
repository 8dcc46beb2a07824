"""The /path reply as plain data: steps grouped by stage, ✅ for finished ones."""

from __future__ import annotations

import discord

from bot.discord import formatting, limits
from bot.discord.resources import inert, linked_title, server_mark
from bot.service import LearningPath

COLOUR = discord.Colour.purple()
DONE, TODO = "✅", "▫️"


def path_lines(path: LearningPath) -> list[str]:
    lines: list[str] = []
    stage = None
    for step in path.steps:
        if step.stage != stage:
            stage = step.stage
            lines.append(f"\n**{inert(stage.capitalize())}**")
        mark = DONE if step.done else TODO
        reason = inert(formatting.truncate(step.reason, 90))
        title = linked_title(step.resource, 150)
        kind = step.resource.kind + server_mark(step.resource)
        lines.append(f"{mark} {title} — {kind} · {reason}")
    return lines


def path_embed(path: LearningPath) -> discord.Embed:
    embed = discord.Embed(
        title=f"Reading path: {inert(formatting.truncate(path.label, 100))}",
        description=formatting.truncate(
            "\n".join(path_lines(path)).strip(), limits.EMBED_DESCRIPTION
        ),
        colour=COLOUR,
    )
    embed.set_footer(text=f"{path.finished}/{len(path.steps)} finished · read from top to bottom")
    return formatting.fit_embed(embed)
