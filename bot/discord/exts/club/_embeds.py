"""What the reading club shows: the poll's message, the announcement, and the `/club`
answers.

Built from the service's plain values, so every word is tested without Discord. Titles and
prompts are catalog (or server-added) text: always inert. Instants are Discord timestamps,
which every member sees in their own timezone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import discord

from bot.discord import formatting, limits
from bot.discord.resources import linked_title, meta_line, title_text
from bot.service import (
    AnnouncementPlan,
    ClubConfig,
    ClubStatus,
    PickResult,
    PollPlan,
    SkipResult,
    StopResult,
)
from bot.service.daily_planning import WEEKDAY_NAMES, discord_timestamp, topic_label

COLOUR = discord.Colour.dark_teal()
ANNOUNCEMENT_TITLE = "Reading club"
FOOTER = "Mark it read when you finish; talk about it in the thread."


def when(instant: dt.datetime) -> str:
    return f"{discord_timestamp(instant, 'F')} ({discord_timestamp(instant, 'R')})"


def marker(meeting_date: dt.date) -> str:
    """How an announcement names its meeting in its footer ("Reading club · meeting
    2026-03-17"): after a lost answer the bot looks for it in the channel before posting."""
    return f"Reading club · meeting {meeting_date.isoformat()}"


def is_announcement_for(embed: discord.Embed, meeting_date: dt.date) -> bool:
    footer = embed.footer.text or ""
    return footer == marker(meeting_date) or footer.startswith(marker(meeting_date) + " · ")


def schedule_line(config: ClubConfig) -> str:
    """ "weekly on Tuesday at 19:00 Europe/Berlin in #club (topic: RNNs, level: beginner)"."""
    extras = []
    if config.topic:
        extras.append(f"topic: {topic_label(config.topic)}")
    if config.level:
        extras.append(f"level: {config.level}")
    tail = f" ({', '.join(extras)})" if extras else " (any topic, any level)"
    day = WEEKDAY_NAMES[config.weekday]
    return (
        f"{config.cadence} on {day} at {config.meet_time} {config.timezone} "
        f"in <#{config.channel_id}>{tail}; polls stay open {config.poll_hours} h"
    )


# --- the poll ---------------------------------------------------------------------------------


def poll_content(plan: PollPlan) -> str:
    """The words above the poll: the meeting, when the poll closes, each candidate linked."""
    lines = [
        "📚 **Reading club: vote for our next reading**",
        f"We meet {when(plan.meets_at)}. The poll closes {discord_timestamp(plan.closes_at, 'R')}.",
    ]
    for number, choice in enumerate(plan.choices, 1):
        resource = choice.resource
        lines.append(f"{number}. **{linked_title(resource, 150)}** · {meta_line(resource)}")
    lines.append(f"-# {plan.tie_rule}")
    return formatting.truncate("\n".join(lines), limits.MESSAGE_CONTENT)


# --- the announcement -------------------------------------------------------------------------


def announcement_content(plan: AnnouncementPlan) -> str:
    """One line that shows in notifications: what we read, and when we meet."""
    title = title_text(plan.resource.title, 200)
    return f"📚 **Reading club:** this time we read **{title}**. We meet {when(plan.meets_at)}."


def results_text(plan: AnnouncementPlan) -> str:
    lines = [f"**{line.votes}** · {title_text(line.resource.title, 120)}" for line in plan.results]
    return formatting.truncate("\n".join(lines), limits.EMBED_FIELD_VALUE)


def announcement_embed(plan: AnnouncementPlan) -> discord.Embed:
    resource = plan.resource
    description = "\n".join(
        [f"**{linked_title(resource)}**", f"-# {meta_line(resource)}", "", plan.summary]
    )
    embed = discord.Embed(
        title=f"{ANNOUNCEMENT_TITLE} · meeting {plan.cycle_number}",
        description=formatting.truncate(description, limits.EMBED_DESCRIPTION),
        colour=COLOUR,
    )
    embed.add_field(name="We meet", value=when(plan.meets_at), inline=False)
    how = plan.how if plan.tie_rule is None else f"{plan.how} {plan.tie_rule}"
    embed.add_field(
        name="How it was chosen",
        value=formatting.truncate(how, limits.EMBED_FIELD_VALUE),
        inline=False,
    )
    if plan.results:
        embed.add_field(name="Votes", value=results_text(plan), inline=False)
    embed.set_footer(text=f"{marker(plan.meeting_date)} · {FOOTER}")
    return formatting.fit_embed(embed)


# --- /club answers ----------------------------------------------------------------------------


def start_reply(status: ClubStatus) -> str:
    assert status.config is not None
    lines = [f"**The reading club is on:** {schedule_line(status.config)}."]
    if status.meets_at is not None:
        lines.append(f"**First meeting:** {when(status.meets_at)}")
    lines.append(
        "The first poll goes out within a minute; when it closes I announce the winner "
        "and open a thread to discuss it."
    )
    return "\n".join(lines)


def _people(ids: Sequence[int], total: int) -> str:
    """ "3 members (<@1>, <@2> and 1 who keeps it private)"; names only of those who opted in."""
    noun = "member" if total == 1 else "members"
    if not ids:
        return f"{total} {noun}"
    shown = ", ".join(f"<@{i}>" for i in ids[:10])
    private = total - min(len(ids), 10)
    tail = f" and {private} more" if private else ""
    return f"{total} {noun} ({shown}{tail})"


def status_text(
    status: ClubStatus,
    now: dt.datetime,
    *,
    guild_id: int,
    threads_line: str,
    events_allowed: bool,
) -> str:
    config = status.config
    if config is None:
        return (
            "This server has no reading club yet.\n"
            "-# A member with Manage Server starts one with `/club start`."
        )
    state = "on" if config.enabled else "off"
    lines = [f"**The reading club is {state}:** {schedule_line(config)}."]
    if config.enabled and status.meets_at is not None:
        lines.append(f"**This cycle (meeting {status.cycle_number}):** {when(status.meets_at)}")
        lines.append(_cycle_line(status, now, guild_id, config.channel_id))
    if status.reading is not None:
        finished = _people(status.finished_by, status.finished)
        lines.append(f"**Finished it so far:** {finished}")
    if status.next_meeting is not None and status.next_meeting != status.meets_at:
        lines.append(f"**Next meeting:** {when(status.next_meeting)}")
    if config.error:
        lines.append(f"**Stopped because:** {formatting.escape(config.error)}")
    if config.notice:
        lines.append(f"**Note:** {formatting.escape(config.notice)}")
    lines.append(threads_line)
    lines.append(events_line(events_allowed))
    return formatting.truncate("\n".join(lines), limits.MESSAGE_CONTENT)


def events_line(allowed: bool) -> str:
    """Whether meetings become scheduled events, and what to grant when they do not."""
    if allowed:
        return "**Scheduled events:** on (each meeting is added to the server's events)"
    return (
        "**Scheduled events:** off: I lack **Manage Events** in this server, so meetings are "
        "not added to the server's events (optional: grant it to turn them on)."
    )


def _link(guild_id: int, channel_id: int, message_id: int | None) -> str:
    if message_id is None:
        return ""
    return f" (https://discord.com/channels/{guild_id}/{channel_id}/{message_id})"


def _cycle_line(status: ClubStatus, now: dt.datetime, guild_id: int, channel_id: int) -> str:
    if status.state == "skipped":
        return "**This meeting is skipped.**"
    if status.reading is not None:
        how = "picked by a moderator" if status.picked else "chosen by the poll"
        out = "announced" if status.announcement_message_id else "to be announced within a minute"
        link = _link(guild_id, channel_id, status.announcement_message_id)
        return f"**Reading:** {linked_title(status.reading)} ({how}, {out}){link}"
    if status.poll_open and status.poll is not None and status.poll_closes_at is not None:
        names = ", ".join(title_text(r.title, 60) for r in status.candidates)
        link = _link(guild_id, channel_id, status.poll.message_id)
        closes = discord_timestamp(status.poll_closes_at, "R")
        return f"**Poll:** open, closes {closes}: {names}{link}"
    if status.poll is not None:
        return "**Poll:** closed; the winner is announced within a minute."
    if status.poll_opens_at is not None and status.poll_opens_at > now:
        return f"**Poll:** opens {when(status.poll_opens_at)}"
    return "**Poll:** goes out within a minute."


def pick_reply(result: PickResult) -> str:
    title = f"**{title_text(result.resource.title)}**"
    if result.current:
        ended = " The poll is closed." if result.end_poll is not None else ""
        return (
            f"Picked {title} for the meeting {when(result.meets_at)}.{ended} "
            "I announce it within a minute."
        )
    return (
        f"This meeting's reading is already out, so {title} is the reading for the next "
        f"meeting, {when(result.meets_at)}; I announce it when that cycle starts."
    )


def skip_reply(result: SkipResult) -> str:
    ended = " The poll is closed." if result.end_poll is not None else ""
    return (
        f"The meeting of {when(result.meets_at)} is skipped.{ended} "
        f"The next poll opens {discord_timestamp(result.next_poll_at, 'R')}."
    )


def stop_reply(result: StopResult) -> str:
    ended = " Its open poll is closed." if result.end_poll is not None else ""
    return f"The reading club is off.{ended} `/club start` starts it again (settings are kept)."
