"""Reading clubs and their cycles: what the club feature stores.

A cycle's poll and announcement are each claimed with one conditional UPDATE (after making
sure the cycle's row exists), so two processes can never both win a claim; the claim's lease
and try count work as for daily posts (see `bot.store.guilds` and `ClubCycle`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, delete, literal, or_, select, update

from bot.store import statements
from bot.store.base import Session, StoreBase, rowcount
from bot.store.models import ClubCycle, ReadingClub
from bot.store.records import StoredClub, StoredCycle, as_utc

_CLUB = select(*ReadingClub.__table__.c)
_CYCLE = select(*ClubCycle.__table__.c)
_PENDING = and_(ClubCycle.state == "pending", ClubCycle.announcement_message_id.is_(None))


def _free(column: Any, now: dt.datetime) -> Any:
    """A claim column whose lease ran out, or that was never claimed."""
    return or_(column.is_(None), column <= now)


class ClubStore(StoreBase):
    async def get_club(self, guild_id: int) -> StoredClub | None:
        async def work(session: Session) -> StoredClub | None:
            row = (await session.execute(_CLUB.where(ReadingClub.guild_id == guild_id))).first()
            return None if row is None else _club(row._mapping)

        return await self._read(work)

    async def save_club(self, club: StoredClub, now: dt.datetime) -> StoredClub:
        """Insert or replace a server's club (validated by the caller)."""
        values = {
            name: getattr(club, name)
            for name in StoredClub.__dataclass_fields__
            if name != "updated_at"
        }
        values["updated_at"] = now

        async def work(session: Session) -> StoredClub:
            stmt = statements.insert_for(self.dialect, ReadingClub).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[ReadingClub.guild_id],
                set_={k: v for k, v in values.items() if k != "guild_id"},
            )
            row = (await session.execute(stmt.returning(*ReadingClub.__table__.c))).one()
            return _club(row._mapping)

        return await self._write(work)

    async def update_club(
        self, guild_id: int, now: dt.datetime, **values: Any
    ) -> StoredClub | None:
        """Change some columns of a club (enabled, error, notice); None when there is none."""

        async def work(session: Session) -> StoredClub | None:
            stmt = (
                update(ReadingClub)
                .where(ReadingClub.guild_id == guild_id)
                .values(**values, updated_at=now)
                .returning(*ReadingClub.__table__.c)
            )
            row = (await session.execute(stmt)).first()
            return None if row is None else _club(row._mapping)

        return await self._write(work)

    async def enabled_clubs(self) -> list[StoredClub]:
        async def work(session: Session) -> list[StoredClub]:
            stmt = _CLUB.where(ReadingClub.enabled.is_(True)).order_by(ReadingClub.guild_id)
            return [_club(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)

    # --- cycles -------------------------------------------------------------------------------

    async def get_cycle(self, guild_id: int, meeting_date: dt.date) -> StoredCycle | None:
        async def work(session: Session) -> StoredCycle | None:
            stmt = _CYCLE.where(
                ClubCycle.guild_id == guild_id, ClubCycle.meeting_date == meeting_date
            )
            row = (await session.execute(stmt)).first()
            return None if row is None else _cycle(row._mapping)

        return await self._read(work)

    async def cycles_from(self, since: dt.date) -> list[StoredCycle]:
        """Every club's cycles meeting on `since` or later: what one tick of the club loop
        reads for all clubs at once."""

        async def work(session: Session) -> list[StoredCycle]:
            stmt = _CYCLE.where(ClubCycle.meeting_date >= since).order_by(
                ClubCycle.guild_id, ClubCycle.meeting_date
            )
            return [_cycle(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)

    async def cycles(self, guild_id: int, limit: int | None = None) -> list[StoredCycle]:
        """A club's cycles, newest meeting first."""

        async def work(session: Session) -> list[StoredCycle]:
            stmt = _CYCLE.where(ClubCycle.guild_id == guild_id).order_by(
                ClubCycle.meeting_date.desc()
            )
            if limit is not None:
                stmt = stmt.limit(limit)
            return [_cycle(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)

    async def drop_unsettled_cycles(self, guild_id: int, since: dt.date) -> int:
        """Forget the cycles meeting on `since` or later whose reading was not announced
        (pending or skipped): a restarted club plans them afresh."""

        async def work(session: Session) -> int:
            stmt = delete(ClubCycle).where(
                ClubCycle.guild_id == guild_id,
                ClubCycle.meeting_date >= since,
                ClubCycle.announcement_message_id.is_(None),
                or_(ClubCycle.announce_tries == 0, ClubCycle.state == "skipped"),
            )
            return rowcount(await session.execute(stmt))

        return await self._write(work)

    async def club_readings(self, guild_id: int) -> list[str]:
        """Resources the club announced (or had picked), oldest first."""

        async def work(session: Session) -> list[str]:
            stmt = (
                select(ClubCycle.winner)
                .where(ClubCycle.guild_id == guild_id, ClubCycle.winner.is_not(None))
                .order_by(ClubCycle.meeting_date)
            )
            return [str(rid) for (rid,) in await session.execute(stmt)]

        return await self._read(work)

    async def _change_cycle(
        self,
        guild_id: int,
        meeting_date: dt.date,
        number: int,
        now: dt.datetime,
        where: Any,
        values: dict[str, Any],
    ) -> StoredCycle | None:
        """Make sure the cycle's row exists, then UPDATE it where `where` holds; the row
        after the change, or None when the condition did not hold (someone else won)."""

        async def work(session: Session) -> StoredCycle | None:
            await session.execute(
                statements.ensure_cycle(self.dialect),
                {"guild_id": guild_id, "meeting_date": meeting_date, "number": number, "now": now},
            )
            stmt = (
                update(ClubCycle)
                .where(ClubCycle.guild_id == guild_id, ClubCycle.meeting_date == meeting_date)
                .where(where)
                .values(**values, updated_at=now)
                .returning(*ClubCycle.__table__.c)
            )
            row = (await session.execute(stmt)).first()
            return None if row is None else _cycle(row._mapping)

        return await self._write(work)

    async def claim_poll(
        self,
        guild_id: int,
        meeting_date: dt.date,
        number: int,
        candidates: tuple[str, ...],
        closes_at: dt.datetime,
        now: dt.datetime,
        until: dt.datetime,
    ) -> StoredCycle | None:
        """Claim the cycle's poll until `until`: the first claim, or a take-over of one whose
        lease ran out (then `poll_tries` > 1 and the first claim's candidates and closing
        time are kept: that poll may be in the channel already). None: not claimable."""
        where = and_(
            _PENDING,
            ClubCycle.poll_message_id.is_(None),
            ClubCycle.picked.is_(False),
            ClubCycle.announce_tries == 0,
            _free(ClubCycle.poll_claimed_until, now),
        )
        first = ClubCycle.poll_tries == 0
        values = {
            "poll_tries": ClubCycle.poll_tries + 1,
            "poll_claimed_until": until,
            "candidates": _if(first, "\n".join(candidates), ClubCycle.candidates),
            "poll_closes_at": _if(first, closes_at, ClubCycle.poll_closes_at),
        }
        return await self._change_cycle(guild_id, meeting_date, number, now, where, values)

    async def set_poll_message(
        self, guild_id: int, meeting_date: dt.date, message_id: int, now: dt.datetime
    ) -> StoredCycle | None:
        """The claimed poll is in the channel as `message_id` (closes the claim)."""
        return await self._set(
            guild_id,
            meeting_date,
            now,
            ClubCycle.poll_message_id.is_(None),
            poll_message_id=message_id,
            poll_claimed_until=None,
        )

    async def lapse_poll(self, guild_id: int, meeting_date: dt.date, now: dt.datetime) -> bool:
        """End the poll claim's lease now, keeping it: the next try looks before posting."""
        where = and_(ClubCycle.poll_message_id.is_(None), ClubCycle.poll_tries > 0)
        return (
            await self._set(guild_id, meeting_date, now, where, poll_claimed_until=now) is not None
        )

    async def release_poll(self, guild_id: int, meeting_date: dt.date, now: dt.datetime) -> bool:
        """Forget a poll claim whose poll certainly was not posted (Discord refused it)."""
        where = ClubCycle.poll_message_id.is_(None)
        values = {
            "poll_tries": 0,
            "poll_claimed_until": None,
            "candidates": None,
            "poll_closes_at": None,
        }
        return await self._set(guild_id, meeting_date, now, where, **values) is not None

    async def claim_announcement(
        self,
        guild_id: int,
        meeting_date: dt.date,
        number: int,
        winner: str,
        counts: tuple[int, ...],
        now: dt.datetime,
        until: dt.datetime,
    ) -> StoredCycle | None:
        """Claim the cycle's announcement until `until` (first claim or take-over, as for the
        poll); the winner and counts of the first claim are kept. None: not claimable."""
        where = and_(_PENDING, _free(ClubCycle.announce_claimed_until, now))
        first = ClubCycle.announce_tries == 0
        values = {
            "announce_tries": ClubCycle.announce_tries + 1,
            "announce_claimed_until": until,
            "winner": _if(ClubCycle.winner.is_(None), winner, ClubCycle.winner),
            "counts": _if(first, ",".join(str(c) for c in counts), ClubCycle.counts),
        }
        return await self._change_cycle(guild_id, meeting_date, number, now, where, values)

    async def set_announcement(
        self,
        guild_id: int,
        meeting_date: dt.date,
        message_id: int,
        thread_id: int | None,
        event_id: int | None,
        now: dt.datetime,
    ) -> StoredCycle | None:
        """The announcement is out: the cycle's reading is settled (closes the claim)."""
        return await self._set(
            guild_id,
            meeting_date,
            now,
            _PENDING,
            state="announced",
            announcement_message_id=message_id,
            announce_claimed_until=None,
            thread_id=thread_id,
            event_id=event_id,
        )

    async def lapse_announcement(
        self, guild_id: int, meeting_date: dt.date, now: dt.datetime
    ) -> bool:
        where = and_(_PENDING, ClubCycle.announce_tries > 0)
        found = await self._set(guild_id, meeting_date, now, where, announce_claimed_until=now)
        return found is not None

    async def release_announcement(
        self, guild_id: int, meeting_date: dt.date, now: dt.datetime
    ) -> bool:
        """Forget an announcement claim whose message certainly was not posted."""
        values = {"announce_tries": 0, "announce_claimed_until": None}
        return await self._set(guild_id, meeting_date, now, _PENDING, **values) is not None

    async def pick_for_cycle(
        self, guild_id: int, meeting_date: dt.date, number: int, resource_id: str, now: dt.datetime
    ) -> StoredCycle | None:
        """A moderator's reading for a cycle not announced yet (and not being announced)."""
        where = and_(_PENDING, ClubCycle.announce_tries == 0)
        values = {"winner": resource_id, "picked": True}
        return await self._change_cycle(guild_id, meeting_date, number, now, where, values)

    async def skip_cycle(
        self, guild_id: int, meeting_date: dt.date, number: int, now: dt.datetime
    ) -> StoredCycle | None:
        """Call off a cycle's meeting (not once its reading is announced or being announced)."""
        where = and_(_PENDING, ClubCycle.announce_tries == 0)
        return await self._change_cycle(
            guild_id, meeting_date, number, now, where, {"state": "skipped"}
        )

    async def _set(
        self, guild_id: int, meeting_date: dt.date, now: dt.datetime, where: Any, **values: Any
    ) -> StoredCycle | None:
        async def work(session: Session) -> StoredCycle | None:
            stmt = (
                update(ClubCycle)
                .where(ClubCycle.guild_id == guild_id, ClubCycle.meeting_date == meeting_date)
                .where(where)
                .values(**values, updated_at=now)
                .returning(*ClubCycle.__table__.c)
            )
            row = (await session.execute(stmt)).first()
            return None if row is None else _cycle(row._mapping)

        return await self._write(work)


def _if(condition: Any, value: Any, otherwise: Any) -> Any:
    """`value` where `condition` holds, else the column's current value (one UPDATE)."""
    return case((condition, literal(value) if value is not None else None), else_=otherwise)


def _club(row: Any) -> StoredClub:
    fields = {name: row[name] for name in StoredClub.__dataclass_fields__}
    fields["started_at"] = as_utc(row["started_at"])
    fields["updated_at"] = as_utc(row["updated_at"])
    return StoredClub(**fields)


def _maybe_utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else as_utc(value)


def _cycle(row: Any) -> StoredCycle:
    candidates = tuple(row["candidates"].split("\n")) if row["candidates"] else ()
    counts = tuple(int(c) for c in row["counts"].split(",")) if row["counts"] else ()
    return StoredCycle(
        guild_id=row["guild_id"],
        meeting_date=_as_date(row["meeting_date"]),
        cycle_number=row["cycle_number"],
        state=row["state"],
        candidates=candidates,
        poll_message_id=row["poll_message_id"],
        poll_closes_at=_maybe_utc(row["poll_closes_at"]),
        poll_claimed_until=_maybe_utc(row["poll_claimed_until"]),
        poll_tries=row["poll_tries"],
        counts=counts,
        winner=row["winner"],
        picked=bool(row["picked"]),
        announcement_message_id=row["announcement_message_id"],
        announce_claimed_until=_maybe_utc(row["announce_claimed_until"]),
        announce_tries=row["announce_tries"],
        thread_id=row["thread_id"],
        event_id=row["event_id"],
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
    )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
