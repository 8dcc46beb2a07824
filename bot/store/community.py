"""A server as a group: its members (users seen using deepread there), their feedback votes,
what they read and saved, and the leaderboard opt-in. Counts only; the service decides what
is shown and to whom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import delete, func, select, update

from bot.store import statements
from bot.store.base import Session, StoreBase, rowcount
from bot.store.models import Entry, FeedbackVote, GuildMember, User
from bot.store.records import MemberReading, VoteTally, as_utc


class CommunityStore(StoreBase):
    # --- membership ---------------------------------------------------------------------------

    async def note_member(self, guild_id: int, user_id: int, now: dt.datetime) -> None:
        """Remember (or refresh) that the user used deepread in the server."""

        async def work(session: Session) -> None:
            params = {"guild_id": guild_id, "user_id": user_id, "now": now}
            await session.execute(statements.note_member(self.dialect), params)

        await self._write(work)

    async def member_ids(self, guild_id: int, since: dt.datetime | None = None) -> list[int]:
        """The server's members (seen at `since` or later, when given), by id."""

        async def work(session: Session) -> list[int]:
            stmt = select(GuildMember.user_id).where(GuildMember.guild_id == guild_id)
            if since is not None:
                stmt = stmt.where(GuildMember.last_seen >= since)
            return [int(u) for (u,) in await session.execute(stmt.order_by(GuildMember.user_id))]

        return await self._read(work)

    # --- feedback -----------------------------------------------------------------------------

    async def set_vote(
        self,
        guild_id: int,
        resource_id: str,
        user_id: int,
        verdict: str | None,
        source: str,
        now: dt.datetime,
    ) -> None:
        """Record or change a member's vote on a resource in a server; None removes it."""
        key = {"guild_id": guild_id, "resource_id": resource_id, "user_id": user_id}

        async def work(session: Session) -> None:
            if verdict is None:
                await session.execute(
                    delete(FeedbackVote).where(
                        *(getattr(FeedbackVote, k) == v for k, v in key.items())
                    )
                )
                return
            stmt = statements.insert_for(self.dialect, FeedbackVote).values(
                **key, verdict=verdict, source=source, created_at=now, updated_at=now
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=[
                    FeedbackVote.guild_id,
                    FeedbackVote.resource_id,
                    FeedbackVote.user_id,
                ],
                set_={"verdict": verdict, "source": source, "updated_at": now},
            )
            await session.execute(stmt)

        await self._write(work)

    async def vote_tally(
        self, guild_id: int, resource_id: str, user_id: int | None = None
    ) -> tuple[VoteTally, str | None]:
        """The server's votes on a resource, and `user_id`'s own verdict (None: no vote)."""

        async def work(session: Session) -> tuple[VoteTally, str | None]:
            stmt = select(FeedbackVote.verdict, FeedbackVote.user_id).where(
                FeedbackVote.guild_id == guild_id, FeedbackVote.resource_id == resource_id
            )
            rows = list(await session.execute(stmt))
            useful = sum(1 for verdict, _ in rows if verdict == "useful")
            mine = next((str(v) for v, u in rows if user_id is not None and u == user_id), None)
            return VoteTally(useful, len(rows) - useful), mine

        return await self._read(work)

    async def guild_votes(self, guild_id: int) -> dict[str, VoteTally]:
        """Resource id -> the server's votes on it, for every voted resource."""

        async def work(session: Session) -> dict[str, VoteTally]:
            stmt = (
                select(FeedbackVote.resource_id, FeedbackVote.verdict, func.count())
                .where(FeedbackVote.guild_id == guild_id)
                .group_by(FeedbackVote.resource_id, FeedbackVote.verdict)
            )
            found: dict[str, list[int]] = {}
            for rid, verdict, n in await session.execute(stmt):
                found.setdefault(rid, [0, 0])[0 if verdict == "useful" else 1] += int(n)
            return {rid: VoteTally(u, n) for rid, (u, n) in found.items()}

        return await self._read(work)

    async def user_votes(self, user_id: int) -> list[tuple[int, str, str, dt.datetime]]:
        """(server, resource, verdict, when) of every vote of the user (for their export)."""

        async def work(session: Session) -> list[tuple[int, str, str, dt.datetime]]:
            stmt = (
                select(
                    FeedbackVote.guild_id,
                    FeedbackVote.resource_id,
                    FeedbackVote.verdict,
                    FeedbackVote.updated_at,
                )
                .where(FeedbackVote.user_id == user_id)
                .order_by(FeedbackVote.guild_id, FeedbackVote.resource_id)
            )
            rows = await session.execute(stmt)
            return [(int(g), str(r), str(v), as_utc(t)) for g, r, v, t in rows]

        return await self._read(work)

    async def user_guilds(self, user_id: int) -> list[int]:
        """The servers the user was seen using deepread in (for their export)."""

        async def work(session: Session) -> list[int]:
            stmt = (
                select(GuildMember.guild_id)
                .where(GuildMember.user_id == user_id)
                .order_by(GuildMember.guild_id)
            )
            return [int(g) for (g,) in await session.execute(stmt)]

        return await self._read(work)

    # --- what the server reads ----------------------------------------------------------------

    async def member_counts(
        self, guild_id: int, status: str, since: dt.datetime | None, limit: int
    ) -> list[tuple[str, int]]:
        """(resource id, members) for entries of the server's members now in `status` that
        got there at `since` or later (done: `done_at`; otherwise `updated_at`), most first."""
        moment = Entry.done_at if status == "done" else Entry.updated_at

        async def work(session: Session) -> list[tuple[str, int]]:
            count = func.count().label("n")
            stmt = (
                select(Entry.resource_id, count)
                .join(GuildMember, GuildMember.user_id == Entry.user_id)
                .where(GuildMember.guild_id == guild_id, Entry.status == status)
                .group_by(Entry.resource_id)
                .order_by(count.desc(), Entry.resource_id)
                .limit(limit)
            )
            if since is not None:
                stmt = stmt.where(moment >= since)
            return [(str(r), int(n)) for r, n in await session.execute(stmt)]

        return await self._read(work)

    async def useful_counts(
        self, guild_id: int, since: dt.datetime | None, limit: int
    ) -> list[tuple[str, int]]:
        """(resource id, members who found it useful) in the server, most first."""

        async def work(session: Session) -> list[tuple[str, int]]:
            count = func.count().label("n")
            stmt = (
                select(FeedbackVote.resource_id, count)
                .where(FeedbackVote.guild_id == guild_id, FeedbackVote.verdict == "useful")
                .group_by(FeedbackVote.resource_id)
                .order_by(count.desc(), FeedbackVote.resource_id)
                .limit(limit)
            )
            if since is not None:
                stmt = stmt.where(FeedbackVote.updated_at >= since)
            return [(str(r), int(n)) for r, n in await session.execute(stmt)]

        return await self._read(work)

    async def member_readings(
        self,
        guild_id: int,
        since: dt.datetime | None = None,
        user_ids: Collection[int] | None = None,
    ) -> list[MemberReading]:
        """Every finished reading of the server's members (of `user_ids` only, when given),
        finished at `since` or later, oldest first."""

        async def work(session: Session) -> list[MemberReading]:
            stmt = (
                select(Entry.user_id, Entry.resource_id, Entry.done_at)
                .join(GuildMember, GuildMember.user_id == Entry.user_id)
                .where(
                    GuildMember.guild_id == guild_id,
                    Entry.status == "done",
                    Entry.done_at.is_not(None),
                )
                .order_by(Entry.done_at, Entry.user_id, Entry.resource_id)
            )
            if since is not None:
                stmt = stmt.where(Entry.done_at >= since)
            if user_ids is not None:
                stmt = stmt.where(Entry.user_id.in_(sorted(set(user_ids))))
            rows = await session.execute(stmt)
            return [MemberReading(int(u), str(r), as_utc(d)) for u, r, d in rows if d is not None]

        return await self._read(work)

    async def member_statuses(self, guild_id: int) -> dict[int, dict[str, str]]:
        """Member id -> resource id -> status, for every entry of the server's members."""

        async def work(session: Session) -> dict[int, dict[str, str]]:
            stmt = (
                select(Entry.user_id, Entry.resource_id, Entry.status)
                .join(GuildMember, GuildMember.user_id == Entry.user_id)
                .where(GuildMember.guild_id == guild_id)
            )
            found: dict[int, dict[str, str]] = {}
            for user_id, rid, status in await session.execute(stmt):
                found.setdefault(int(user_id), {})[str(rid)] = str(status)
            return found

        return await self._read(work)

    # --- leaderboard opt-in -------------------------------------------------------------------

    async def set_leaderboard(self, user_id: int, shown: bool, now: dt.datetime) -> bool:
        async def work(session: Session) -> bool:
            await session.execute(
                statements.ensure_user(self.dialect), {"user_id": user_id, "now": now}
            )
            await session.execute(update(User).where(User.id == user_id).values(leaderboard=shown))
            return shown

        return await self._write(work)

    async def opted_in(self, guild_id: int) -> list[int]:
        """The server's members who may be shown by name on its leaderboard."""

        async def work(session: Session) -> list[int]:
            stmt = (
                select(User.id)
                .join(GuildMember, GuildMember.user_id == User.id)
                .where(GuildMember.guild_id == guild_id, User.leaderboard.is_(True))
                .order_by(User.id)
            )
            return [int(u) for (u,) in await session.execute(stmt)]

        return await self._read(work)

    async def user_timezones(self, user_ids: Collection[int]) -> dict[int, str]:
        """User id -> their timezone preference (streaks are counted in it)."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}

        async def work(session: Session) -> dict[int, str]:
            stmt = select(User.id, User.timezone).where(User.id.in_(wanted))
            return {int(u): str(tz or "UTC") for u, tz in await session.execute(stmt)}

        return await self._read(work)


async def forget_member(session: Session, user_id: int) -> tuple[int, int]:
    """Delete a user's votes and server memberships (inside `forget_user`'s transaction)."""
    votes = await session.execute(delete(FeedbackVote).where(FeedbackVote.user_id == user_id))
    members = await session.execute(delete(GuildMember).where(GuildMember.user_id == user_id))
    return rowcount(votes), rowcount(members)
