"""Admin input for the daily post: times, timezones, frequencies, weekdays."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.daily import (
    DailySchedule,
    Frequency,
    ScheduleError,
    parse_frequency,
    parse_time,
    parse_timezone,
    timezone_choices,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:05", time(7, 5)),
        (" 08:30 ", time(8, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_time_accepts_24_hour_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["25:99", "24:00", "7pm", "7:5", "0730", "07:30:00", "", "ab:cd", "-1:30", "٠٧:٣٠"]
)
def test_parse_time_rejects_garbage_naming_the_format(text: str) -> None:
    with pytest.raises(ScheduleError, match=r"HH:MM, 24-hour, e\.g\. 08:30"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  America/New York ", "America/New_York"),
        ("UTC", "UTC"),
        ("Asia/Kolkata", "Asia/Kolkata"),
    ],
)
def test_parse_timezone_is_forgiving_about_case_and_spaces(text: str, expected: str) -> None:
    assert parse_timezone(text).key == expected


def test_parse_timezone_unknown_name_suggests_a_close_one() -> None:
    with pytest.raises(ScheduleError, match=r"Unknown timezone 'Europe/Berln'.*Europe/Berlin"):
        parse_timezone("Europe/Berln")


@pytest.mark.parametrize("parse", [parse_time, parse_timezone])
def test_a_pasted_essay_is_not_echoed_back_whole(parse: object) -> None:
    with pytest.raises(ScheduleError) as refused:
        parse("attention\n" * 500)  # type: ignore[operator]
    assert len(str(refused.value)) < 300 and "\\n" not in str(refused.value)


@pytest.mark.parametrize("text", ["", "Mars/Olympus_Mons", "../../etc/passwd", "Factory"])
def test_parse_timezone_rejects_non_zones(text: str) -> None:
    with pytest.raises(ScheduleError, match="IANA timezone"):
        parse_timezone(text)


def test_timezone_choices_match_city_names_best_first() -> None:
    assert timezone_choices("berlin")[0] == "Europe/Berlin"
    assert timezone_choices("BERLIN")[0] == "Europe/Berlin"
    assert timezone_choices("new york")[0] == "America/New_York"
    assert timezone_choices("kolkata")[0] == "Asia/Kolkata"
    assert timezone_choices("Europe/Ber")[0] == "Europe/Berlin"


def test_timezone_choices_prefers_canonical_names_over_legacy_aliases() -> None:
    choices = timezone_choices("eastern")
    assert "US/Eastern" in choices
    choices = timezone_choices("london")
    assert choices[0] == "Europe/London"


def test_timezone_choices_are_capped_deterministic_and_valid() -> None:
    choices = timezone_choices("a")
    assert len(choices) == 25
    assert choices == timezone_choices("a")
    assert len(timezone_choices("america", limit=5)) == 5
    for name in choices:
        assert parse_timezone(name).key == name


def test_timezone_choices_empty_offers_popular_zones_and_typos_get_suggestions() -> None:
    popular = timezone_choices("")
    assert 0 < len(popular) <= 25
    assert "UTC" in popular
    assert timezone_choices("berln")[0] == "Europe/Berlin"
    assert timezone_choices("zzzzqqq") == []


def test_parse_frequency_and_weekday() -> None:
    assert parse_frequency(" Weekdays ") is Frequency.WEEKDAYS
    assert parse_frequency("daily") is Frequency.DAILY
    with pytest.raises(ScheduleError, match="daily, weekdays, weekly"):
        parse_frequency("hourly")


def test_schedule_validates_and_canonicalises() -> None:
    schedule = DailySchedule(1, 2, time(8), "europe/berlin", frequency="weekly")  # type: ignore[arg-type]
    assert schedule.timezone == "Europe/Berlin"
    assert schedule.frequency is Frequency.WEEKLY
    with pytest.raises(ScheduleError, match="weekday"):
        DailySchedule(1, 2, time(8), "UTC", weekday=7)
    with pytest.raises(ScheduleError, match="level"):
        DailySchedule(1, 2, time(8), "UTC", level="expert")
    with pytest.raises(ScheduleError, match="Unknown timezone"):
        DailySchedule(1, 2, time(8), "Nowhere/Special")
    with pytest.raises(ScheduleError, match="effective_from must be timezone-aware"):
        DailySchedule(1, 2, time(8), "UTC", effective_from=datetime(2026, 1, 1))
    with pytest.raises(ScheduleError, match="wall-clock"):
        DailySchedule(1, 2, time(8, tzinfo=UTC), "UTC")
    with pytest.raises(ScheduleError, match="frequency"):
        DailySchedule(1, 2, time(8), "UTC", frequency="hourly")  # type: ignore[arg-type]
