"""A group of marks on SQLite, in the driver's own SQL: what `marks.MarkWork.batch` runs.

A group of 32 marks is three statements (the members known and their entries, the new
members, one multi-row upsert). Through SQLAlchemy's Core each of them cost more Python time
per row than SQLite took for the whole statement: expanding IN lists compiled again for every
group, every parameter set constructed and bound one by one, every returned row processed. In
a burst of clicks on lists that was a sixth of the bot's CPU. Here the same statements go to
the sqlite3 connection itself, in the writer's transaction (`ImmediateSession.driver_rows`;
even SQLAlchemy's `exec_driver_sql` cost a mark more than a tenth of its write, measured at
16 of 157 microseconds): the upsert is SQLAlchemy's own statement (`statements.upsert_entry`)
compiled once with its VALUES row repeated for the group, and values are converted by the
column types' own bind and result processors, so what is stored and read is exactly what the
ORM-level path stores and reads (a test compares the two on random marks).

SQLite only, and only in the writer (`writer.ImmediateSession`), where the group's
transaction is already open.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.dialects import sqlite

from bot.store import statements
from bot.store.models import Entry, User

_DIALECT = sqlite.dialect()
_ENTRY_NAMES = tuple(column.name for column in statements.ENTRY_COLUMNS)


class DriverSession(Protocol):
    def driver_rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]: ...

    def driver_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


Processor = Callable[[Any], Any]


def _bind(column: Any) -> Processor | None:
    return column.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)  # type: ignore[no-any-return]


def _result(column: Any) -> Processor | None:
    return column.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None)  # type: ignore[no-any-return]


_ENTRY_RESULTS = tuple(_result(column) for column in statements.ENTRY_COLUMNS)
_TIME = _bind(Entry.__table__.c.created_at)
_USER_CREATED = _bind(User.__table__.c.created_at)


def _stored_time(value: dt.datetime | None) -> Any:
    return value if value is None or _TIME is None else _TIME(value)


@dataclass(frozen=True, slots=True)
class _Upsert:
    """`statements.upsert_entry("sqlite")` as the driver's SQL, cut around its VALUES row."""

    head: str
    row: str
    tail: str
    names: tuple[str, ...]
    """The parameters of one VALUES row, in order."""
    tail_values: tuple[Any, ...]
    """The statement's own literals after the row (the CASE's "done"), in order."""

    def sql(self, rows: int) -> str:
        return f"{self.head}{', '.join([self.row] * rows)}{self.tail}"


@functools.cache
def _upsert() -> _Upsert:
    compiled = statements.upsert_entry("sqlite").compile(dialect=_DIALECT)
    match = re.search(r"VALUES (\([?, ]+\))", compiled.string)
    if match is None or compiled.positiontup is None:
        raise RuntimeError(f"unexpected upsert SQL: {compiled.string}")
    per_row = match.group(1).count("?")
    names = tuple(compiled.positiontup)
    return _Upsert(
        compiled.string[: match.start(1)],
        match.group(1),
        compiled.string[match.end(1) :],
        names[:per_row],
        tuple(compiled.binds[name].value for name in names[per_row:]),
    )


def _entry_row(row: Sequence[Any]) -> tuple[Any, ...]:
    """A reading_entries row as SQLAlchemy would give it (its types' result processors)."""
    return tuple(
        value if process is None or value is None else process(value)
        for value, process in zip(row, _ENTRY_RESULTS, strict=True)
    )


def stored_sql(count: int) -> str:
    """For each of `count` (user id, resource id) keys: the id again, the user's id if they
    have a row (else NULL), and the entry's columns (NULL without one).

    The keys are a VALUES table walked first, each key then one search of the users' and one
    of the entries' primary key. (The row-value form `WHERE (user_id, resource_id) IN (VALUES
    ...)` reads the same but SQLite, 3.40, answers it by scanning every entry of every member:
    a group of marks cost more the bigger the database was, 12 ms a group at 60,000 entries
    against under 0.1 ms this way.)"""
    pairs = ", ".join(["(?, ?)"] * count)
    columns = ", ".join(f"e.{name}" for name in _ENTRY_NAMES)
    return (
        f"SELECT wanted.column1, u.id, {columns} FROM (VALUES {pairs}) AS wanted "
        f"LEFT JOIN {User.__tablename__} AS u ON u.id = wanted.column1 "
        f"LEFT JOIN {Entry.__tablename__} AS e "
        "ON e.user_id = wanted.column1 AND e.resource_id = wanted.column2"
    )


def stored(
    session: DriverSession, keys: Sequence[tuple[int, str]]
) -> tuple[set[int], list[tuple[Any, ...]]]:
    """(the members among `keys` who have a user row, their stored entries among `keys` as
    `marks.entry_of` takes them), in one statement: `keys` are distinct."""
    flat = tuple(value for key in keys for value in key)
    known: set[int] = set()
    found: list[tuple[Any, ...]] = []
    for row in session.driver_rows(stored_sql(len(keys)), flat):
        if row[1] is not None:
            known.add(row[1])
        if row[2] is not None:
            found.append(_entry_row(row[2:]))
    return known, found


@functools.cache
def _ensure_user_sql() -> str:
    return str(statements.ensure_user("sqlite").compile(dialect=_DIALECT).string)


def create_users(session: DriverSession, new: dict[int, dt.datetime]) -> None:
    created = _USER_CREATED or (lambda value: value)
    rows = [(user_id, created(now)) for user_id, now in new.items()]
    session.driver_many(_ensure_user_sql(), rows)


def upsert(session: DriverSession, rows: Sequence[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
    """Each row (`MarkWork.params()`) inserted or updated, as the entries now stored."""
    upsert = _upsert()
    values: list[Any] = []
    times: dict[dt.datetime, Any] = {}  # a mark's time is three of its values, often the same
    for row in rows:
        for name in upsert.names:
            value = row[name]
            if isinstance(value, dt.datetime):
                time = times.get(value)
                if time is None:
                    time = times[value] = _stored_time(value)
                value = time
            values.append(value)
    values.extend(upsert.tail_values)
    return [_entry_row(r) for r in session.driver_rows(upsert.sql(len(rows)), values)]
