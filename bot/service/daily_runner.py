"""The daily post's moving parts around the pure core: pick, claim, send, handle faults.

`DailyRunner` is part of the service (settings, post log, read counts, the recommender) and
knows nothing of Discord: sending and looking for a post are injected (`Send`, `Find`), and
raise `SendFailed` with a `Fault` when Discord cannot be used. So the rules that make the
schedule trustworthy are in one place. Each (guild, local date) is posted at most once:

- claim (guild, local date) in the post log before sending: a second tick, a restarted bot
  or a second process finds the claim and does not send. The claim is held for
  `CLAIM_LEASE` (five minutes) and closed by recording the message id;
- every attempt at a day's post carries the same nonce (`post_nonce`), and Discord, asked to
  enforce it, answers a repeat within a few minutes with the message it already has;
- a claim still open when its lease runs out (its process was killed, or lost Discord's
  answer) is taken over by one tick, which first looks in the channel for the bot's post of
  that day (`Find`) and records it, and sends only when it is not there;
- TRANSIENT fault (5xx, rate limit, network, a lost response): the message may exist, so the
  claim is kept and its lease ends now: the next tick (a minute later, same local day) looks
  before it sends again. A cancelled send (shutdown) or a bug is handled the same way;
- PERMANENT fault (channel gone, permission lost): release the claim, switch the schedule
  off and store the reason for `/daily status`;
- one guild's failure never stops the tick, and each distinct failure is logged once.

A claim is recovered on its own local date only: a post lost shortly before midnight is not
sent the next day, which has its own post.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.daily import DailySchedule, ScheduleError, choose_resource, due_slots, local_date
from bot.service.core import Service
from bot.service.daily_planning import (
    Fault,
    candidate_ids,
    failure_note,
    nothing_matches,
    post_nonce,
    schedule_of,
    topic_query,
)
from bot.service.guilds import GuildConfig
from bot.service.lazy import lazy_module
from bot.service.server_views import ServerView
from recommender.engine import Engine
from recommender.resource import Resource

if TYPE_CHECKING:
    import bot.club as club_core
else:
    club_core = lazy_module("bot.club")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pick:
    """What a guild gets next: the resource, its summary, the guild's topic and level (why it
    fits), and how many of the guild's members read it."""

    resource: Resource
    summary: str
    topic: str | None
    level: str | None
    readers: int


class SendFailed(Exception):
    """A post that did not go out; `reason` is written for the server's admins."""

    def __init__(self, fault: Fault, reason: str) -> None:
        super().__init__(reason)
        self.fault = fault
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Delivery:
    """One guild's post for one local date: where it goes and how it is recognised."""

    guild_id: int
    channel_id: int
    local_date: dt.date

    @property
    def nonce(self) -> str:
        """The same for every attempt at this post (see `post_nonce`)."""
        return post_nonce(self.guild_id, self.local_date)


Send = Callable[[Delivery, Pick], Awaitable[int]]
"""(delivery, pick) -> id of the message sent (with the delivery's nonce); raises SendFailed."""

Find = Callable[[Delivery, Pick], Awaitable[int | None]]
"""(delivery, pick) -> id of the bot's post for that date among the channel's recent
messages, or None; raises SendFailed when the channel cannot be read. The pick is the
claimed one, so the face can finish what the earlier attempt may have left undone (the
post's discussion thread)."""

Members = Callable[[int, Sequence[int]], Awaitable[Collection[int]]]
"""(guild id, user ids) -> those of the users who are members of the guild."""


async def _nobody(guild_id: int, user_ids: Sequence[int]) -> Collection[int]:
    return ()


MAX_CANDIDATE_LISTS = 1024
"""Ranked candidate lists kept (per server with additions, per version, topic and level)."""


class Outcome(enum.Enum):
    POSTED = "posted"
    FOUND = "found"  # an unsure earlier attempt had posted it: recorded, not sent again
    ALREADY_POSTED = "already posted"  # someone else holds the claim for that date
    NOTHING_TO_POST = "nothing to post"
    DISABLED = "disabled"  # permanent fault: schedule switched off
    RETRY = "retry"  # transient fault: claim kept, lease ended: looked for, then sent


