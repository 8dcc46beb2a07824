"""The daily post's moving parts around the pure core: pick, claim, send, handle faults.

`DailyRunner` is part of the service (settings, post log, read counts, the recommender) and
knows nothing of Discord: sending is an injected `Send`, which raises `SendFailed` with a
`Fault` when a post cannot go out. So the rules that make the schedule trustworthy are in one place:

- claim (guild, local date) in the post log before sending: a second tick, a restarted bot
  or a second process finds the claim and does not send;
- PERMANENT fault (channel gone, permission lost): release the claim, switch the schedule
  off and store the reason for `/daily status`;
- TRANSIENT fault (5xx, rate limit, network): release the claim, so the next tick (a
  minute later, same local day) claims and sends again;
- one guild's failure never stops the tick, and each distinct failure is logged once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass

from bot.daily import DailySchedule, ScheduleError, choose_resource, due_slots, local_date
from bot.service.core import Service
from bot.service.daily_planning import (
    Fault,
    candidate_ids,
    failure_note,
    nothing_matches,
    schedule_of,
    topic_query,
)
from bot.service.guilds import GuildConfig
from recommender.resource import Resource

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


Send = Callable[[int, Pick], Awaitable[int]]
"""(channel id, pick) -> id of the message sent; raises SendFailed."""

Members = Callable[[int, Sequence[int]], Awaitable[Collection[int]]]
"""(guild id, user ids) -> those of the users who are members of the guild."""


async def _nobody(guild_id: int, user_ids: Sequence[int]) -> Collection[int]:
    return ()


class Outcome(enum.Enum):
    POSTED = "posted"
    ALREADY_POSTED = "already posted"  # someone else holds the claim for that date
    NOTHING_TO_POST = "nothing to post"
    DISABLED = "disabled"  # permanent fault: schedule switched off
    RETRY = "retry"  # transient fault: the claim was released


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
        self.clock: Callable[[], dt.datetime] = clock or service.clock
        self.members: Members = members or _nobody
        self.serves = serves
        self._candidates: dict[tuple[str | None, str | None], list[str]] = {}
        self._logged: dict[int, str] = {}
        self._lock = asyncio.Lock()
        self._last: dict[int, dt.date] | None = None
        """Guild -> newest claimed local date: read from the post log once, then kept up to
        date from our own claims (a claim lost to another process also updates it), so a
        tick over 10,000 guilds does not scan the whole log every minute."""

    # --- choosing -----------------------------------------------------------------------------

    def candidates(self, topic: str | None, level: str | None) -> list[str]:
        """Resource ids the guild cycles through, best first (memoised: the catalog is fixed
        while the bot runs)."""
        key = (topic, level)
        if key not in self._candidates:
            engine = self.service.engine()
            resources = engine.resources
            ranked = engine.recommend(topic_query(topic), level=level, k=len(resources))
            ids = [r.resource.id for r in ranked.results]
            self._candidates[key] = candidate_ids(resources, ids, topic, level)
        return self._candidates[key]

    def gap(self, topic: str | None, level: str | None) -> str:
        """Why a topic/level pair has nothing to post, with what would work instead."""
        return nothing_matches(self.service.engine().resources, topic, level)

    async def pick(self, guild_id: int, topic: str | None, level: str | None) -> Pick | None:
        """The next resource for the guild: unposted in the cycle, least read by its members."""
        candidates = self.candidates(topic, level)
        if not candidates:
            return None
        history = await self.service.posted_resource_ids(guild_id)
        readers = await self.service.readers_of(candidates)
        members = list(await self.members(guild_id, readers)) if readers else []
        reads = await self.service.read_counts(members) if members else {}
        chosen = choose_resource(candidates, history, reads)
        resource = self.service.catalog.by_id(chosen) if chosen else None
        if resource is None:
            return None
        return Pick(
            resource,
            self.service.engine().summary(resource),
            topic,
            level,
            reads.get(resource.id, 0),
        )

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
            for slot in due_slots(now, schedules, last):
                guild_id = slot.schedule.guild_id
                try:
                    results.append(await self._post(configs[guild_id], slot.local_date, now))
                except Exception as exc:  # the loop must survive anything one guild does
                    self._log_once(guild_id, f"{type(exc).__name__}: {exc}", exc)
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
        rid = pick.resource.id
        if not await self.service.claim_post(guild_id, day, rid):
            self._claimed(guild_id, day)
            return PostResult(Outcome.ALREADY_POSTED, guild_id, day)
        try:
            message_id = await self.send(channel_id, pick)
        except SendFailed as failure:
            return await self._failed(config, day, now, rid, failure)
        except BaseException:
            # Cancelled mid-send (shutdown) or a bug: give the day back rather than lose it.
            await asyncio.shield(self.service.release_post(guild_id, day))
            raise
        self._claimed(guild_id, day)
        await self.service.record_post_message(guild_id, day, message_id)
        if config.last_error:
            await self.service.set_guild_error(guild_id, None)
        self._logged.pop(guild_id, None)
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
        await self.service.release_post(guild_id, day)
        if failure.fault is Fault.PERMANENT:
            await self.service.update_guild_settings(guild_id, enabled=False)
            note = f"{failure.reason} Daily posts are off; fix it and run `/daily set` again."
            await self.service.set_guild_error(guild_id, failure_note(now, note))
            self._log_once(guild_id, f"schedule disabled: {failure.reason}")
            return PostResult(Outcome.DISABLED, guild_id, day, resource_id, reason=failure.reason)
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
