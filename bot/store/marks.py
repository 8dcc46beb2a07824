"""A mark as write work: alone, or with the marks queued beside it in a few statements.

One mark reads the member's row and entry, creates the member if missing and upserts the
entry: two or three statements, each of which costs SQLAlchemy more Python time than SQLite
takes to run it. In a burst (a study group marking the paper of the evening) the SQLite writer
commits the marks that queued together in one transaction (`StoreBase`), and there `batch`
writes them all in at most three statements, whatever their number: one read of the members
and their entries, one insert of the new members and one multi-row upsert. Each mark's
outcome is the one it would have had alone, in turn; a group is cut where the same entry comes
again, so the later mark sees the earlier one's write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.store import sqlite_marks, statements
from bot.store.records import MarkOutcome, StoredEntry, as_utc
from bot.store.writer import ImmediateSession

if TYPE_CHECKING:
    from bot.store.base import Session


def entry_of(row: Sequence[Any]) -> StoredEntry:
    """From the values of `Entry.__table__.c`, in order (progress reads hundreds of these)."""
    user_id, resource_id, title, status, rating, created_at, updated_at, done_at = row
    return StoredEntry(
        user_id,
        resource_id,
        title,
        status,
        rating,
        as_utc(created_at),
        as_utc(updated_at),
        None if done_at is None else as_utc(done_at),
    )


@dataclass(frozen=True, slots=True)
class MarkWork:
    """Set one entry's status (and rating); `create_user` forces creating the member (after an
    IntegrityError: they were deleted between the read and the write)."""

    dialect: str
    user_id: int
    resource_id: str
    title: str
    status: str
    rating: int | None
    now: dt.datetime
    create_user: bool = False

    @property
    def key(self) -> tuple[int, str]:
        return self.user_id, self.resource_id

    def params(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "resource_id": self.resource_id,
            "title": self.title,
            "status": self.status,
            "rating": self.rating,
            "now": self.now,
            "done_at": self.now if self.status == "done" else None,
        }

    def repeats(self, previous: StoredEntry | None) -> bool:
        """Nothing to write: the entry already says this."""
        return (
            previous is not None
            and previous.status == self.status
            and self.rating in (None, previous.rating)
            and previous.title == self.title
        )

    def outcome(self, previous: StoredEntry | None, entry: StoredEntry) -> MarkOutcome:
        changed = (
            previous is None
            or previous.status != self.status
            or (self.rating is not None and previous.rating != self.rating)
        )
        return MarkOutcome(entry, None if previous is None else previous.status, changed)

    def __call__(self, session: Session) -> Awaitable[MarkOutcome]:
        return self._alone(session)

    async def _alone(self, session: Session) -> MarkOutcome:
        key = {"user_id": self.user_id, "resource_id": self.resource_id}
        row = (await session.execute(statements.USER_AND_ENTRY, key)).first()
        previous = None
        if row is not None and row._mapping["resource_id"] is not None:
            previous = entry_of(tuple(row)[1:])
        if previous is not None and self.repeats(previous):
            return MarkOutcome(previous, previous.status, False)
        if self.create_user or row is None:
            await session.execute(
                statements.ensure_user(self.dialect), {"user_id": self.user_id, "now": self.now}
            )
        upsert = statements.upsert_entry(self.dialect)
        entry = entry_of((await session.execute(upsert, self.params())).one())
        return self.outcome(previous, entry)

    @classmethod
    async def batch(cls, session: Session, marks: Sequence[MarkWork]) -> list[MarkOutcome]:
        """Every mark's outcome, as if each had been written alone, in order: cut where an
        entry comes again (the later mark must see the earlier one's write), each piece
        written together. Only the SQLite writer batches (`writer`), in its own session."""
        if not isinstance(session, ImmediateSession):
            raise TypeError("marks are batched only by the SQLite writer")
        outcomes: list[MarkOutcome] = []
        piece: list[MarkWork] = []
        keys: set[tuple[int, str]] = set()
        for mark in marks:
            if mark.key in keys:
                outcomes += await cls._together(session, piece)
                piece, keys = [], set()
            piece.append(mark)
            keys.add(mark.key)
        return outcomes + await cls._together(session, piece)

    @classmethod
    async def _together(
        cls, session: ImmediateSession, marks: Sequence[MarkWork]
    ) -> list[MarkOutcome]:
        """Marks of distinct entries, in at most three statements of the driver's SQL
        (`sqlite_marks`)."""
        if len(marks) == 1:
            return [await marks[0]._alone(session)]
        known, found = sqlite_marks.stored(session, [m.key for m in marks])
        previous = {(e.user_id, e.resource_id): e for e in map(entry_of, found)}
        to_write = [m for m in marks if not m.repeats(previous.get(m.key))]
        new_users: dict[int, dt.datetime] = {}
        for m in to_write:
            if m.create_user or m.user_id not in known:
                new_users.setdefault(m.user_id, m.now)
        if new_users:
            sqlite_marks.create_users(session, new_users)
        written: dict[tuple[int, str], StoredEntry] = {}
        if to_write:
            rows = sqlite_marks.upsert(session, [m.params() for m in to_write])
            written = {(e.user_id, e.resource_id): e for e in map(entry_of, rows)}
        outcomes = []
        for mark in marks:
            before = previous.get(mark.key)
            if mark.key in written:
                outcomes.append(mark.outcome(before, written[mark.key]))
            else:
                assert before is not None  # not written: it repeated the stored entry
                outcomes.append(MarkOutcome(before, before.status, False))
        return outcomes
