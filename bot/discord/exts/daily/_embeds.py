"""What the daily feature shows: the post itself and the `/daily` answers.

Built from plain values (a Resource, the stored settings, instants) so every word is tested
without a Discord connection; the cog only sends what these return.
"""

from __future__ import annotations

from datetime import date, datetime

import discord

from bot.discord import formatting, limits
from bot.discord.resources import historical_line, linked_title, server_mark
from bot.service import GuildConfig, PostRecord, Resource
from bot.service.daily_planning import WEEKDAY_NAMES, discord_timestamp, topic_label

TITLE = "Today's reading"
FOOTER = "Mark read or save it for later with the buttons below."
PREVIEW_TITLE = "Next reading (preview)"
COLOUR = discord.Colour.teal()


def why_text(topic: str | None, level: str | None) -> str:
    """Why the pick fits the server: its topic and level, and that few members read it."""
    level_part = f" at the {level} level" if level else ""
    if topic:
        return (
            f"It is about **{topic_label(topic)}**, this server's topic{level_part}, and "
            "fewer of you have read it than the other picks left in the cycle."
        )
    return (
        f"A pick from the whole catalog{level_part}: this server has no topic set, so "
        "the suggestions cycle through everything, least read first."
    )


def facts_line(resource: Resource) -> str:
    """kind · level · topics, as people read them."""
    topics = ", ".join(topic_label(t) or t for t in resource.topics)
    parts = [resource.kind, resource.level, topics]
    return " · ".join(p for p in parts if p) + server_mark(resource)


def post_marker(day: date) -> str:
    """How a daily post names its local date in its footer, e.g. "Daily reading · 2026-03-10".

    After a crash or a lost answer from Discord, the bot looks through the channel's recent
    messages for its own post with this marker before sending one again.
    """
    return f"Daily reading · {day.isoformat()}"


def is_post_for(embed: discord.Embed, day: date) -> bool:
    """Whether the embed is the daily post for `day` (see `post_marker`)."""
    footer = embed.footer.text or ""
    return footer == post_marker(day) or footer.startswith(post_marker(day) + " · ")


def post_embed(
    resource: Resource,
    summary: str,
    why: str,
    readers: int | None = None,
    *,
    title: str = TITLE,
    day: date | None = None,
) -> discord.Embed:
    """The daily post (`day`: the guild's local date it is for), or its preview (no day)."""
    heading = f"**{linked_title(resource)}**"
    lines = [heading, f"-# {facts_line(resource)}"]
    if resource.historical:
        lines.append(f"-# {historical_line(resource.historical)}")
    description = "\n".join([*lines, "", formatting.escape(summary)])
    embed = discord.Embed(
        title=title,
        description=formatting.truncate(description, limits.EMBED_DESCRIPTION),
        colour=COLOUR,
    )
    embed.add_field(
        name="Why this one", value=formatting.truncate(why, limits.EMBED_FIELD_VALUE), inline=False
    )
    if readers:
        who = "member has" if readers == 1 else "members have"
        embed.add_field(name="Read by", value=f"{readers} {who} read it", inline=False)
    embed.set_footer(text=f"{post_marker(day)} · {FOOTER}" if day is not None else FOOTER)
    return formatting.fit_embed(embed)


def schedule_line(config: GuildConfig) -> str:
    """ "08:30 Europe/Berlin, weekdays, in #channel (topic: RNNs, level: beginner)"."""
    frequency = config.frequency
    if frequency == "weekly":
        frequency = f"weekly on {WEEKDAY_NAMES[config.weekday]}"
    extras = []
    if config.topic:
        extras.append(f"topic: {topic_label(config.topic)}")
    if config.level:
        extras.append(f"level: {config.level}")
    tail = f" ({', '.join(extras)})" if extras else " (any topic, any level)"
    where = f" in <#{config.channel_id}>" if config.channel_id else ""
    return f"{config.post_time} {config.timezone}, {frequency}{where}{tail}"


def when(instant: datetime) -> str:
    return f"{discord_timestamp(instant, 'F')} ({discord_timestamp(instant, 'R')})"


def next_line(next_at: datetime | None, now: datetime) -> str:
    if next_at is None:
        return "none (daily posts are off)"
    if next_at <= now:
        return "due now: it goes out within a minute"
    return when(next_at)


def set_reply(config: GuildConfig, next_at: datetime | None, now: datetime) -> str:
    return f"Daily reading is on: {schedule_line(config)}.\nNext post: {next_line(next_at, now)}."


def message_link(guild_id: int, post: PostRecord, channel_id: int | None) -> str:
    if post.message_id is None or channel_id is None:
        return ""
    return f" — https://discord.com/channels/{guild_id}/{channel_id}/{post.message_id}"


def status_text(
    config: GuildConfig,
    next_at: datetime | None,
    last_post: PostRecord | None,
    title: str | None,
    now: datetime,
) -> str:
    state = "on" if config.enabled else "off"
    if config.channel_id is None:
        return "Daily reading is not set up here yet.\n-# Use `/daily set` to choose a channel."
    lines = [
        f"**Daily reading is {state}**: {schedule_line(config)}.",
        f"**Next post:** {next_line(next_at if config.enabled else None, now)}",
    ]
    if last_post is None:
        lines.append("**Last post:** none yet")
    else:
        shown = formatting.escape(title or last_post.resource_id or "nothing matched that day")
        link = message_link(config.guild_id, last_post, config.channel_id)
        lines.append(f"**Last post:** {last_post.local_date.isoformat()}, {shown}{link}")
    lines.append(f"**Last error:** {config.last_error or 'none'}")
    return "\n".join(lines)
