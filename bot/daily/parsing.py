"""Turning what an admin typed into schedule values, with errors they can act on.

Times: "HH:MM" on a 24-hour clock. A one-digit hour is accepted ("7:05" is 07:05) because it
is unambiguous; a one-digit minute ("7:5") is rejected because people mean different things by
it (07:05? 07:50?). Seconds, "am/pm" and "24:00" are rejected.
Timezones: IANA names from `zoneinfo.available_timezones()` (tzdata is a dependency, so the set
is the same on every OS), matched case-insensitively and with spaces for underscores.
"""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from datetime import time

from bot.daily.terms import Frequency, ScheduleError

TIME_FORMAT_HINT = "HH:MM, 24-hour, e.g. 08:30"
TIMEZONE_HINT = "an IANA timezone name such as Europe/Berlin, America/New_York or Asia/Kolkata"

_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")

SHOWN_MAX = 60
"""How much of a value that could not be read an error message repeats (a pasted essay is
not echoed back whole)."""


def quoted(text: str, limit: int = SHOWN_MAX) -> str:
    """`text` as an error message shows it: one line, clipped, in quotes (`repr`)."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…")


_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
"""Areas of canonical "Area/City" names; other names (US/Eastern, Etc/GMT+5, CET) are legacy."""

POPULAR_TIMEZONES: tuple[str, ...] = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/Toronto",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Singapore",
    "Asia/Dubai",
    "Asia/Jakarta",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
)
"""What autocomplete offers before anything is typed (Discord shows at most 25 choices)."""

_EXCLUDED = frozenset({"Factory", "localtime", "posixrules"})


def parse_time(text: str) -> time:
    """Parse "HH:MM" (24-hour; "7:05" is fine, "7:5", "7pm", "25:99" are not)."""
    cleaned = text.strip()
    match = _TIME_RE.fullmatch(cleaned)
    if match is None:
        raise ScheduleError(f"{quoted(cleaned)} is not a time: use {TIME_FORMAT_HINT}.")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ScheduleError(
            f"{quoted(cleaned)} is not a valid time of day: use {TIME_FORMAT_HINT} "
            "(hours 00-23, minutes 00-59)."
        )
    return time(hour, minute)


@functools.cache
def timezone_names() -> frozenset[str]:
    """Every selectable IANA name (cached: listing them walks the tz database on disk)."""
    return frozenset(zoneinfo.available_timezones() - _EXCLUDED)


@functools.cache
def _by_folded_name() -> dict[str, str]:
    return {_fold(name): name for name in timezone_names()}


def _fold(text: str) -> str:
    return "_".join(text.strip().split()).casefold()


@functools.cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The ZoneInfo for an already-validated canonical name, kept alive for the process.

    ZoneInfo's own cache only holds a few zones strongly; the scheduler touches hundreds per
    tick, so without this every tick would re-read tz files.
    """
    return zoneinfo.ZoneInfo(name)


def parse_timezone(name: str) -> zoneinfo.ZoneInfo:
    """Resolve an IANA name ("Europe/Berlin", "europe/berlin", "America/New York")."""
    canonical = _by_folded_name().get(_fold(name))
    if canonical is None:
        shown = name.strip()
        if not shown:
            raise ScheduleError(f"Please give a timezone: {TIMEZONE_HINT}.")
        guesses = timezone_choices(shown, limit=3)
        hint = f" Did you mean {' or '.join(guesses)}?" if guesses else ""
        raise ScheduleError(f"Unknown timezone {quoted(shown)}.{hint} Use {TIMEZONE_HINT}.")
    return zone(canonical)


def _rank(name: str, query: str) -> tuple[int, ...] | None:
    """Sort key for one candidate name, or None if it does not match the query at all."""
    folded = name.casefold()
    parts = folded.split("/")
    city = parts[-1]
    if folded == query:
        tier = 0
    elif city == query:
        tier = 1
    elif folded.startswith(query):
        tier = 2
    elif city.startswith(query):
        tier = 3
    elif any(part.startswith(query) for part in parts) or any(
        word.startswith(query) for word in city.split("_")
    ):
        tier = 4
    elif query in folded:
        tier = 5
    else:
        return None
    legacy = 0 if parts[0].title() in _REGIONS or name == "UTC" else 1
    return (tier, legacy, len(name))


def timezone_choices(partial: str, limit: int = 25) -> list[str]:
    """Up to `limit` IANA names for a partly typed timezone, best first.

    Matches the whole name or any part of it case-insensitively, so "berlin" finds
    Europe/Berlin and "new york" finds America/New_York. Canonical Area/City names beat
    legacy aliases; shorter names then alphabetical order break ties, so the answer is
    deterministic. If nothing contains the text, close spellings are offered ("berln").
    """
    query = _fold(partial)
    if not query:
        return list(POPULAR_TIMEZONES[:limit])
    ranked: list[tuple[tuple[int, ...], str]] = []
    for name in timezone_names():
        key = _rank(name, query)
        if key is not None:
            ranked.append((key, name))
    if ranked:
        ranked.sort()
        return [name for _, name in ranked[:limit]]
    return _close_spellings(query, limit)


def _close_spellings(query: str, limit: int) -> list[str]:
    cities: dict[str, list[str]] = {}
    for name in sorted(timezone_names()):
        cities.setdefault(name.rsplit("/", 1)[-1].casefold(), []).append(name)
        cities.setdefault(name.casefold(), []).append(name)
    found: list[str] = []
    for match in difflib.get_close_matches(query, list(cities), n=limit, cutoff=0.75):
        for name in cities[match]:
            if name not in found:
                found.append(name)
    found.sort(key=lambda n: 0 if n.split("/")[0] in _REGIONS else 1)
    return found[:limit]


def parse_frequency(text: str) -> Frequency:
    """ "daily", "weekdays" or "weekly" (case-insensitive)."""
    cleaned = text.strip().casefold()
    try:
        return Frequency(cleaned)
    except ValueError:
        options = ", ".join(f.value for f in Frequency)
        raise ScheduleError(f"{text.strip()!r} is not a frequency: use one of {options}.") from None
