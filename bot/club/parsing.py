"""Turning what a moderator typed for `/club start` into club values, with errors they can
act on. Times and timezones go through the daily post's one parser (`bot.daily.parsing`);
this module adds what only a club has: its cadence, its weekday and its poll duration."""

from __future__ import annotations

from bot.club.terms import MAX_POLL_HOURS, MIN_POLL_HOURS, Cadence, ClubError
from bot.daily.terms import WEEKDAY_NAMES

_WEEKDAYS = {name.casefold(): i for i, name in enumerate(WEEKDAY_NAMES)}
_ALIASES = {"biweekly": Cadence.FORTNIGHTLY, "every other week": Cadence.FORTNIGHTLY}


def parse_cadence(text: str) -> Cadence:
    """ "weekly" or "fortnightly" ("biweekly" and "every other week" too), any case."""
    cleaned = " ".join(text.split()).casefold()
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    try:
        return Cadence(cleaned)
    except ValueError:
        options = " or ".join(c.value for c in Cadence)
        raise ClubError(f"{text.strip()[:40]!r} is not a cadence: use {options}.") from None


def parse_weekday(text: str) -> int:
    """A weekday (0 = Monday) from its name or any unambiguous start of it ("Thursday",
    "thu", "th", "TUES"), or a digit 0-6."""
    cleaned = text.strip().casefold().rstrip(".")
    if len(cleaned) == 1 and cleaned.isdigit() and int(cleaned) <= 6:
        return int(cleaned)
    found = {i for name, i in _WEEKDAYS.items() if len(cleaned) >= 2 and name.startswith(cleaned)}
    if len(found) == 1:
        return found.pop()
    raise ClubError(
        f"{text.strip()[:40]!r} is not a day of the week: use a name such as Monday or Thu."
    )


def parse_poll_hours(value: object) -> int:
    """How long a poll stays open, in whole hours (1 to 72)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ClubError(
            f"the poll duration must be whole hours, {MIN_POLL_HOURS} to {MAX_POLL_HOURS}."
        )
    text = str(value).strip().casefold().removesuffix("h").removesuffix("hours").strip()
    if not text.isdigit() or not MIN_POLL_HOURS <= int(text) <= MAX_POLL_HOURS:
        raise ClubError(
            f"{str(value)[:20]!r} is not a poll duration: use whole hours, "
            f"{MIN_POLL_HOURS} to {MAX_POLL_HOURS} (e.g. 24)."
        )
    return int(text)
