"""Whether a database error means "busy right now, the same work may succeed if retried".

Decided by the drivers' error codes, never by message text: messages are written for people,
change between versions and are translated (PostgreSQL follows `lc_messages`), so a substring
test both misses real lock errors and retries unrelated ones (a table named "database is
locked" is enough). The codes are the drivers' contract:

- SQLite: primary result codes SQLITE_BUSY (5: another connection holds the lock) and
  SQLITE_LOCKED (6: a conflict inside one connection or shared cache). Python's `sqlite3`
  (3.11+) puts the *extended* code on the exception as `sqlite_errorcode` (e.g.
  SQLITE_BUSY_SNAPSHOT = 517); its low byte is the primary code.
- PostgreSQL: SQLSTATE 40001 (serialization_failure) and 40P01 (deadlock_detected), the two
  errors after which the server itself says to retry the transaction. asyncpg's exceptions
  carry `sqlstate`; SQLAlchemy's asyncpg adapter copies it onto its own exception (`orig`)
  and chains the asyncpg one as `orig.__cause__`, so both are looked at.

SQLAlchemy wraps every driver error as `DBAPIError` with the driver's exception in `orig`;
this module accepts either (or any exception chaining to one).
"""

from __future__ import annotations

from collections.abc import Iterator

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
_SQLITE_PRIMARY_MASK = 0xFF
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def is_busy(exc: BaseException) -> bool:
    """A lock, deadlock or serialization conflict: worth retrying the whole transaction."""
    return any(_busy_code(error) for error in _driver_errors(exc))


def _busy_code(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and code & _SQLITE_PRIMARY_MASK in (SQLITE_BUSY, SQLITE_LOCKED):
        return True
    state = getattr(error, "sqlstate", None)
    return isinstance(state, str) and state in RETRYABLE_SQLSTATES


def _driver_errors(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the driver exception SQLAlchemy wrapped (`orig`) and what each was raised from."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop(0)
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        orig = getattr(error, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None, error.__cause__]
