"""The Discord half of the reading club: the `ClubDiscord` the service's `ClubRunner` drives.

Each method carries out one plan (post the poll, read or end it, announce the reading with
its thread and event, look for an earlier attempt's message) and turns Discord's refusals
into `SendFailed` (see `bot.discord.sending`), so the runner alone decides what a failure
does to the club. A missing thread or event permission is not a failure: the announcement
goes out without them and says so in `Announced.missing`.
"""

from __future__ import annotations

import datetime as dt
import logging

import discord

from bot.discord import formatting, limits
from bot.discord.buttons import ResourceButton
from bot.discord.discussion import open_discussion
from bot.discord.exts.club._embeds import (
    announcement_content,
    announcement_embed,
    is_announcement_for,
    poll_content,
)
from bot.discord.feedback import feedback_buttons
from bot.discord.sending import faults, text_channel
from bot.service import Announced, AnnouncementPlan, EventPlan, PollPlan, PollRef

log = logging.getLogger(__name__)

HISTORY_LIMIT = 50
"""How many of the channel's newest messages are searched for an unconfirmed poll or
announcement (see the daily post's `HISTORY_LIMIT`)."""

POLL_EXPIRED = 520001
"""Discord's code for ending a poll that has already ended."""

NEEDED = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("read_message_history", "Read Message History"),
    ("send_polls", "Create Polls"),
)
"""What the bot needs in the club's channel, as (attribute, name in Discord's UI)."""


def missing_permissions(permissions: discord.Permissions) -> list[str]:
    return [label for attr, label in NEEDED if not getattr(permissions, attr)]


def may_schedule_events(guild: discord.Guild) -> bool:
    permissions = guild.me.guild_permissions
    return permissions.manage_events or permissions.create_events


def announcement_view(resource_id: str) -> discord.ui.View:
    """Mark read, Useful, Not for us: DynamicItems, so they answer after a restart."""
    view = discord.ui.View(timeout=None)
    view.add_item(ResourceButton("mark", resource_id))
    for button in feedback_buttons(resource_id, "club"):
        view.add_item(button)
    return view


class DiscordClub:
    """`ClubDiscord` over a discord.py client (see `bot.service.club_runner`)."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def _me(self) -> int | None:
        return self.client.user.id if self.client.user is not None else None

    # --- the poll -----------------------------------------------------------------------------

    async def post_poll(self, plan: PollPlan) -> int:
        poll = discord.Poll(
            question=formatting.truncate(plan.question, limits.POLL_QUESTION),
            duration=dt.timedelta(hours=plan.hours),
        )
        for choice in plan.choices[: limits.POLL_ANSWERS]:
            poll.add_answer(text=formatting.truncate(choice.label, limits.POLL_ANSWER))
        with faults(plan.channel_id):
            channel = await text_channel(self.client, plan.channel_id)
            message = await channel.send(
                poll_content(plan),
                poll=poll,
                nonce=plan.nonce,
                suppress_embeds=True,  # the candidates' links, without four link previews
                allowed_mentions=discord.AllowedMentions.none(),
            )
        return message.id

    async def find_poll(self, plan: PollPlan) -> int | None:
        me = self._me()
        question = formatting.truncate(plan.question, limits.POLL_QUESTION)
        with faults(plan.channel_id):
            channel = await text_channel(self.client, plan.channel_id)
            async for message in channel.history(limit=HISTORY_LIMIT):
                if message.author.id != me or message.poll is None:
                    continue
                if message.nonce == plan.nonce or message.poll.question == question:
                    return message.id
        return None

    async def _poll_message(self, poll: PollRef) -> discord.Message | None:
        channel = await text_channel(self.client, poll.channel_id)
        try:
            return await channel.fetch_message(poll.message_id)
        except discord.NotFound:
            return None

    async def poll_counts(self, poll: PollRef) -> tuple[int, ...] | None:
        """The final counts: a poll still open (Discord's expiry is rounded up to the hour)
        is ended first, so the counts are exact and the channel sees it closed."""
        with faults(poll.channel_id):
            message = await self._poll_message(poll)
            if message is None or message.poll is None:
                return None
            if not message.poll.is_finalised():
                message = await self._end(message)
            assert message.poll is not None
            answers = sorted(message.poll.answers, key=lambda a: a.id)
            return tuple(answer.vote_count for answer in answers)

    async def _end(self, message: discord.Message) -> discord.Message:
        try:
            return await message.end_poll()
        except discord.HTTPException as exc:
            if exc.code != POLL_EXPIRED:
                raise
            return await message.fetch()

    async def end_poll(self, poll: PollRef) -> None:
        with faults(poll.channel_id):
            message = await self._poll_message(poll)
            found = message.poll if message is not None else None
            if message is not None and found is not None and not found.is_finalised():
                await self._end(message)

    # --- the announcement ---------------------------------------------------------------------

    async def announce(self, plan: AnnouncementPlan) -> Announced:
        if plan.end_poll is not None:
            await self.end_poll(plan.end_poll)
        with faults(plan.channel_id):
            channel = await text_channel(self.client, plan.channel_id)
            message = await channel.send(
                announcement_content(plan),
                embed=announcement_embed(plan),
                view=announcement_view(plan.resource.id),
                nonce=plan.nonce,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        return await self._follow_up(plan, message)

    async def find_announcement(self, plan: AnnouncementPlan) -> Announced | None:
        me = self._me()
        with faults(plan.channel_id):
            channel = await text_channel(self.client, plan.channel_id)
            async for message in channel.history(limit=HISTORY_LIMIT):
                if message.author.id != me:
                    continue
                if message.nonce == plan.nonce or any(
                    is_announcement_for(embed, plan.meeting_date) for embed in message.embeds
                ):
                    return await self._follow_up(plan, message)
        return None

    async def _follow_up(self, plan: AnnouncementPlan, message: discord.Message) -> Announced:
        """The thread with the prompts (kept if an earlier attempt opened it) and the event."""
        opened = await open_discussion(message, plan.thread_name, plan.prompts)
        event_id, missing = None, opened.missing
        if plan.event is not None and message.guild is not None:
            try:
                event_id = await self._event(message.guild, plan.event, message, opened.thread_id)
            except discord.Forbidden:  # the permission was taken away in between, say
                missing = (*missing, "Manage Events")
        return Announced(message.id, opened.thread_id, event_id, missing)

    async def _event(
        self,
        guild: discord.Guild,
        event: EventPlan,
        message: discord.Message,
        thread_id: int | None,
    ) -> int | None:
        """The meeting as a scheduled event, when the bot may manage events (optional: a
        server that does not grant it just has no event; `/club status` says how to get
        one). Where: the discussion thread, else the announcement. Discord refusing it
        raises `discord.Forbidden` (reported as missing); other failures are logged."""
        if not may_schedule_events(guild):
            return None
        name = formatting.truncate(event.name, limits.EVENT_NAME)
        for existing in guild.scheduled_events:  # an earlier attempt made it already
            if existing.name == name and existing.start_time == event.starts_at:
                return existing.id
        where = f"https://discord.com/channels/{guild.id}/{thread_id or message.channel.id}"
        if thread_id is None:
            where += f"/{message.id}"
        try:
            made = await guild.create_scheduled_event(
                name=name,
                start_time=event.starts_at,
                end_time=event.ends_at,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=where,
                description=formatting.truncate(event.description, limits.EVENT_DESCRIPTION),
            )
        except discord.Forbidden:
            raise
        except (discord.HTTPException, OSError, TimeoutError) as exc:
            log.warning("no scheduled event for guild %s: %s", guild.id, exc)
            return None
        return made.id
