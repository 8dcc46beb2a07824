"""A server as a group, as the service offers it to both faces: who its members are,
their feedback on posts, what the server reads (`popular`), what members and the group are
ready for (`next`, `next_for_group`), the opt-in leaderboard, and discussion prompts.

A mixin of `Service`. Members of a server are the users deepread has seen use it there:
the face calls `note_member` on each interaction in a server (written at most once a day per
member and server), votes record it too, and `/forgetme` deletes it. Counts never name
anyone; leaderboards and `/club status` show only members who opted in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.service.lazy import lazy_module
from bot.service.progress import streak
from bot.service.validation import ServiceError, check_bool, check_snowflake
from recommender.catalog import Catalog
from recommender.paths import frontier, starting_points
from recommender.resource import Resource

if TYPE_CHECKING:
    import bot.club as club_core
    import bot.service.community_answers as community_answers
    from bot.service.server_views import ServerView
    from bot.store import Store
    from recommender import discussion
    from recommender.engine import Engine
else:
    club_core = lazy_module("bot.club")
    community_answers = lazy_module("bot.service.community_answers")
    discussion = lazy_module("recommender.discussion")

MAX_ITEMS = 10
ACTIVE_DAYS = 90
"""A member seen in the last 90 days is active: their reading shapes the club's candidates
and the group's frontier."""


def check_period(value: str) -> str:
    period = (value or "week").strip().casefold()
    if period not in community_answers.PERIODS:
        raise ServiceError(f"unknown period {value!r}: use week, month or all")
    return period


def check_verdict(value: str | None) -> str | None:
    if value is None:
        return None
    verdict = value.strip().casefold().replace(" ", "_")
    if verdict not in club_core.VERDICTS:
        raise ServiceError(f"unknown feedback {value!r}: useful or not_for_us")
    return verdict