@dataclass(frozen=True, slots=True)
class PostResult:
    outcome: Outcome
    guild_id: int
    local_date: dt.date
    resource_id: str | None = None
    message_id: int | None = None
    reason: str | None = None


class DailyRunner:
    def __init__(
        self,
        service: Service,
        send: Send,
        find: Find,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        members: Members | None = None,
        serves: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        """`members(guild, user_ids)`: which of those users belong to the guild (None: nobody's
        reading counts); `serves(guild)`: whether this process posts for the guild (its
        shards hold it)."""
        self.service = service
        self.send = send
        self.find = find
        self.clock: Callable[[], dt.datetime] = clock or service.clock
        self.members: Members = members or _nobody
        self.serves = serves
        self._candidates: dict[tuple[str | None, str | None], list[str]] = {}
        self._server_candidates: dict[tuple[int | None, int, str | None, str | None], list[str]]
        self._server_candidates = {}
        """The same, for servers with additions, per version of their additions."""
        self._logged: dict[int, str] = {}
        self._lock = asyncio.Lock()
        self._last: dict[int, dt.date] | None = None
        """Guild -> newest claimed local date: read from the post log once, then kept up to
        date from our own claims (a claim lost to another process also updates it), so a
        tick over 10,000 guilds does not scan the whole log every minute."""

    # --- choosing -----------------------------------------------------------------------------

    def candidates(
        self, topic: str | None, level: str | None, view: ServerView | None = None
    ) -> list[str]:
        """Resource ids the guild cycles through, best first: the base catalog's, plus the
        server's additions when `view` has some (memoised per version of those additions:
        the base catalog is fixed while the bot runs)."""
        if view is None or not view.additions:
            if (topic, level) not in self._candidates:
                self._candidates[topic, level] = self._ranked(self.service.engine(), topic, level)
            return self._candidates[topic, level]
        key = (view.guild_id, view.version, topic, level)
        if key not in self._server_candidates:
            if len(self._server_candidates) > MAX_CANDIDATE_LISTS:
                self._server_candidates.clear()
            ranked = self._ranked(self.service.engine_of(view), topic, level)
            self._server_candidates[key] = ranked
        return self._server_candidates[key]

    @staticmethod
    def _ranked(engine: Engine, topic: str | None, level: str | None) -> list[str]:
        resources = engine.resources
        ranked = engine.recommend(topic_query(topic), level=level, k=len(resources))
        ids = [r.resource.id for r in ranked.results]
        return candidate_ids(resources, ids, topic, level)

    def gap(self, topic: str | None, level: str | None) -> str:
        """Why a topic/level pair has nothing to post, with what would work instead."""
        return nothing_matches(self.service.engine().resources, topic, level)

    async def pick(self, guild_id: int, topic: str | None, level: str | None) -> Pick | None:
        """The next resource for the guild: unposted in the cycle, least read by its members,
        steered by the server's feedback (see `bot.club.steering`): what it voted "not for
        us" on balance leaves the cycle, topics it found useful come first among equals."""
        view = await self.service.server_view(guild_id)
        candidates = await self._steered(guild_id, self.candidates(topic, level, view), view)
        if not candidates:
            return None
        history = await self.service.posted_resource_ids(guild_id)
        readers = await self.service.readers_of(candidates)
        members = list(await self.members(guild_id, readers)) if readers else []
        reads = await self.service.read_counts(members) if members else {}
        chosen = choose_resource(candidates, history, reads)
        resource = view.resource(chosen) if chosen else None
        if resource is None:
            return None
        return Pick(
            resource,
            self.service.engine_of(view).summary(resource),
            topic,
            level,
            reads.get(resource.id, 0),
        )

    async def _steered(self, guild_id: int, candidates: list[str], view: ServerView) -> list[str]:
        """The candidates in the order the server's votes lean to (unchanged without votes;
        all of them when the server rejected every one). Resolved in the server's view, so
        its own additions lean with their topics like the shipped catalog's resources."""
        resources = [r for r in (view.resource(rid) for rid in candidates) if r is not None]
        lean, rejected = await self.service.server_steering(guild_id, resources)
        if not lean and not rejected:
            return candidates
        return club_core.steer(candidates, lean, rejected) or candidates

    async def _claimed_pick(self, config: GuildConfig, resource_id: str | None) -> Pick | None:
        """The pick a claim was made for, to send it again; a fresh pick when that resource
        left the catalog meanwhile (a new catalog was deployed)."""
        view = await self.service.server_view(config.guild_id)
        resource = view.resource(resource_id) if resource_id else None
        if resource is None:
            return await self.pick(config.guild_id, config.topic, config.level)
        members = list(
            await self.members(config.guild_id, await self.service.readers_of([resource.id]))
        )
        reads = await self.service.read_counts(members) if members else {}
        summary = self.service.engine_of(view).summary(resource)
        return Pick(resource, summary, config.topic, config.level, reads.get(resource.id, 0))

    # --- posting ------------------------------------------------------------------------------

    async def tick(self) -> list[PostResult]:
        """Post for every guild due now; one guild's error never stops the others."""
        async with self._lock:
            now = self.clock()
            configs = {c.guild_id: c for c in await self.service.enabled_guilds()}
            schedules: list[DailySchedule] = []
            for config in configs.values():
                if not self.serves(config.guild_id):
                    continue
                try:
                    schedule = schedule_of(config)
                except ScheduleError as exc:
                    self._log_once(config.guild_id, f"unusable schedule: {exc}")
                    continue
                if schedule is not None:
                    schedules.append(schedule)
            if self._last is None:
                self._last = await self.service.last_post_dates()
            last = self._last
            results: list[PostResult] = []
            tried: set[int] = set()
            for slot in due_slots(now, schedules, last):
                guild_id = slot.schedule.guild_id
                tried.add(guild_id)
                try:
                    results.append(await self._post(configs[guild_id], slot.local_date, now))
                except Exception as exc:  # the loop must survive anything one guild does
                    self._log_once(guild_id, f"{type(exc).__name__}: {exc}", exc)
            results += await self._recover(configs, now, tried)
            return results

    async def _recover(
        self, configs: dict[int, GuildConfig], now: dt.datetime, tried: set[int]
    ) -> list[PostResult]:
        """Finish the open claims whose lease ran out (a crashed sender, a lost answer, a
        failed try), each on its own local date only, for guilds this process serves; not
        those `tried` in this tick already (a failure now is retried at the next tick)."""
        results: list[PostResult] = []
        # No time zone is a whole day away from UTC: yesterday's UTC date covers them all.
        for record in await self.service.open_posts(now.date() - dt.timedelta(days=1)):
            config = configs.get(record.guild_id)
            if config is None or record.guild_id in tried or not self.serves(record.guild_id):
                continue
            try:
                if local_date(now, config.timezone) != record.local_date:
                    continue
                result = await self._resume(config, record.local_date, now)
            except Exception as exc:  # as in `tick`: one guild never stops the others
                self._log_once(record.guild_id, f"{type(exc).__name__}: {exc}", exc)
                continue
            if result is not None:
                results.append(result)
        return results

    async def post_now(self, config: GuildConfig) -> PostResult:
        """`/daily now`: today's post, immediately (it claims today's local date)."""
        async with self._lock:
            now = self.clock()
            day = local_date(now, config.timezone)
            return await self._post(config, day, now, scheduled=False)

    async def _post(
        self, config: GuildConfig, day: dt.date, now: dt.datetime, *, scheduled: bool = True
    ) -> PostResult:
        guild_id, channel_id = config.guild_id, config.channel_id
        if channel_id is None:
            return PostResult(Outcome.NOTHING_TO_POST, guild_id, day, reason="no channel")
        pick = await self.pick(guild_id, config.topic, config.level)
        if pick is None:
            reason = "nothing in the catalog matches the topic and level"
            self._log_once(guild_id, reason)
            if scheduled:  # claim the empty day, so the tick does not ask again every minute
                await self.service.claim_post(guild_id, day, None)
                self._claimed(guild_id, day)
            return PostResult(Outcome.NOTHING_TO_POST, guild_id, day, reason=reason)
        if not await self.service.claim_post(guild_id, day, pick.resource.id):
            self._claimed(guild_id, day)
            # Claimed before: done, being sent elsewhere, or left open by a sender that is
            # gone (then its lease has run out and this call finishes it).
            resumed = await self._resume(config, day, now)
            return resumed or PostResult(Outcome.ALREADY_POSTED, guild_id, day)
        return await self._deliver(config, day, now, pick, look_first=False)

    async def _resume(
        self, config: GuildConfig, day: dt.date, now: dt.datetime
    ) -> PostResult | None:
        """Take over the day's open claim if its lease ran out, and finish it; None when
        there is nothing to take over (posted, or another process holds it)."""
        record = await self.service.take_over_post(config.guild_id, day)
        if record is None or config.channel_id is None:
            return None
        try:
            pick = await self._claimed_pick(config, record.resource_id)
        except BaseException:  # let the next tick try again, not one a lease later
            await asyncio.shield(self.service.lapse_post(config.guild_id, day))
            raise
        if pick is None:  # nothing in the catalog fits any more: the claim stays open
            return PostResult(Outcome.NOTHING_TO_POST, config.guild_id, day)
        return await self._deliver(config, day, now, pick, look_first=True)

    async def _deliver(
        self, config: GuildConfig, day: dt.date, now: dt.datetime, pick: Pick, *, look_first: bool
    ) -> PostResult:
        """Send the claimed post, after looking for it when an earlier attempt may have
        posted it (`look_first`); then record its message id, closing the claim."""
        guild_id, rid = config.guild_id, pick.resource.id
        assert config.channel_id is not None
        delivery = Delivery(guild_id, config.channel_id, day)
        try:
            found = await self.find(delivery, pick) if look_first else None
            message_id = found if found is not None else await self.send(delivery, pick)
        except SendFailed as failure:
            return await self._failed(config, day, now, rid, failure)
        except BaseException:
            # Cancelled mid-send (shutdown) or a bug: the message may exist or not. Keep the
            # claim and end its lease, so the next try looks before it sends.
            await asyncio.shield(self.service.lapse_post(guild_id, day))
            raise
        self._claimed(guild_id, day)
        await self.service.record_post_message(guild_id, day, message_id, rid)
        if config.last_error:
            await self.service.set_guild_error(guild_id, None)
        self._logged.pop(guild_id, None)
        if found is not None:
            log.info("daily post for guild %s (%s) was already out: %s", guild_id, day, rid)
            return PostResult(Outcome.FOUND, guild_id, day, rid, message_id)
        log.info("daily post for guild %s (%s): %s", guild_id, day, rid)
        return PostResult(Outcome.POSTED, guild_id, day, rid, message_id)

    async def _failed(
        self,
        config: GuildConfig,
        day: dt.date,
        now: dt.datetime,
        resource_id: str,
        failure: SendFailed,
    ) -> PostResult:
        guild_id = config.guild_id
        if failure.fault is Fault.PERMANENT:
            # Discord refused the channel outright: nothing was posted, the day is free.
            await self.service.release_post(guild_id, day)
            await self.service.update_guild_settings(guild_id, enabled=False)
            note = f"{failure.reason} Daily posts are off; fix it and run `/daily set` again."
            await self.service.set_guild_error(guild_id, failure_note(now, note))
            self._log_once(guild_id, f"schedule disabled: {failure.reason}")
            return PostResult(Outcome.DISABLED, guild_id, day, resource_id, reason=failure.reason)
        await self.service.lapse_post(guild_id, day)
        note = f"{failure.reason} Retrying every minute today."
        await self.service.set_guild_error(guild_id, failure_note(now, note))
        self._log_once(guild_id, f"will retry: {failure.reason}")
        return PostResult(Outcome.RETRY, guild_id, day, resource_id, reason=failure.reason)

    def _claimed(self, guild_id: int, day: dt.date) -> None:
        if self._last is not None and (guild_id not in self._last or self._last[guild_id] < day):
            self._last[guild_id] = day

    def _log_once(self, guild_id: int, text: str, exc: BaseException | None = None) -> None:
        """Log a guild's failure the first time it is seen, not every minute it repeats."""
        if self._logged.get(guild_id) == text:
            return
        self._logged[guild_id] = text
        log.warning("daily post for guild %s: %s", guild_id, text, exc_info=exc)
