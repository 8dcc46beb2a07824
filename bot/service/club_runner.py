"""The reading club's loop around the pure cycle: choose, claim, post, record, handle faults.

`ClubRunner` is part of the service and knows nothing of Discord: the face gives it a
`ClubDiscord` (post a poll, read its counts, end it, announce, look for an earlier attempt's
message) that turns plans into Discord calls and raises `SendFailed` with a `Fault` when
Discord refuses. Each tick, per club, `bot.club.decide` says what to do, and claims make it
happen exactly once per cycle across restarts and processes, as for daily posts:

- the poll and the announcement are each claimed in the cycle's row before posting (one
  conditional UPDATE; a second process's claim fails), held for `CLAIM_LEASE`, and closed by
  recording the message id. Every attempt carries the same nonce (`club_nonce`);
- a claim whose lease ran out (a crash, a lost answer) is taken over by one tick, which first
  looks for the message (`find_*`) and records it, and posts only when it is not there. The
  poll's candidates and the announcement's winner are those of the first claim;
- TRANSIENT fault: the claim is kept and its lease ended, so the next tick looks, then posts;
- PERMANENT fault (channel gone, permission lost): the claim is released and the club
  switched off, with the reason in `/club status`;
- a missing thread or event permission does not stop the club: the announcement goes out
  without them and `/club status` names the permission.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.club import (
    TIE_RULE,
    ClubError,
    ClubSchedule,
    Cycle,
    CycleRecord,
    CycleState,
    Step,
    choose_candidates,
    cycle_at,
    decide,
    poll_closes_at,
    poll_hours,
    poll_winner,
    steer,
    was_tie,
)
from bot.daily.terms import WEEKDAY_NAMES
from bot.service.club import club_schedule
from bot.service.club_answers import (
    Announced,
    AnnouncementPlan,
    ClubConfig,
    EventPlan,
    PollChoice,
    PollPlan,
    PollRef,
    VoteLine,
)
from bot.service.core import Service
from bot.service.daily_planning import Fault, failure_note
from bot.service.daily_runner import SendFailed
from bot.service.guilds import CLAIM_LEASE
from bot.store.records import StoredCycle
from recommender.resource import Resource

log = logging.getLogger(__name__)

POLL_ANSWER_CHARS = 55
"""Discord's limit for a poll answer's text."""
POLL_QUESTION_CHARS = 300
MEETING_LENGTH = dt.timedelta(hours=1)
"""How long the meeting's scheduled event lasts (Discord needs an end for some events)."""


class ClubDiscord(Protocol):
    """What the club loop needs of Discord; the face implements it. Every method raises
    `SendFailed` when Discord refuses (PERMANENT: channel gone or closed to the bot;
    TRANSIENT: anything else)."""

    async def post_poll(self, plan: PollPlan) -> int:
        """Post the poll (with `plan.nonce`, enforced); the message id."""
        ...

    async def find_poll(self, plan: PollPlan) -> int | None:
        """The bot's poll for this cycle among the channel's recent messages, or None."""
        ...

    async def poll_counts(self, poll: PollRef) -> tuple[int, ...] | None:
        """Votes per answer, in answer order; None when the poll message is gone."""
        ...

    async def end_poll(self, poll: PollRef) -> None:
        """End a poll early (a moderator picked); an already ended poll is fine."""
        ...

    async def announce(self, plan: AnnouncementPlan) -> Announced:
        """End `plan.end_poll` if any, post the announcement (with `plan.nonce`), open the
        thread with the prompts and the event when allowed; what was made."""
        ...

    async def find_announcement(self, plan: AnnouncementPlan) -> Announced | None:
        """The bot's announcement for this cycle (and its thread) if already posted."""
        ...


class ClubOutcome(enum.Enum):
    POLL_OPENED = "poll opened"
    POLL_FOUND = "poll found"  # an unsure earlier attempt had posted it: recorded
    ANNOUNCED = "announced"
    ANNOUNCEMENT_FOUND = "announcement found"
    BUSY = "busy"  # another tick or process holds the claim
    NOTHING_TO_READ = "nothing to read"
    DISABLED = "disabled"  # permanent fault: club switched off
    RETRY = "retry"  # transient fault: tried again next tick