class CommunityMixin:
    """Members, feedback, popular, next, leaderboard, discussion (see `Service`)."""

    @property
    def store(self) -> Store:  # provided by `Service`
        raise NotImplementedError

    clock: Callable[[], dt.datetime]
    catalog: Catalog
    recommender: Engine | None
    _members_noted: dict[tuple[int, int], dt.date]

    if TYPE_CHECKING:

        def club_resource(self, guild_id: int, resource_id: str) -> Resource | None: ...

        async def server_view(self, guild_id: int | None) -> ServerView: ...

    # --- membership ---------------------------------------------------------------------------

    def member_noted(self, guild_id: int, user_id: int) -> bool:
        """Whether `note_member` has nothing to do today (so a caller can skip scheduling it)."""
        return self._members_noted.get((guild_id, user_id)) == self.clock().date()

    async def note_member(self, guild_id: int, user_id: int) -> None:
        """The user used deepread in the server: they count as one of its members (for
        popular, leaderboard, the group frontier and club candidates). Cheap to call on
        every interaction: written at most once a day per (server, member) by a process."""
        key = (check_snowflake(guild_id, "guild id"), check_snowflake(user_id))
        now = self.clock()
        if self._members_noted.get(key) == now.date():
            return
        await self.store.note_member(key[0], key[1], now)
        if len(self._members_noted) > 100_000:
            self._members_noted.clear()
        self._members_noted[key] = now.date()

    async def active_members(self, guild_id: int) -> list[int]:
        """Members seen in the server in the last `ACTIVE_DAYS` days."""
        since = self.clock() - dt.timedelta(days=ACTIVE_DAYS)
        return await self.store.member_ids(check_snowflake(guild_id, "guild id"), since)

    # --- feedback -----------------------------------------------------------------------------

    async def vote(
        self,
        guild_id: int,
        user_id: int,
        resource_id: str,
        verdict: str | None,
        *,
        source: str = "daily",
    ) -> community_answers.FeedbackCounts:
        """Record, change (or with None withdraw) a member's "useful" / "not_for_us" on a
        resource posted in the server; one vote per member. The counts after it."""
        guild = check_snowflake(guild_id, "guild id")
        await self.server_view(guild)  # the resource may be one of the server's additions
        user = check_snowflake(user_id)
        chosen = check_verdict(verdict)
        if source not in community_answers.SOURCES:
            raise ServiceError(f"unknown post kind {source!r}: daily or club")
        if self.club_resource(guild, resource_id) is None:
            raise ServiceError("That reading is no longer in the catalog, so it takes no votes.")
        now = self.clock()
        await self.store.note_member(guild, user, now)
        self._members_noted[(guild, user)] = now.date()
        await self.store.set_vote(guild, resource_id, user, chosen, source, now)
        return await self.feedback(guild, resource_id, user_id=user)

    async def feedback(
        self, guild_id: int, resource_id: str, *, user_id: int | None = None
    ) -> community_answers.FeedbackCounts:
        """The server's votes on a resource (and `user_id`'s own, when given)."""
        guild = check_snowflake(guild_id, "guild id")
        user = None if user_id is None else check_snowflake(user_id)
        tally, mine = await self.store.vote_tally(guild, resource_id, user)
        return community_answers.FeedbackCounts(
            guild, resource_id, tally.useful, tally.not_for_us, mine
        )

    async def server_steering(
        self, guild_id: int, candidates: Sequence[Resource]
    ) -> tuple[dict[str, float], frozenset[str]]:
        """How the server's votes steer its picks: resource id -> leaning (see
        `bot.club.steering`), and the resources it rejected."""
        votes = {
            rid: (t.useful, t.not_for_us)
            for rid, t in (await self.store.guild_votes(guild_id)).items()
        }
        if not votes:
            return {}, frozenset()
        known = {rid: r for rid in votes if (r := self.club_resource(guild_id, rid)) is not None}
        return club_core.leaning(candidates, votes, known), club_core.rejected(votes)

    # --- what the server reads ----------------------------------------------------------------

    def _since(self, period: str) -> dt.datetime | None:
        days = community_answers.PERIOD_DAYS.get(period)
        return None if days is None else self.clock() - dt.timedelta(days=days)

    def _items(
        self, guild_id: int, counted: list[tuple[str, int]], k: int
    ) -> tuple[community_answers.PopularItem, ...]:
        found = []
        for rid, count in counted:
            resource = self.club_resource(guild_id, rid)
            if resource is not None:
                found.append(community_answers.PopularItem(resource, count))
        return tuple(found[:k])

    async def popular(
        self, guild_id: int, period: str = "week", *, k: int = 5
    ) -> community_answers.Popular:
        """What the server's members finished, saved and found useful in the period
        (week: 7 days, month: 30, all), most first. Counts, never names."""
        guild = check_snowflake(guild_id, "guild id")
        await self.server_view(guild)  # what the server read may be its own additions
        period = check_period(period)
        k = max(1, min(int(k), MAX_ITEMS))
        since = self._since(period)
        wanted = k + 5  # room for resources that left the catalog
        read = await self.store.member_counts(guild, "done", since, wanted)
        saved = await self.store.member_counts(guild, "saved", since, wanted)
        useful = await self.store.useful_counts(guild, since, wanted)
        finished = await self.store.member_readings(guild, since)
        return community_answers.Popular(
            guild,
            period,
            since,
            self._items(guild, read, k),
            self._items(guild, saved, k),
            self._items(guild, useful, k),
            len(finished),
            len({r.user_id for r in finished}),
        )

    # --- what comes next ----------------------------------------------------------------------

    def _rows(self) -> tuple[Sequence[Resource], dict[str, int]]:
        resources = self.catalog.resources
        rows = {r.id: i for i, r in enumerate(resources)}
        for i, resource in enumerate(resources):
            for former in resource.former_ids:
                rows.setdefault(former, i)
        return resources, rows

    async def next(self, user_id: int, *, k: int = 5) -> community_answers.Frontier:
        """The member's learning frontier: resources whose prerequisites they finished and
        which they have not read (nor dismissed); with nothing finished, starting points."""
        user = check_snowflake(user_id)
        k = max(1, min(int(k), MAX_ITEMS))
        statuses = dict(await self._statuses(user))
        finished = [rid for rid, s in statuses.items() if s == "done"]
        hidden = [rid for rid, s in statuses.items() if s == "dismissed"]
        resources, rows = self._rows()
        ready = frontier(resources, rows, finished, hidden)
        if ready:
            steps = tuple(
                community_answers.NextStep(resources[row], tuple(resources[p] for p in needs))
                for row, needs in ready[:k]
            )
            return community_answers.Frontier(steps, user_id=user)
        start = starting_points(resources, rows, [*hidden, *finished])
        steps = tuple(community_answers.NextStep(resources[row], ()) for row in start[:k])
        return community_answers.Frontier(steps, user_id=user, starting=True)

    async def _statuses(self, user_id: int) -> dict[str, str]:
        return {e.resource_id: e.status for e in await self.store.entries(user_id)}

    async def next_for_group(self, guild_id: int, *, k: int = 5) -> community_answers.Frontier:
        """What the server's active readers are ready for and none of them has read: each
        resource with how many of them are ready for it, most first."""
        guild = check_snowflake(guild_id, "guild id")
        k = max(1, min(int(k), MAX_ITEMS))
        active = set(await self.active_members(guild))
        statuses = {
            u: s for u, s in (await self.store.member_statuses(guild)).items() if u in active
        }
        readers = {u: s for u, s in statuses.items() if any(v == "done" for v in s.values())}
        resources, rows = self._rows()
        read_by_anyone = {rid for s in readers.values() for rid, v in s.items() if v == "done"}
        ready: Counter[int] = Counter()
        unlocked: dict[int, tuple[int, ...]] = {}
        for entries in readers.values():
            finished = [rid for rid, v in entries.items() if v == "done"]
            hidden = [rid for rid, v in entries.items() if v == "dismissed"]
            for row, needs in frontier(resources, rows, finished, [*hidden, *read_by_anyone]):
                ready[row] += 1
                unlocked.setdefault(row, needs)
        order = {row: i for i, row in enumerate(unlocked)}
        best = sorted(ready, key=lambda row: (-ready[row], order[row]))[:k]
        steps = tuple(
            community_answers.NextStep(
                resources[row], tuple(resources[p] for p in unlocked[row]), ready[row]
            )
            for row in best
        )
        return community_answers.Frontier(
            steps, guild_id=guild, readers=len(readers), starting=not readers
        )

    # --- leaderboard --------------------------------------------------------------------------

    async def set_leaderboard_opt_in(self, user_id: int, shown: bool) -> bool:
        """Whether the member may be shown by name on leaderboards (off by default)."""
        return await self.store.set_leaderboard(
            check_snowflake(user_id), check_bool(shown), self.clock()
        )

    async def leaderboard_opt_in(self, user_id: int) -> bool:
        user = await self.store.get_user(check_snowflake(user_id))
        return bool(user and user.leaderboard)

    async def leaderboard(
        self, guild_id: int, period: str = "week", *, k: int = 10
    ) -> community_answers.Leaderboard:
        """Opted-in members by readings finished in the period, with their current and
        longest streaks (days in a row with a reading finished, in their own timezone)."""
        guild = check_snowflake(guild_id, "guild id")
        period = check_period(period)
        k = max(1, min(int(k), 25))
        since = self._since(period)
        shown = set(await self.store.opted_in(guild))
        readings = await self.store.member_readings(guild)
        in_period = Counter(r.user_id for r in readings if since is None or r.done_at >= since)
        zones = await self.store.user_timezones(shown)
        now = self.clock()
        rows: list[community_answers.LeaderRow] = []
        for user in shown:
            tz = ZoneInfo(zones.get(user, "UTC"))
            days = [r.done_at.astimezone(tz).date() for r in readings if r.user_id == user]
            run = streak(days, now.astimezone(tz).date())
            if in_period[user] or run.current:
                rows.append(
                    community_answers.LeaderRow(user, in_period[user], run.current, run.longest)
                )
        rows.sort(key=lambda r: (-r.finished, -r.streak, r.user_id))
        hidden = sum(1 for user in in_period if user not in shown)
        return community_answers.Leaderboard(guild, period, since, tuple(rows[:k]), hidden)

    # --- discussion ---------------------------------------------------------------------------

    async def discussion(self, guild_id: int, resource_id: str) -> community_answers.Discussion:
        """A thread name and two or three prompts for discussing the resource in the server
        (its key terms, its summary's claims, how it relates to what the server read)."""
        guild = check_snowflake(guild_id, "guild id")
        view = await self.server_view(guild)
        resource = self.club_resource(guild, resource_id)
        if resource is None:
            raise ServiceError(f"unknown resource {resource_id!r}")
        terms: tuple[str, ...] = ()
        summary = resource.description or ""
        engine = view.engine  # the server's: an addition has its row there
        if engine is not None and resource.id in engine.row:
            terms = discussion.key_terms(engine, engine.row[resource.id])
            summary = engine.summary(resource)
        readings = await self.store.member_readings(guild)
        seen: dict[str, Resource] = {}
        for reading in reversed(readings):  # most recent first
            found = self.club_resource(guild, reading.resource_id)
            if found is not None and found.id != resource.id:
                seen.setdefault(found.id, found)
        prompts = discussion.prompts(
            resource, terms, discussion.claims(summary), list(seen.values())
        )
        return community_answers.Discussion(resource, discussion.thread_name(resource), prompts)
