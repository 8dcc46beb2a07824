"""Checking what people type before anything is written: one friendly message per mistake.

Both faces (Discord and CLI) go through the service, which calls these, so the same mistake
reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt

from bot.daily.parsing import parse_time, parse_timezone, quoted, timezone_choices
from bot.daily.terms import ScheduleError
from bot.store.values import FREQUENCIES, STATUSES
from recommender.query import QueryError
from recommender.query import check_query as clean_checked_query
from recommender.resource import Resource
from recommender.vocabulary import KINDS, LEVELS, TOPIC_SLUGS

MAX_SNOWFLAKE = 2**63 - 1
STATUS_ALIASES = {
    "read": "done",
    "finished": "done",
    "save": "saved",
    "later": "saved",
    "started": "reading",
    "dismiss": "dismissed",
    "hide": "dismissed",
}


class ServiceError(ValueError):
    """Bad input from a person: the message says what to fix. Nothing was written."""


class UnknownResource(ServiceError):
    """Text or an id that names no resource (or several): `candidates` are the "did you mean"
    suggestions, best first (maybe none)."""

    def __init__(
        self, message: str, candidates: tuple[Resource, ...] = (), *, query: str = ""
    ) -> None:
        super().__init__(message)
        self.candidates = candidates
        self.query = query


def check_query(text: str) -> str:
    """The cleaned query, or why it is not one (empty, only symbols, too long)."""
    try:
        return clean_checked_query(text)
    except QueryError as exc:
        raise ServiceError(str(exc)) from None


def check_kind(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key not in KINDS:
        raise ServiceError(f"invalid kind {value!r} (one of: {', '.join(KINDS)})")
    return key


def check_snowflake(value: object, what: str = "user id") -> int:
    """A Discord id: a positive 64-bit integer."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_SNOWFLAKE:
        raise ServiceError(f"invalid {what} {value!r}: expected a positive 64-bit number")
    return value


def check_status(value: str) -> str:
    key = value.strip().lower()
    key = STATUS_ALIASES.get(key, key)
    if key not in STATUSES:
        raise ServiceError(f"invalid status {value!r} (one of: {', '.join(STATUSES)})")
    return key


def check_rating(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ServiceError(f"invalid rating {value!r}: give a whole number from 1 to 5")
    return value


def check_level(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key not in LEVELS:
        raise ServiceError(f"invalid level {value!r} (one of: {', '.join(LEVELS)})")
    return key


def check_timezone(value: str) -> str:
    """The canonical IANA name, by the one timezone parser (`europe/paris` is Europe/Paris)."""
    try:
        return parse_timezone(value).key
    except ScheduleError:
        guesses = timezone_choices(value.strip(), limit=3) if value.strip() else []
        hint = f" (did you mean {' or '.join(guesses)}?)" if guesses else ""
        raise ServiceError(
            f"unknown time zone {quoted(value)}{hint}: use an IANA name such as Europe/Paris or UTC"
        ) from None


def check_post_time(value: str) -> str:
    """ "HH:MM", by the one time parser (`bot.daily.parsing.parse_time`)."""
    try:
        return parse_time(value).strftime("%H:%M")
    except ScheduleError:
        raise ServiceError(f"invalid time {quoted(value)}: use 24-hour HH:MM, e.g. 09:00") from None


def check_topic(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key not in TOPIC_SLUGS:
        raise ServiceError(f"unknown topic {value!r} (e.g. {', '.join(TOPIC_SLUGS[:5])}, ...)")
    return key


def check_frequency(value: str) -> str:
    key = value.strip().lower()
    if key not in FREQUENCIES:
        raise ServiceError(f"invalid frequency {value!r} (one of: {', '.join(FREQUENCIES)})")
    return key


def check_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ServiceError(f"invalid on/off value {value!r}")
    return value


def check_weekday(value: object) -> int:
    """0 = Monday ... 6 = Sunday (Python's `date.weekday()`)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ServiceError(f"invalid weekday {value!r}: 0 (Monday) to 6 (Sunday)")
    return value


def check_aware(value: object) -> dt.datetime | None:
    """None, or a timezone-aware datetime (stored as UTC)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ServiceError(f"invalid instant {value!r}: need a timezone-aware datetime")
    return value.astimezone(dt.UTC)