@dataclass(frozen=True, slots=True)
class ClubResult:
    outcome: ClubOutcome
    guild_id: int
    cycle_number: int
    meeting_date: dt.date
    resource_id: str | None = None
    message_id: int | None = None
    reason: str | None = None


def club_nonce(guild_id: int, meeting_date: dt.date, what: str) -> str:
    """The nonce of a cycle's poll or announcement: the same for every attempt by any
    process, 24 characters (Discord allows 25), derived, not stored."""
    key = f"deepread-club:{guild_id}:{meeting_date.isoformat()}:{what}"
    return "dc" + hashlib.sha256(key.encode()).hexdigest()[:22]


def record_of(stored: StoredCycle | None) -> CycleRecord | None:
    """The pure core's view of a stored cycle."""
    if stored is None:
        return None
    return CycleRecord(
        guild_id=stored.guild_id,
        meeting_date=stored.meeting_date,
        state=CycleState(stored.state),
        candidates=stored.candidates,
        poll_message_id=stored.poll_message_id,
        poll_closes_at=stored.poll_closes_at,
        poll_claimed_until=stored.poll_claimed_until,
        poll_tries=stored.poll_tries,
        counts=stored.counts,
        winner=stored.winner,
        picked=stored.picked,
        announcement_message_id=stored.announcement_message_id,
        announce_claimed_until=stored.announce_claimed_until,
        announce_tries=stored.announce_tries,
        thread_id=stored.thread_id,
        event_id=stored.event_id,
    )


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class ClubRunner:
    def __init__(
        self,
        service: Service,
        discord: ClubDiscord,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        serves: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        """`serves(guild)`: whether this process runs the guild's club (its shards hold it)."""
        self.service = service
        self.discord = discord
        self.clock: Callable[[], dt.datetime] = clock or service.clock
        self.serves = serves
        self._lock = asyncio.Lock()
        self._logged: dict[int, str] = {}

    # --- the loop -----------------------------------------------------------------------------

    async def tick(self) -> list[ClubResult]:
        """Do what is due for every club this process serves; one club's error never stops
        the others. Quiet clubs (nothing due) give no result."""
        async with self._lock:
            now = self.clock()
            results: list[ClubResult] = []
            # One read for every club's current cycle: no zone is a day away from UTC, so
            # a meeting still ahead is on yesterday's UTC date or later.
            rows = await self.service.store.cycles_from(now.date() - dt.timedelta(days=1))
            known = {(row.guild_id, row.meeting_date): row for row in rows}
            for config in await self.service.enabled_clubs():
                if not self.serves(config.guild_id):
                    continue
                try:
                    result = await self._run(config, now, known)
                except Exception as exc:  # the loop must survive anything one club does
                    self._log_once(config.guild_id, f"{type(exc).__name__}: {exc}", exc)
                    continue
                if result is not None:
                    results.append(result)
            return results

    async def run_club(self, guild_id: int) -> ClubResult | None:
        """Do what is due for one club now (after `/club start` or `/club pick`, so the
        moderator does not wait for the next tick); None when nothing is due."""
        async with self._lock:
            config = await self.service.club(guild_id)
            if config is None or not config.enabled:
                return None
            return await self._run(config, self.clock())

    async def _run(
        self,
        config: ClubConfig,
        now: dt.datetime,
        known: dict[tuple[int, dt.date], StoredCycle] | None = None,
    ) -> ClubResult | None:
        """One club's step now; `known` holds the rows a tick read for all clubs at once
        (without it, the current cycle's row is read)."""
        try:
            schedule = club_schedule(config)
        except ClubError as exc:
            self._log_once(config.guild_id, f"unusable club settings: {exc}")
            return None
        cycle = cycle_at(schedule, now)
        if known is None:
            stored = await self.service.store.get_cycle(config.guild_id, cycle.meeting_date)
        else:
            stored = known.get((config.guild_id, cycle.meeting_date))
        step = decide(schedule, cycle, record_of(stored), now)
        if step is Step.WAIT:
            return None
        await self.service.server_view(config.guild_id)  # its additions may be the readings
        if step in (Step.OPEN_POLL, Step.RESUME_POLL):
            return await self._poll(config, schedule, cycle, now)
        if step is Step.ANNOUNCE_WITHOUT_POLL:
            return await self._announce_by_rule(config, schedule, cycle, now)
        assert stored is not None
        return await self._announce(config, cycle, stored, now)

    # --- choosing -----------------------------------------------------------------------------

    async def candidates(self, config: ClubConfig) -> tuple[tuple[str, ...], dict[str, int]]:
        """The poll's candidates (see `bot.club.choosing`) and the read counts among the
        server's active members they were chosen by."""
        guild = config.guild_id
        pool = await self.service.club_pool(guild, config.topic, config.level)
        lean, rejected = await self.service.server_steering(guild, pool)
        ranked = steer([r.id for r in pool], lean, rejected)
        reads = await self._reads(guild)
        past = set(await self.service.store.club_readings(guild))
        chosen = choose_candidates(ranked, reads, excluded=past, leaning=lean)
        if not chosen:  # the club read everything that fits: start over, least recent first
            chosen = choose_candidates(ranked, reads, leaning=lean)
        return chosen, reads

    async def _reads(self, guild_id: int) -> dict[str, int]:
        members = await self.service.active_members(guild_id)
        return await self.service.read_counts(members) if members else {}

    # --- the poll -----------------------------------------------------------------------------

    async def _poll(
        self, config: ClubConfig, schedule: ClubSchedule, cycle: Cycle, now: dt.datetime
    ) -> ClubResult | None:
        guild = config.guild_id
        chosen, _ = await self.candidates(config)
        if not chosen:
            return await self._nothing(config, cycle)
        if len(chosen) == 1:  # a poll of one is no choice: announce it
            return await self._announce_by_rule(config, schedule, cycle, now)
        closes = poll_closes_at(cycle, now)
        if closes is None:
            return await self._announce_by_rule(config, schedule, cycle, now)
        store = self.service.store
        claimed = await store.claim_poll(
            guild, cycle.meeting_date, cycle.number, chosen, closes, now, now + CLAIM_LEASE
        )
        if claimed is None:
            return ClubResult(ClubOutcome.BUSY, guild, cycle.number, cycle.meeting_date)
        plan = self.poll_plan(config, cycle, claimed, now)
        try:
            found = await self.discord.find_poll(plan) if claimed.poll_tries > 1 else None
            message_id = found if found is not None else await self.discord.post_poll(plan)
        except SendFailed as failure:
            if failure.fault is Fault.PERMANENT:
                await store.release_poll(guild, cycle.meeting_date, self.clock())
                return await self._switch_off(config, cycle, failure)
            await store.lapse_poll(guild, cycle.meeting_date, self.clock())
            return self._retry(config, cycle, failure)
        except BaseException:
            await asyncio.shield(store.lapse_poll(guild, cycle.meeting_date, self.clock()))
            raise
        await store.set_poll_message(guild, cycle.meeting_date, message_id, self.clock())
        await self._clear_error(config)
        outcome = ClubOutcome.POLL_FOUND if found is not None else ClubOutcome.POLL_OPENED
        log.info("club poll for guild %s (%s): %s", guild, cycle.meeting_date, plan.choices)
        return ClubResult(outcome, guild, cycle.number, cycle.meeting_date, message_id=message_id)

    def poll_plan(
        self, config: ClubConfig, cycle: Cycle, claimed: StoredCycle, now: dt.datetime
    ) -> PollPlan:
        closes = claimed.poll_closes_at or cycle.closes_at
        choices = []
        for rid in claimed.candidates:
            resource = self.service.club_resource(config.guild_id, rid)
            if resource is not None:
                choices.append(PollChoice(resource, _short(resource.title, POLL_ANSWER_CHARS)))
        day = WEEKDAY_NAMES[cycle.meeting_date.weekday()]
        question = _short(
            f"Reading club: what shall we read for {day} {cycle.meeting_date:%d %B}?",
            POLL_QUESTION_CHARS,
        )
        return PollPlan(
            guild_id=config.guild_id,
            channel_id=config.channel_id,
            cycle_number=cycle.number,
            meeting_date=cycle.meeting_date,
            meets_at=cycle.meets_at,
            question=question,
            choices=tuple(choices),
            hours=poll_hours(closes, now),
            closes_at=closes,
            nonce=club_nonce(config.guild_id, cycle.meeting_date, "poll"),
            tie_rule=TIE_RULE,
        )

    # --- the announcement ---------------------------------------------------------------------

    async def _announce_by_rule(
        self, config: ClubConfig, schedule: ClubSchedule, cycle: Cycle, now: dt.datetime
    ) -> ClubResult | None:
        chosen, reads = await self.candidates(config)
        if not chosen:
            return await self._nothing(config, cycle)
        winner = poll_winner(chosen, (), reads)
        return await self._claim_and_announce(config, cycle, winner, (), now)

    async def _announce(
        self, config: ClubConfig, cycle: Cycle, stored: StoredCycle, now: dt.datetime
    ) -> ClubResult | None:
        guild = config.guild_id
        if stored.announce_tries > 0 or (stored.picked and stored.winner):
            winner = stored.winner or ""
            return await self._claim_and_announce(config, cycle, winner, stored.counts, now)
        assert stored.poll_message_id is not None
        try:
            counts = await self.discord.poll_counts(
                PollRef(config.channel_id, stored.poll_message_id)
            )
        except SendFailed as failure:
            if failure.fault is Fault.PERMANENT:
                return await self._switch_off(config, cycle, failure)
            return self._retry(config, cycle, failure)
        votes = tuple(counts or ())
        reads = await self._reads(guild)
        winner = poll_winner(stored.candidates, votes, reads)
        return await self._claim_and_announce(config, cycle, winner, votes, now)

    async def _claim_and_announce(
        self,
        config: ClubConfig,
        cycle: Cycle,
        winner: str,
        counts: tuple[int, ...],
        now: dt.datetime,
    ) -> ClubResult | None:
        guild, day, store = config.guild_id, cycle.meeting_date, self.service.store
        claimed = await store.claim_announcement(
            guild, day, cycle.number, winner, counts, now, now + CLAIM_LEASE
        )
        if claimed is None:
            return ClubResult(ClubOutcome.BUSY, guild, cycle.number, day)
        plan = await self.announcement_plan(config, cycle, claimed)
        if plan is None:  # the winner left the catalog meanwhile
            await store.release_announcement(guild, day, self.clock())
            return await self._nothing(config, cycle)
        try:
            found = (
                await self.discord.find_announcement(plan) if claimed.announce_tries > 1 else None
            )
            made = found if found is not None else await self.discord.announce(plan)
        except SendFailed as failure:
            if failure.fault is Fault.PERMANENT:
                await store.release_announcement(guild, day, self.clock())
                return await self._switch_off(config, cycle, failure)
            await store.lapse_announcement(guild, day, self.clock())
            return self._retry(config, cycle, failure)
        except BaseException:
            await asyncio.shield(store.lapse_announcement(guild, day, self.clock()))
            raise
        await store.set_announcement(
            guild, day, made.message_id, made.thread_id, made.event_id, self.clock()
        )
        await self._clear_error(config)
        await self._note_missing(config, made)
        outcome = ClubOutcome.ANNOUNCEMENT_FOUND if found is not None else ClubOutcome.ANNOUNCED
        log.info("club reading for guild %s (%s): %s", guild, day, plan.resource.id)
        return ClubResult(outcome, guild, cycle.number, day, plan.resource.id, made.message_id)

    async def announcement_plan(
        self, config: ClubConfig, cycle: Cycle, claimed: StoredCycle
    ) -> AnnouncementPlan | None:
        """The announcement of a claimed cycle (its winner, counts and how it was chosen)."""
        guild = config.guild_id
        resource = self.service.club_resource(guild, claimed.winner or "")
        if resource is None:
            return None
        results: list[VoteLine] = []
        for index, rid in enumerate(claimed.candidates):
            candidate = self.service.club_resource(guild, rid)
            if candidate is not None:
                votes = claimed.counts[index] if index < len(claimed.counts) else 0
                results.append(VoteLine(candidate, votes))
        how, tie_rule = _how(claimed)
        talk = await self.service.discussion(guild, resource.id)
        engine = self.service.recommender
        summary = engine.summary(resource) if engine is not None else (resource.description or "")
        end_poll = None
        if claimed.picked and claimed.poll_message_id is not None:
            end_poll = PollRef(config.channel_id, claimed.poll_message_id)
        return AnnouncementPlan(
            guild_id=guild,
            channel_id=config.channel_id,
            cycle_number=cycle.number,
            meeting_date=cycle.meeting_date,
            meets_at=cycle.meets_at,
            resource=resource,
            summary=summary,
            how=how,
            tie_rule=tie_rule,
            results=tuple(results) if claimed.counts else (),
            thread_name=talk.thread_name,
            prompts=talk.prompts,
            event=_event(resource, cycle),
            end_poll=end_poll,
            nonce=club_nonce(guild, cycle.meeting_date, "announcement"),
        )

    # --- faults -------------------------------------------------------------------------------

    async def _nothing(self, config: ClubConfig, cycle: Cycle) -> ClubResult:
        reason = "nothing in the catalog matches the club's topic and level"
        if config.notice != reason:
            await self.service.club_notice(config.guild_id, reason)
        self._log_once(config.guild_id, reason)
        return ClubResult(
            ClubOutcome.NOTHING_TO_READ,
            config.guild_id,
            cycle.number,
            cycle.meeting_date,
            reason=reason,
        )

    async def _switch_off(
        self, config: ClubConfig, cycle: Cycle, failure: SendFailed
    ) -> ClubResult:
        note = f"{failure.reason} The club is off; fix it and run /club start again."
        await self.service.club_switch_off(config.guild_id, failure_note(self.clock(), note))
        self._log_once(config.guild_id, f"club switched off: {failure.reason}")
        return ClubResult(
            ClubOutcome.DISABLED,
            config.guild_id,
            cycle.number,
            cycle.meeting_date,
            reason=failure.reason,
        )

    def _retry(self, config: ClubConfig, cycle: Cycle, failure: SendFailed) -> ClubResult:
        self._log_once(config.guild_id, f"will retry: {failure.reason}")
        return ClubResult(
            ClubOutcome.RETRY,
            config.guild_id,
            cycle.number,
            cycle.meeting_date,
            reason=failure.reason,
        )

    async def _clear_error(self, config: ClubConfig) -> None:
        self._logged.pop(config.guild_id, None)
        if config.notice and config.notice.startswith("nothing in the catalog"):
            await self.service.club_notice(config.guild_id, None)

    async def _note_missing(self, config: ClubConfig, made: Announced) -> None:
        if made.missing:
            names = ", ".join(made.missing)
            await self.service.club_notice(
                config.guild_id,
                f"The last announcement went out without its thread or event: I lack "
                f"{names} in <#{config.channel_id}>.",
            )
        elif config.notice:
            await self.service.club_notice(config.guild_id, None)

    def _log_once(self, guild_id: int, text: str, exc: BaseException | None = None) -> None:
        if self._logged.get(guild_id) == text:
            return
        self._logged[guild_id] = text
        log.warning("reading club of guild %s: %s", guild_id, text, exc_info=exc)


def _how(claimed: StoredCycle) -> tuple[str, str | None]:
    """How the reading was chosen, and the tie rule when it decided."""
    if claimed.picked:
        return "Picked by a moderator.", None
    if not claimed.candidates:
        return "Chosen by the club's rule: the reading fewest members have read.", None
    total = sum(claimed.counts)
    if not claimed.counts or total == 0:
        return "Nobody voted, so the tie rule chose.", TIE_RULE
    top = max(claimed.counts)
    votes = "vote" if top == 1 else "votes"
    how = f"Chosen by poll: {top} {votes} of {total}."
    return how, TIE_RULE if was_tie(claimed.candidates, claimed.counts) else None


def _event(resource: Resource, cycle: Cycle) -> EventPlan:
    link = resource.link or ""
    return EventPlan(
        name=_short(f"Reading club: {resource.title}", 100),
        starts_at=cycle.meets_at,
        ends_at=cycle.meets_at + MEETING_LENGTH,
        description=_short(f"We discuss “{resource.title}”. {link}".strip(), 1000),
    )
