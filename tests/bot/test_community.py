"""The server as a group, through the service over a real database: members, feedback votes,
/popular, /next (member and group), the opt-in leaderboard, discussion prompts, /forgetme."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from bot.service import Service, ServiceError
from bot.store import Store
from recommender.catalog import Catalog
from recommender.engine import Engine

if TYPE_CHECKING:
    from tests.bot.conftest import Clock

GUILD = 800_000_000_000_000_001
OTHER_GUILD = 800_000_000_000_000_002
ALICE, BOB, CAROL, DAVE = 21, 22, 23, 24


async def members(service: Service, *users: int, guild: int = GUILD) -> None:
    for user in users:
        await service.note_member(guild, user)


async def test_popular_counts_members_only_by_period_and_names_nobody(
    service: Service, clock: Clock
) -> None:
    await members(service, ALICE, BOB, CAROL)
    await members(service, DAVE, guild=OTHER_GUILD)
    await service.mark(ALICE, "resnet", "done")
    await service.mark(BOB, "resnet", "done")
    await service.mark(BOB, "gan", "done")
    await service.mark(CAROL, "attention", "saved")
    await service.mark(DAVE, "gan", "done")  # another server's member: not counted here
    await service.vote(GUILD, ALICE, "resnet", "useful")
    await service.vote(GUILD, CAROL, "resnet", "useful", source="club")
    week = await service.popular(GUILD, "week")
    assert [(i.resource.id, i.count) for i in week.read] == [("resnet", 2), ("gan", 1)]
    assert [(i.resource.id, i.count) for i in week.saved] == [("attention", 1)]
    assert [(i.resource.id, i.count) for i in week.useful] == [("resnet", 2)]
    assert (week.readings_finished, week.readers) == (3, 2)
    clock.advance(days=8)
    await service.mark(CAROL, "lstm-post", "done")
    later = await service.popular(GUILD, "week")
    assert [(i.resource.id, i.count) for i in later.read] == [("lstm-post", 1)]
    assert not later.saved and not later.useful
    month = await service.popular(GUILD, "month")
    assert [i.resource.id for i in month.read] == ["resnet", "gan", "lstm-post"]
    everything = await service.popular(GUILD, " ALL ")
    assert everything.since is None and everything.readings_finished == 4
    empty = await service.popular(OTHER_GUILD + 1, "week")
    assert empty.empty and empty.readers == 0


@pytest.mark.parametrize("period", ["year", "", "@everyone", "week' OR 1=1 --", "x" * 5000])
async def test_a_bad_period_is_refused(service: Service, period: str) -> None:
    with pytest.raises(ServiceError):
        await service.popular(GUILD, period or "   ")
    with pytest.raises(ServiceError):
        await service.leaderboard(GUILD, period or "   ")


async def test_one_changeable_vote_per_member(service: Service) -> None:
    counts = await service.vote(GUILD, ALICE, "gan", "useful")
    assert (counts.useful, counts.not_for_us, counts.mine) == (1, 0, "useful")
    counts = await service.vote(GUILD, ALICE, "gan", "not for us")
    assert (counts.useful, counts.not_for_us, counts.mine) == (0, 1, "not_for_us")
    await service.vote(GUILD, BOB, "gan", "useful")
    seen = await service.feedback(GUILD, "gan", user_id=CAROL)
    assert (seen.useful, seen.not_for_us, seen.mine) == (1, 1, None)
    withdrawn = await service.vote(GUILD, ALICE, "gan", None)
    assert (withdrawn.useful, withdrawn.not_for_us, withdrawn.mine) == (1, 0, None)
    elsewhere = await service.feedback(OTHER_GUILD, "gan")
    assert (elsewhere.useful, elsewhere.not_for_us) == (0, 0)
    # Voting makes the voter a member of the server.
    assert BOB in await service.active_members(GUILD)


@pytest.mark.parametrize(
    ("resource_id", "verdict", "source", "message"),
    [
        ("gan", "love it", "daily", "unknown feedback"),
        ("gan", "useful", "dm", "unknown post kind"),
        ("no-such-paper", "useful", "daily", "no longer in the catalog"),
        ("'; DROP TABLE feedback_votes; --", "useful", "daily", "no longer in the catalog"),
    ],
)
async def test_bad_votes_are_refused_and_write_nothing(
    service: Service, resource_id: str, verdict: str, source: str, message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        await service.vote(GUILD, ALICE, resource_id, verdict, source=source)
    assert await service.active_members(GUILD) == []


async def test_next_is_the_frontier_of_what_a_member_finished(service: Service) -> None:
    start = await service.next(ALICE)
    assert start.starting and start.steps
    assert all(s.resource.level == "beginner" and not s.unlocked_by for s in start.steps)
    assert start.steps[0].resource.id == "nn-basics"  # what most builds on comes first
    await service.mark(ALICE, "nn-basics", "done")
    after = await service.next(ALICE)
    assert not after.starting
    assert [(s.resource.id, [u.id for u in s.unlocked_by]) for s in after.steps] == [
        ("cs231n", ["nn-basics"])
    ]
    await service.mark(ALICE, "cs231n", "done")
    await service.mark(ALICE, "dl-book", "done")
    assert [s.resource.id for s in (await service.next(ALICE)).steps] == ["resnet", "gan"]
    await service.mark(ALICE, "gan", "dismissed")
    assert [s.resource.id for s in (await service.next(ALICE)).steps] == ["resnet"]


async def test_next_for_the_group_is_what_most_readers_are_ready_for_and_nobody_read(
    service: Service,
) -> None:
    await members(service, ALICE, BOB, CAROL)
    nobody = await service.next_for_group(GUILD)
    assert nobody.starting and nobody.readers == 0 and not nobody.steps
    await service.mark(ALICE, "nn-basics", "done")
    await service.mark(BOB, "nn-basics", "done")
    await service.mark(CAROL, "dl-book", "done")
    await service.mark(DAVE, "nn-basics", "done")  # not a member
    group = await service.next_for_group(GUILD)
    assert group.readers == 3
    assert [(s.resource.id, s.ready) for s in group.steps] == [("cs231n", 2), ("gan", 1)]
    await service.mark(CAROL, "cs231n", "saved")
    await service.mark(CAROL, "gan", "done")  # somebody read it: no longer suggested
    assert [s.resource.id for s in (await service.next_for_group(GUILD)).steps] == ["cs231n"]


async def test_the_leaderboard_shows_only_members_who_opted_in(
    service: Service, clock: Clock
) -> None:
    await members(service, ALICE, BOB, CAROL)
    assert not await service.leaderboard_opt_in(ALICE)
    await service.mark(ALICE, "nn-basics", "done")
    clock.advance(days=1)
    await service.mark(ALICE, "cs231n", "done")
    await service.mark(BOB, "resnet", "done")
    await service.mark(BOB, "gan", "done")
    await service.mark(BOB, "dl-book", "done")
    board = await service.leaderboard(GUILD, "week")
    assert board.rows == () and board.hidden == 2
    assert await service.set_leaderboard_opt_in(ALICE, True)
    assert await service.leaderboard_opt_in(ALICE)
    board = await service.leaderboard(GUILD, "week")
    assert [(r.user_id, r.finished, r.streak, r.longest_streak) for r in board.rows] == [
        (ALICE, 2, 2, 2)
    ]
    assert board.hidden == 1
    await service.set_leaderboard_opt_in(BOB, True)
    board = await service.leaderboard(GUILD, "week")
    assert [r.user_id for r in board.rows] == [BOB, ALICE]  # more finished first
    assert (await service.leaderboard(OTHER_GUILD, "week")).rows == ()  # not a member there
    await service.set_leaderboard_opt_in(BOB, False)
    assert [r.user_id for r in (await service.leaderboard(GUILD)).rows] == [ALICE]


async def test_forgetme_removes_votes_memberships_and_leaderboard_presence(
    service: Service,
) -> None:
    await members(service, ALICE, BOB)
    await members(service, ALICE, guild=OTHER_GUILD)
    await service.mark(ALICE, "resnet", "done")
    await service.vote(GUILD, ALICE, "resnet", "useful")
    await service.vote(OTHER_GUILD, ALICE, "gan", "not_for_us")
    await service.set_leaderboard_opt_in(ALICE, True)
    exported = await service.export_all(ALICE)
    assert exported["leaderboard_opt_in"] is True
    assert exported["servers"] == [str(GUILD), str(OTHER_GUILD)]
    assert [(v["server"], v["verdict"]) for v in exported["feedback_votes"]] == [
        (str(GUILD), "useful"),
        (str(OTHER_GUILD), "not_for_us"),
    ]
    forgot = await service.forget(ALICE)
    assert (forgot.entries_deleted, forgot.votes_deleted, forgot.memberships_deleted) == (1, 2, 2)
    assert (await service.feedback(GUILD, "resnet")).useful == 0
    assert (await service.feedback(OTHER_GUILD, "gan")).not_for_us == 0
    assert await service.active_members(GUILD) == [BOB]
    assert await service.active_members(OTHER_GUILD) == []
    assert not await service.leaderboard_opt_in(ALICE)
    assert (await service.leaderboard(GUILD)).rows == ()
    assert (await service.popular(GUILD, "all")).empty
    after = await service.export_all(ALICE)
    assert (after["servers"], after["feedback_votes"], after["leaderboard_opt_in"]) == (
        [],
        [],
        False,
    )
    # Seen again later: a member again, from scratch (noted again despite today's cache).
    await service.note_member(GUILD, ALICE)
    assert await service.active_members(GUILD) == [ALICE, BOB]


async def test_members_seen_long_ago_are_not_active(service: Service, clock: Clock) -> None:
    await members(service, ALICE)
    clock.advance(days=100)
    await members(service, BOB)
    assert await service.active_members(GUILD) == [BOB]


@pytest.mark.parametrize("bad", [0, -1, 2**64, "12", None, True])
async def test_bad_ids_are_refused(service: Service, bad: Any) -> None:
    with pytest.raises(ServiceError):
        await service.note_member(bad, ALICE)
    with pytest.raises(ServiceError):
        await service.next(bad)
    with pytest.raises(ServiceError):
        await service.popular(bad)


async def test_discussion_prompts_come_from_the_resource_and_what_the_server_read(
    store: Store, catalog: Catalog, clock: Clock
) -> None:
    service = Service(store, catalog, Engine.from_catalog(catalog), clock=clock)
    await members(service, ALICE)
    await service.mark(ALICE, "cs231n", "done")
    talk = await service.discussion(GUILD, "resnet")
    assert talk.thread_name == "Deep Residual Learning for Image Recognition"
    assert 2 <= len(talk.prompts) <= 3
    assert talk.prompts[0].startswith("Key terms: ")
    assert any("builds on “CS231n" in p for p in talk.prompts)
    alone = await service.discussion(OTHER_GUILD, "resnet")
    assert any("Nothing the group read" in p for p in alone.prompts)
    with pytest.raises(ServiceError, match="unknown resource"):
        await service.discussion(GUILD, "<@everyone>")


async def test_discussion_without_an_engine_still_has_two_prompts(service: Service) -> None:
    talk = await service.discussion(GUILD, "gan")
    assert len(talk.prompts) == 2 and talk.thread_name == "Generative Adversarial Nets"


async def test_member_noted_says_when_noting_again_would_do_nothing(
    service: Service, clock: Clock
) -> None:
    assert not service.member_noted(GUILD, ALICE)
    await service.note_member(GUILD, ALICE)
    assert service.member_noted(GUILD, ALICE) and not service.member_noted(OTHER_GUILD, ALICE)
    clock.advance(days=1)
    assert not service.member_noted(GUILD, ALICE)  # a new day is written again
    await service.note_member(GUILD, ALICE)
    await service.forget(ALICE)
    assert not service.member_noted(GUILD, ALICE)  # forgotten: noted from scratch next time
