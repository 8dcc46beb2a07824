"""The /progress card as plain data: totals, text bars by topic and level, streak, recent."""

from __future__ import annotations

import discord

from bot.discord import formatting, limits
from bot.discord.resources import inert, title_text
from bot.service.progress import Progress

COLOUR = discord.Colour.orange()
BAR_WIDTH = 10
TOPICS_SHOWN = 8
RECENT_SHOWN = 5


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """`███░░░░░░░ 3/10`: filled in proportion, never more than `width` cells."""
    filled = 0 if total <= 0 else min(width, round(width * max(0, done) / total))
    return f"{'█' * filled}{'░' * (width - filled)} {done}/{total}"


def totals_text(progress: Progress) -> str:
    c = progress.counts
    line = (
        f"✅ **{c.done}** read · 📖 {c.reading} reading · 🔖 {c.saved} saved"
        f" · of {progress.catalog_size} in the catalog"
    )
    if progress.mean_rating is not None:
        line += f" · ⭐ {progress.mean_rating:.1f} average"
    return line


def topics_text(progress: Progress) -> str:
    active = [t for t in progress.by_topic if t.done or t.in_progress]
    active.sort(key=lambda t: (-t.done, -t.in_progress, t.label))
    lines = [f"`{bar(t.done, t.total)}` {inert(t.label)}" for t in active[:TOPICS_SHOWN]]
    if len(active) > TOPICS_SHOWN:
        lines.append(f"-# and {len(active) - TOPICS_SHOWN} more topics")
    return "\n".join(lines) or "Nothing finished yet."


def levels_text(progress: Progress) -> str:
    return "\n".join(f"`{bar(lv.done, lv.total)}` {lv.level}" for lv in progress.by_level) or "—"


def streak_text(progress: Progress) -> str:
    s = progress.streak
    days = "day" if s.current == 1 else "days"
    return f"🔥 {s.current} {days} (longest {s.longest})"


def recent_text(progress: Progress) -> str:
    lines = [f"{e.status} · {title_text(e.title, 90)}" for e in progress.recent[:RECENT_SHOWN]]
    return "\n".join(lines) or "—"


@formatting.reused_embeds(maxsize=512)
def progress_embed(progress: Progress, who: str) -> discord.Embed:
    """The card; built once per (progress, name): a member asking again with nothing changed
    (the same entries, the same day) gets a copy instead of escaping and fitting it anew."""
    embed = discord.Embed(
        title=f"Reading progress of {inert(formatting.truncate(who, 80))}",
        description=totals_text(progress),
        colour=COLOUR,
    )
    embed.add_field(name="By topic", value=topics_text(progress), inline=False)
    embed.add_field(name="By level", value=levels_text(progress), inline=False)
    embed.add_field(name="Streak", value=streak_text(progress), inline=True)
    embed.add_field(name="Recent", value=recent_text(progress), inline=False)
    return formatting.fit_embed(embed, limits.EMBED_TOTAL)
