"""The reading club, as the service offers it to both faces: start, status, pick, skip,
stop. The loop that runs the cycles is `ClubRunner` (bot/service/club_runner.py).

A mixin of `Service` (same object, same store, clock and catalog). Manage Server is checked
by the face; everything typed is validated here, and nothing is written when it is bad.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.daily.parsing import zone
from bot.daily.terms import ScheduleError
from bot.service.lazy import lazy_module
from bot.service.validation import (
    ServiceError,
    check_level,
    check_post_time,
    check_snowflake,
    check_timezone,
)
from bot.store.records import StoredClub, StoredCycle
from recommender.catalog import Catalog
from recommender.resource import Resource

if TYPE_CHECKING:
    import bot.club as club_core
    import bot.club.parsing as club_parsing
    import bot.club.terms as club_terms
    import bot.service.club_answers as club_answers
    import bot.service.daily_planning as daily_planning
    from bot.service.server_views import ServerView
    from bot.store import Store
    from recommender.engine import Engine
else:
    daily_planning = lazy_module("bot.service.daily_planning")
    club_core = lazy_module("bot.club")
    club_parsing = lazy_module("bot.club.parsing")
    club_terms = lazy_module("bot.club.terms")
    club_answers = lazy_module("bot.service.club_answers")


def club_schedule(config: club_answers.ClubConfig) -> club_core.ClubSchedule:
    """The cycle arithmetic's view of a stored club (raises ClubError for a stored value it
    rejects, such as a timezone removed from tzdata)."""
    return club_core.ClubSchedule(
        guild_id=config.guild_id,
        channel_id=config.channel_id,
        cadence=config.cadence,  # type: ignore[arg-type]  # coerced by __post_init__
        weekday=config.weekday,
        meet_time=dt.time.fromisoformat(config.meet_time),
        timezone=config.timezone,
        started_at=config.started_at,
        poll_hours=config.poll_hours,
        topic=config.topic,
        level=config.level,
        enabled=config.enabled,
    )


class ClubMixin:
    """`/club` start, status, pick, skip, stop (see `Service`)."""

    @property
    def store(self) -> Store:  # provided by `Service`
        raise NotImplementedError

    clock: Callable[[], dt.datetime]
    catalog: Catalog
    recommender: Engine | None

    # --- what a club reads --------------------------------------------------------------------

    async def club_pool(
        self, guild_id: int, topic: str | None, level: str | None
    ) -> list[Resource]:
        """Every resource the club may read, best first: the server's catalog (the shipped
        one plus what the server added) matching the topic and level, in its engine's order
        (catalog order without one). One-sitting readings only, unless too few match
        (`ONE_SITTING_KINDS`)."""
        view = await self.server_view(guild_id)
        resources = list(view.resources)
        if view.engine is not None:
            ranked = view.engine.recommend(
                daily_planning.topic_query(topic), level=level, k=len(resources)
            )
            order = {r.resource.id: i for i, r in enumerate(ranked.results)}
            resources.sort(key=lambda r: order.get(r.id, len(order)))
        pool = [r for r in resources if daily_planning.matches(r, topic, level)]
        sized = [r for r in pool if r.kind in club_terms.ONE_SITTING_KINDS]
        return sized if len(sized) >= club_terms.MIN_CANDIDATES else pool

    # --- settings -----------------------------------------------------------------------------

    async def club(self, guild_id: int) -> club_answers.ClubConfig | None:
        """The server's club settings, or None when it never started one."""
        return await self.store.get_club(check_snowflake(guild_id, "guild id"))

    async def enabled_clubs(self) -> list[club_answers.ClubConfig]:
        return await self.store.enabled_clubs()

    async def club_start(
        self,
        guild_id: int,
        channel_id: int,
        *,
        cadence: str,
        day: str,
        time: str,
        timezone: str,
        topic: str | None = None,
        level: str | None = None,
        poll_hours: int | str | None = None,
    ) -> club_answers.ClubStatus:
        """Start (or restart with new settings) the server's club in `channel_id`.

        `cadence` weekly|fortnightly, `day` a weekday name, `time` "HH:MM" and `timezone` an
        IANA name: when the club meets. The first poll opens at the next tick; the first
        meeting is the first such slot leaving the poll and a day of reading before it.
        Raises ServiceError (a sentence for the moderator) for bad input, or when nothing in
        the catalog matches the topic and level.
        """
        guild = check_snowflake(guild_id, "guild id")
        channel = check_snowflake(channel_id, "channel id")
        try:
            cadence_value = club_parsing.parse_cadence(cadence)
            weekday = club_parsing.parse_weekday(day)
            hours = club_parsing.parse_poll_hours(
                club_core.DEFAULT_POLL_HOURS if poll_hours is None else poll_hours
            )
            slug = (
                daily_planning.resolve_topic(topic) if topic is not None and topic.strip() else None
            )
        except ScheduleError as exc:
            raise ServiceError(str(exc)) from None
        meet_time = check_post_time(time)
        tz_name = check_timezone(timezone)
        wanted_level = check_level(level.strip().lower() if level and level.strip() else None)
        pool = await self.club_pool(guild, slug, wanted_level)
        if not pool:
            gap = daily_planning.nothing_matches(self.catalog.resources, slug, wanted_level)
            raise ServiceError(gap)
        now = self.clock()
        config = StoredClub(
            guild_id=guild,
            channel_id=channel,
            cadence=cadence_value.value,
            weekday=weekday,
            meet_time=meet_time,
            timezone=tz_name,
            topic=slug,
            level=wanted_level,
            poll_hours=hours,
            enabled=True,
            started_at=now,
        )
        schedule = club_schedule(config)  # the same checks the loop will make
        previous = await self.store.get_club(guild)
        await self.store.save_club(config, now)
        if previous is not None:
            # New settings: cycles not announced yet are planned again from the new start
            # (an announced reading stays the club's history and is not offered again).
            today = now.astimezone(zone(schedule.timezone)).date()
            await self.store.drop_unsettled_cycles(guild, today - dt.timedelta(days=1))
        return await self.club_status(guild)

    async def club_status(self, guild_id: int) -> club_answers.ClubStatus:
        """The settings, the cycle in progress (poll or reading), the next meeting, and who
        finished the reading (a count; ids only of those who opted in)."""
        guild = check_snowflake(guild_id, "guild id")
        await self.server_view(guild)  # the reading may be one of the server's additions
        config = await self.store.get_club(guild)
        if config is None:
            return club_answers.ClubStatus(guild, None)
        try:
            schedule = club_schedule(config)
        except ScheduleError:  # a stored value tzdata no longer knows: settings only
            return club_answers.ClubStatus(guild, config)
        now = self.clock()
        cycle = club_core.cycle_at(schedule, now)
        record = await self.store.get_cycle(guild, cycle.meeting_date)
        reading = self.club_resource(guild, record.winner) if record and record.winner else None
        finished, finished_by = await self._finished(guild, reading)
        state = record.state if record is not None else club_core.CycleState.PENDING.value
        poll = (
            club_answers.PollRef(config.channel_id, record.poll_message_id)
            if record is not None and record.poll_message_id is not None
            else None
        )
        closes = record.poll_closes_at if record is not None else None
        poll_open = (
            poll is not None
            and record is not None
            and not record.announcement_message_id
            and state == club_core.CycleState.PENDING
            and closes is not None
            and now < closes
        )
        return club_answers.ClubStatus(
            guild_id=guild,
            config=config,
            cycle_number=cycle.number,
            meeting_date=cycle.meeting_date,
            meets_at=cycle.meets_at,
            state=state,
            poll_open=bool(poll_open),
            poll_opens_at=cycle.opens_at,
            poll_closes_at=closes or cycle.closes_at,
            poll=poll,
            candidates=tuple(
                r
                for r in (
                    self.club_resource(guild, c) for c in (record.candidates if record else ())
                )
                if r is not None
            ),
            reading=reading,
            picked=bool(record and record.picked),
            announcement_message_id=record.announcement_message_id if record else None,
            thread_id=record.thread_id if record else None,
            event_id=record.event_id if record else None,
            finished=finished,
            finished_by=finished_by,
            next_meeting=self._next_meeting(schedule, cycle, state) if config.enabled else None,
        )

    def club_resource(self, guild_id: int, resource_id: str) -> Resource | None:
        """A resource by id from the catalog or the server's own additions, as last loaded:
        every async entry point loads the server's view first (`server_view`)."""
        return self.resource(resource_id, guild_id=guild_id)

    @staticmethod
    def _next_meeting(
        schedule: club_core.ClubSchedule, cycle: club_core.Cycle, state: str
    ) -> dt.datetime:
        if state == club_core.CycleState.SKIPPED:
            return club_core.cycle_number(schedule, cycle.number + 1).meets_at
        return cycle.meets_at

    async def _finished(
        self, guild_id: int, reading: Resource | None
    ) -> tuple[int, tuple[int, ...]]:
        if reading is None:
            return 0, ()
        statuses = await self.store.member_statuses(guild_id)
        done = {u for u, entries in statuses.items() if entries.get(reading.id) == "done"}
        shown = set(await self.store.opted_in(guild_id)) & done
        return len(done), tuple(sorted(shown))

    # --- moderator overrides ------------------------------------------------------------------

    async def _running(
        self, guild_id: int
    ) -> tuple[club_answers.ClubConfig, club_core.ClubSchedule]:
        config = await self.store.get_club(check_snowflake(guild_id, "guild id"))
        if config is None or not config.enabled:
            raise ServiceError("This server has no club running: start one with /club start.")
        return config, club_schedule(config)

    async def club_pick(self, guild_id: int, text: str) -> club_answers.PickResult:
        """A moderator chooses the reading (an id or a title, as `resolve` reads it) for the
        current cycle when its reading is not announced yet, else for the next one. The
        club loop announces it when that cycle's window is open."""
        config, schedule = await self._running(guild_id)
        resource = await self.resolve_text(text, guild_id=config.guild_id)
        now = self.clock()
        cycle = club_core.cycle_at(schedule, now)
        for target in (cycle, club_core.cycle_number(schedule, cycle.number + 1)):
            row = await self.store.pick_for_cycle(
                config.guild_id, target.meeting_date, target.number, resource.id, now
            )
            if row is not None:
                return club_answers.PickResult(
                    resource,
                    target.number,
                    target.meeting_date,
                    target.meets_at,
                    target is cycle,
                    _poll_of(config, row) if target is cycle else None,
                )
        raise ServiceError("The next reading is being announced right now; try again in a minute.")

    async def club_skip(self, guild_id: int) -> club_answers.SkipResult:
        """Call off the current cycle's meeting (before its reading is announced): no
        reading this time; the next poll opens at the skipped meeting's time."""
        config, schedule = await self._running(guild_id)
        now = self.clock()
        cycle = club_core.cycle_at(schedule, now)
        current = await self.store.get_cycle(config.guild_id, cycle.meeting_date)
        if current is not None and current.state == club_core.CycleState.SKIPPED:
            raise ServiceError("This meeting is already skipped.")
        if current is not None and current.state == club_core.CycleState.ANNOUNCED:
            raise ServiceError(
                "This meeting's reading is already announced; it cannot be skipped any more. "
                "Use /club stop to pause the club."
            )
        row = await self.store.skip_cycle(config.guild_id, cycle.meeting_date, cycle.number, now)
        if row is None:
            raise ServiceError("The reading is being announced right now; try again in a minute.")
        return club_answers.SkipResult(
            cycle.number, cycle.meeting_date, cycle.meets_at, cycle.meets_at, _poll_of(config, row)
        )

    async def club_stop(self, guild_id: int) -> club_answers.StopResult:
        """Switch the club off (settings kept); an open poll is to be ended by the face."""
        config, schedule = await self._running(guild_id)
        now = self.clock()
        cycle = club_core.cycle_at(schedule, now)
        row = await self.store.get_cycle(config.guild_id, cycle.meeting_date)
        stopped = await self.store.update_club(config.guild_id, now, enabled=False)
        assert stopped is not None
        poll = _poll_of(config, row) if row is not None and row.state == "pending" else None
        return club_answers.StopResult(stopped, poll)

    async def club_switch_off(self, guild_id: int, reason: str) -> club_answers.ClubConfig | None:
        """Stop the club because Discord refused its channel; `reason` shows in status."""
        return await self.store.update_club(
            guild_id, self.clock(), enabled=False, error=reason.strip()[:2000]
        )

    async def club_notice(
        self, guild_id: int, notice: str | None
    ) -> club_answers.ClubConfig | None:
        """Remember (or clear) a problem that did not stop the club (missing thread or
        event permissions)."""
        text = None if notice is None else notice.strip()[:2000]
        return await self.store.update_club(guild_id, self.clock(), notice=text)

    if TYPE_CHECKING:  # provided by `DiscoveryMixin` and `Service`

        async def resolve_text(self, text: str, *, guild_id: int | None = None) -> Resource: ...

        async def server_view(self, guild_id: int | None) -> ServerView: ...

        def resource(self, resource_id: str, *, guild_id: int | None = None) -> Resource | None: ...


def _poll_of(
    config: club_answers.ClubConfig, row: StoredCycle | None
) -> club_answers.PollRef | None:
    if row is None or row.poll_message_id is None or row.announcement_message_id is not None:
        return None
    return club_answers.PollRef(config.channel_id, row.poll_message_id)
