"""What `/popular`, `/next` and `/leaderboard` show, from the service's plain values.

Counts never name anyone; the leaderboard names (as `<@id>`, which Discord renders as the
member's name and, with no mentions allowed, never pings) only members who opted in.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import formatting, limits
from bot.discord.resources import linked_title, meta_line, title_text
from bot.service import Frontier, Leaderboard, Popular, PopularItem

COLOUR = discord.Colour.blurple()
PERIOD_NAMES = {"week": "the last 7 days", "month": "the last 30 days", "all": "all time"}
PERIOD_TITLES = {"week": "this week", "month": "this month", "all": "all time"}


def _items(items: Sequence[PopularItem]) -> str:
    lines = [f"**{item.count}** · {linked_title(item.resource, 120)}" for item in items]
    return formatting.truncate("\n".join(lines), limits.EMBED_FIELD_VALUE)


def popular_embed(popular: Popular) -> discord.Embed:
    embed = discord.Embed(
        title=f"Popular in this server · {PERIOD_TITLES[popular.period]}", colour=COLOUR
    )
    if popular.empty:
        embed.description = (
            f"Nothing read, saved or found useful here in {PERIOD_NAMES[popular.period]} yet.\n"
            "-# Mark readings with /read or the buttons under posts; they count here."
        )
        return embed
    for name, items in (
        ("Read", popular.read),
        ("Saved for later", popular.saved),
        ("Found useful", popular.useful),
    ):
        if items:
            embed.add_field(name=name, value=_items(items), inline=False)
    readers = "member" if popular.readers == 1 else "members"
    readings = "reading" if popular.readings_finished == 1 else "readings"
    embed.set_footer(
        text=f"{popular.readings_finished} {readings} finished by {popular.readers} {readers} "
        "· counts only, no names"
    )
    return formatting.fit_embed(embed)


def next_embed(found: Frontier) -> discord.Embed:
    group = found.guild_id is not None
    if group:
        title = "What this server is ready for next"
    else:
        title = "Good places to start" if found.starting else "You're ready for"
    embed = discord.Embed(title=title, colour=COLOUR)
    if not found.steps:
        embed.description = (
            "Nothing new is unlocked yet: the group needs readers first. Mark what you read "
            "with /read, then ask again."
            if group
            else "You've read everything I can point to next. Try /recommend for more."
        )
        return embed
    lines = []
    for number, step in enumerate(found.steps, 1):
        line = f"{number}. **{linked_title(step.resource, 150)}**\n-# {meta_line(step.resource)}"
        if step.unlocked_by:
            after = ", ".join(title_text(r.title, 60) for r in step.unlocked_by[:3])
            line += f" · after {after}"
        if group:
            who = "reader is" if step.ready == 1 else "readers are"
            line += f" · {step.ready} {who} ready"
        lines.append(line)
    embed.description = formatting.truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
    if group:
        embed.set_footer(
            text=f"From what {found.readers} active readers here finished; nobody has read "
            "these yet."
        )
    elif found.starting:
        embed.set_footer(text="You haven't marked anything read yet: these open the most.")
    else:
        embed.set_footer(text="Their prerequisites are all in what you finished.")
    return formatting.fit_embed(embed)


def leaderboard_embed(board: Leaderboard) -> discord.Embed:
    embed = discord.Embed(title=f"Leaderboard · {PERIOD_TITLES[board.period]}", colour=COLOUR)
    if not board.rows:
        embed.description = (
            "Nobody who chose to be shown finished a reading in "
            f"{PERIOD_NAMES[board.period]}.\n-# Press “Show me” to appear here."
        )
    else:
        lines = []
        for number, row in enumerate(board.rows, 1):
            done = "reading" if row.finished == 1 else "readings"
            streak = f"streak {row.streak} d (best {row.longest_streak})" if row.streak else ""
            parts = [f"{number}. <@{row.user_id}>", f"{row.finished} {done}", streak]
            lines.append(" · ".join(p for p in parts if p))
        embed.description = formatting.truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
    hidden = (
        f"{board.hidden} more member{'s' if board.hidden != 1 else ''} read without being shown"
        if board.hidden
        else "Only members who chose to be shown"
    )
    embed.set_footer(text=f"{hidden} · “Show me” / “Hide me” change it for you")
    return formatting.fit_embed(embed)


def opt_in_text(shown: bool) -> str:
    if shown:
        return (
            "You're on this server's leaderboards now (finished readings and streaks). "
            "“Hide me” takes you off."
        )
    return "You're off the leaderboards: nobody sees your name there. Your reading still counts."
