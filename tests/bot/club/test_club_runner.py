"""The club loop over a real database with fixed clocks: one poll and one announcement per
cycle across ticks, restarts, crashes and two processes; faults; picks, skips and stops."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING

import pytest

from bot.club import TIE_RULE
from bot.service import Service, ServiceError
from bot.service.club_runner import ClubOutcome, ClubRunner
from bot.service.daily_planning import Fault
from bot.store import Store
from recommender.catalog import Catalog
from tests.bot.club.club_support import FakeClubDiscord

if TYPE_CHECKING:
    from tests.bot.conftest import Clock

GUILD = 700_000_000_000_000_001
CHANNEL = 700_000_000_000_000_002
ALICE, BOB, CAROL = 11, 12, 13


async def start(service: Service, **extra: object) -> None:
    # The fixture clock is Tuesday 10 March 2026, 12:00 UTC: the poll opens now, closes
    # Wednesday 12:00, the first meeting is Thursday 12 March, 19:00 in Berlin (18:00 UTC).
    options: dict[str, object] = {
        "cadence": "weekly",
        "day": "Thursday",
        "time": "19:00",
        "timezone": "Europe/Berlin",
    }
    options.update(extra)
    await service.club_start(GUILD, CHANNEL, **options)  # type: ignore[arg-type]


async def members(service: Service) -> None:
    for user in (ALICE, BOB, CAROL):
        await service.note_member(GUILD, user)


async def test_one_cycle_poll_votes_announcement_then_the_next_poll(
    service: Service, clock: Clock
) -> None:
    await members(service)
    await service.mark(ALICE, "nn-basics", "done")  # read by a member: offered last
    await start(service)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)

    [opened] = await runner.tick()
    assert opened.outcome is ClubOutcome.POLL_OPENED
    [poll_id] = discord.poll_ids()
    poll = discord.polls[poll_id]
    ids = [c.resource.id for c in poll.choices]
    assert len(ids) == 4 and "nn-basics" not in ids
    assert poll.hours == 24 and poll.meets_at == dt.datetime(2026, 3, 12, 18, tzinfo=dt.UTC)
    assert all(len(c.label) <= 55 for c in poll.choices) and len(poll.question) <= 300
    assert poll.tie_rule == TIE_RULE  # stated under the poll in the announcement's words
    assert await runner.tick() == []  # same minute: nothing
    clock.advance(hours=3)
    assert await ClubRunner(service, discord).tick() == []  # restarted: no second poll
    status = await service.club_status(GUILD)
    assert status.poll_open and [r.id for r in status.candidates] == ids

    discord.counts[poll_id] = (1, 2, 0, 0)  # three members voted
    clock.advance(hours=21)  # the poll closed at Wednesday 12:00
    [announced] = await ClubRunner(service, discord).tick()
    assert announced.outcome is ClubOutcome.ANNOUNCED and announced.resource_id == ids[1]
    [plan] = discord.announcements.values()
    assert plan.resource.id == ids[1] and plan.how == "Chosen by poll: 2 votes of 3."
    assert plan.tie_rule is None and [v.votes for v in plan.results] == [1, 2, 0, 0]
    assert plan.thread_name == plan.resource.title[:100] and 2 <= len(plan.prompts) <= 3
    assert plan.event is not None and plan.event.starts_at == plan.meets_at
    assert await runner.tick() == []

    await service.mark(BOB, ids[1], "done")
    await service.set_leaderboard_opt_in(BOB, True)
    await service.mark(CAROL, ids[1], "done")
    status = await service.club_status(GUILD)
    assert status.reading is not None and status.reading.id == ids[1]
    assert (status.finished, status.finished_by) == (2, (BOB,))
    assert status.thread_id is not None and status.event_id is not None

    clock.now = plan.meets_at  # the meeting: the next poll opens, without last week's reading
    [second] = await runner.tick()
    assert second.outcome is ClubOutcome.POLL_OPENED and second.cycle_number == 2
    newest = discord.polls[discord.poll_ids()[-1]]
    assert ids[1] not in [c.resource.id for c in newest.choices]


async def test_a_tie_is_broken_by_the_stated_rule(service: Service, clock: Clock) -> None:
    await members(service)
    await start(service)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)
    await runner.tick()
    [poll_id] = discord.poll_ids()
    ids = [c.resource.id for c in discord.polls[poll_id].choices]
    await service.mark(ALICE, ids[0], "done")  # the first-listed tied candidate was read
    discord.counts[poll_id] = (2, 0, 2, 0)
    clock.advance(hours=24)
    [result] = await runner.tick()
    assert result.resource_id == ids[2]
    [plan] = discord.announcements.values()
    assert plan.tie_rule == TIE_RULE


async def test_nobody_voting_still_gives_a_reading(service: Service, clock: Clock) -> None:
    await start(service)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)
    await runner.tick()
    clock.advance(hours=25)
    [result] = await runner.tick()
    first = discord.polls[discord.poll_ids()[0]].choices[0].resource.id
    assert result.resource_id == first
    [plan] = discord.announcements.values()
    assert plan.how.startswith("Nobody voted") and plan.tie_rule == TIE_RULE


async def test_two_processes_post_one_poll_and_one_announcement(
    service: Service, database_url: str, catalog: Catalog, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord()
    async with Store.open(database_url) as other_store:
        other = Service(other_store, catalog, None, clock=clock)
        runners = [ClubRunner(service, discord), ClubRunner(other, discord)]
        await asyncio.gather(*(r.tick() for r in runners))
        assert len(discord.polls) == 1
        clock.advance(hours=24)
        results = await asyncio.gather(*(r.tick() for r in runners))
        assert len(discord.announcements) == 1
        outcomes = sorted(r.outcome.value for batch in results for r in batch)
        assert ClubOutcome.ANNOUNCED.value in outcomes


async def test_a_poll_posted_by_a_killed_process_is_found_not_posted_again(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord(cancel_after_post=True)
    with pytest.raises(asyncio.CancelledError):
        await ClubRunner(service, discord).tick()
    assert len(discord.polls) == 1
    # The cancelled send ended its lease: the next tick (a restarted bot) looks first.
    [found] = await ClubRunner(service, discord).tick()
    assert found.outcome is ClubOutcome.POLL_FOUND and len(discord.polls) == 1
    status = await service.club_status(GUILD)
    assert status.poll is not None and status.poll.message_id == discord.poll_ids()[0]


async def test_an_announcement_lost_in_a_crash_is_found_not_repeated(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord()
    await ClubRunner(service, discord).tick()
    clock.advance(hours=24)
    discord.cancel_after_post = True
    with pytest.raises(asyncio.CancelledError):
        await ClubRunner(service, discord).tick()
    clock.advance(minutes=1)
    [found] = await ClubRunner(service, discord).tick()
    assert found.outcome is ClubOutcome.ANNOUNCEMENT_FOUND and len(discord.announcements) == 1


async def test_a_transient_failure_is_retried_at_the_next_tick(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord(fail_next=Fault.TRANSIENT)
    runner = ClubRunner(service, discord)
    [failed] = await runner.tick()
    assert failed.outcome is ClubOutcome.RETRY and not discord.polls
    clock.advance(minutes=1)
    [retried] = await runner.tick()
    assert retried.outcome is ClubOutcome.POLL_OPENED and len(discord.polls) == 1


async def test_a_lost_channel_switches_the_club_off_with_the_reason(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord(fail_next=Fault.PERMANENT)
    [result] = await ClubRunner(service, discord).tick()
    assert result.outcome is ClubOutcome.DISABLED
    status = await service.club_status(GUILD)
    assert status.config is not None and not status.active
    assert status.config.error is not None and "Missing Access" in status.config.error
    assert status.next_meeting is None
    clock.advance(minutes=5)
    assert await ClubRunner(service, discord).tick() == []
    await start(service)  # fixed and started again: runs again
    assert (await service.club_status(GUILD)).active


async def test_a_missing_thread_permission_is_reported_not_fatal(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord(missing=("Create Public Threads",))
    runner = ClubRunner(service, discord)
    await runner.tick()
    clock.advance(hours=24)
    [result] = await runner.tick()
    assert result.outcome is ClubOutcome.ANNOUNCED
    status = await service.club_status(GUILD)
    assert status.active and status.thread_id is None
    assert status.config is not None and "Create Public Threads" in (status.config.notice or "")


async def test_a_pick_during_the_poll_ends_it_and_is_announced(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)
    await runner.tick()
    clock.advance(hours=2)
    picked = await service.club_pick(GUILD, "Generative Adversarial Nets")
    assert picked.current and picked.resource.id == "gan" and picked.end_poll is not None
    result = await runner.run_club(GUILD)
    assert result is not None and result.resource_id == "gan"
    [plan] = discord.announcements.values()
    assert plan.how == "Picked by a moderator." and plan.end_poll == picked.end_poll
    assert discord.ended == [picked.end_poll]
    # Announced already: the next pick is for the next cycle, announced when its window opens.
    later = await service.club_pick(GUILD, "resnet")
    assert not later.current and later.cycle_number == 2
    assert await runner.tick() == []
    clock.now = plan.meets_at
    [second] = await runner.tick()
    assert second.outcome is ClubOutcome.ANNOUNCED and second.resource_id == "resnet"
    assert len(discord.polls) == 1  # no poll for a picked cycle


async def test_skip_calls_off_the_meeting_and_the_next_poll_opens_at_its_time(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)
    await runner.tick()
    skipped = await service.club_skip(GUILD)
    assert skipped.end_poll is not None and skipped.cycle_number == 1
    clock.advance(hours=30)
    assert await runner.tick() == []  # no announcement for a skipped meeting
    status = await service.club_status(GUILD)
    assert status.state == "skipped" and status.next_meeting == skipped.meets_at + dt.timedelta(
        days=7
    )
    with pytest.raises(ServiceError, match="already skipped"):
        await service.club_skip(GUILD)
    clock.now = skipped.next_poll_at
    [result] = await runner.tick()
    assert result.outcome is ClubOutcome.POLL_OPENED and result.cycle_number == 2


async def test_stop_switches_the_club_off(service: Service, clock: Clock) -> None:
    await start(service)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)
    await runner.tick()
    stopped = await service.club_stop(GUILD)
    assert not stopped.config.enabled and stopped.end_poll is not None
    clock.advance(hours=25)
    assert await runner.tick() == []
    with pytest.raises(ServiceError, match="no club running"):
        await service.club_stop(GUILD)
    with pytest.raises(ServiceError, match="no club running"):
        await service.club_pick(GUILD, "gan")


async def test_a_club_started_too_late_for_a_poll_is_announced_by_the_rule(
    service: Service, clock: Clock
) -> None:
    await start(service, poll_hours=1)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)
    clock.now = dt.datetime(2026, 3, 12, 16, 45, tzinfo=dt.UTC)  # down until 75 min before
    [result] = await runner.tick()
    assert result.outcome is ClubOutcome.ANNOUNCED and not discord.polls
    [plan] = discord.announcements.values()
    assert plan.how.startswith("Chosen by the club's rule")


async def test_restarting_with_new_settings_plans_unannounced_cycles_afresh(
    service: Service, clock: Clock
) -> None:
    await start(service)
    discord = FakeClubDiscord()
    runner = ClubRunner(service, discord)
    await runner.tick()
    await service.club_skip(GUILD)
    clock.advance(hours=1)
    await start(service, day="Friday", time="18:00")
    status = await service.club_status(GUILD)
    assert status.state == "pending" and status.poll is None
    assert status.meeting_date == dt.date(2026, 3, 13)
    [opened] = await runner.tick()
    assert opened.outcome is ClubOutcome.POLL_OPENED and len(discord.polls) == 2
