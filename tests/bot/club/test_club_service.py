"""`/club start` and `/club status` through the service: settings checked before anything is
written, friendly errors for hostile input, and the status of a fresh club."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from bot.service import Service, ServiceError

GUILD = 700_000_000_000_000_011
CHANNEL = 700_000_000_000_000_012
GOOD: dict[str, Any] = {
    "cadence": "weekly",
    "day": "Thursday",
    "time": "19:00",
    "timezone": "Europe/Berlin",
}


async def test_a_fresh_club_reports_its_first_poll_and_meeting(service: Service) -> None:
    assert (await service.club_status(GUILD)).config is None
    status = await service.club_start(
        GUILD, CHANNEL, **{**GOOD, "topic": "Convolutional networks", "poll_hours": "12"}
    )
    assert status.active and status.config is not None
    config = status.config
    assert (config.cadence, config.weekday, config.meet_time) == ("weekly", 3, "19:00")
    assert (config.topic, config.poll_hours, config.channel_id) == ("cnn", 12, CHANNEL)
    assert status.cycle_number == 1 and status.state == "pending" and not status.poll_open
    assert status.poll_opens_at == dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    assert status.poll_closes_at == dt.datetime(2026, 3, 11, 0, tzinfo=dt.UTC)
    assert status.next_meeting == dt.datetime(2026, 3, 12, 18, tzinfo=dt.UTC)
    assert status.reading is None and status.finished == 0
    again = await service.club_start(GUILD, CHANNEL, **{**GOOD, "cadence": "fortnightly"})
    assert again.config is not None and again.config.cadence == "fortnightly"
    assert again.config.topic is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cadence": "daily"}, "not a cadence"),
        ({"cadence": "@everyone"}, "not a cadence"),
        ({"day": ""}, "day of the week"),
        ({"day": "🦄"}, "day of the week"),
        ({"day": "x" * 5000}, "day of the week"),
        ({"time": "7pm"}, "invalid time"),
        ({"time": "**25:00**"}, "invalid time"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"timezone": "UTC'; DROP TABLE reading_clubs; --"}, "unknown time zone"),
        ({"timezone": "Europe/Berln"}, r"unknown time zone 'Europe/Berln' \(did you mean Euro"),
        ({"time": "7:30 " * 1000}, "invalid time"),
        ({"timezone": "Europe/ " * 700}, "unknown time zone"),
        ({"topic": "attention " * 500}, "No topic matches"),
        ({"topic": "[click](https://evil.example)"}, "No topic matches"),
        ({"level": "guru"}, "invalid level"),
        ({"poll_hours": 0}, "poll duration"),
        ({"poll_hours": "a week"}, "poll duration"),
        ({"topic": "generative-models", "level": "beginner"}, "Nothing about"),
    ],
)
async def test_bad_settings_are_refused_and_nothing_is_written(
    service: Service, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ServiceError, match=message) as refused:
        await service.club_start(GUILD, CHANNEL, **{**GOOD, **change})
    assert await service.club(GUILD) is None
    assert len(str(refused.value)) < 400  # a 5,000-character day is not echoed back


@pytest.mark.parametrize("channel", [0, -5, 2**64, "general", None])
async def test_a_bad_channel_is_refused(service: Service, channel: Any) -> None:
    with pytest.raises(ServiceError, match="channel id"):
        await service.club_start(GUILD, channel, **GOOD)


async def test_overrides_need_a_running_club(service: Service) -> None:
    for call in (service.club_skip(GUILD), service.club_stop(GUILD)):
        with pytest.raises(ServiceError, match="/club start"):
            await call
    await service.club_start(GUILD, CHANNEL, **GOOD)
    with pytest.raises(ServiceError):
        await service.club_pick(GUILD, "")
    with pytest.raises(ServiceError):
        await service.club_pick(GUILD, "a paper that does not exist at all, really")


async def test_status_survives_a_stored_timezone_tzdata_no_longer_knows(
    service: Service,
) -> None:
    await service.club_start(GUILD, CHANNEL, **GOOD)
    config = await service.club(GUILD)
    assert config is not None
    await service.store.save_club(replace(config, timezone="Mars/Olympus"), service.clock())
    status = await service.club_status(GUILD)
    assert status.config is not None and status.cycle_number is None
