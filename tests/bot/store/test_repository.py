"""The store's small API against real migrated databases (SQLite, and PostgreSQL if set)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, literal, null, select

from bot.store import Store, statements
from bot.store.models import Entry, User
from bot.store.records import StoredGuild
from bot.store.repository import ENTRY_FIELDS

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=5)
BIG = 2**63 - 1  # the largest Discord snowflake a BigInteger must hold


async def _users(store: Store) -> int:
    async with store.engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(User))).scalar_one())


async def test_mark_creates_then_changes_status_keeping_first_done_time(store: Store) -> None:
    first = await store.mark(BIG, "a", title="A", status="saved", rating=None, now=NOW)
    assert (first.previous_status, first.changed, first.entry.done_at) == (None, True, None)
    assert first.entry.user_id == BIG
    done = await store.mark(BIG, "a", title="A", status="done", rating=4, now=LATER)
    assert (done.previous_status, done.changed) == ("saved", True)
    assert done.entry.done_at == LATER and done.entry.created_at == NOW
    repeat = await store.mark(
        BIG, "a", title="A", status="done", rating=None, now=LATER + LATER.resolution
    )
    assert (repeat.changed, repeat.entry.rating, repeat.entry.done_at) == (False, 4, LATER)
    assert await store.count_entries(BIG) == 1
    back = await store.mark(BIG, "a", title="A", status="reading", rating=None, now=LATER)
    assert (back.entry.status, back.entry.done_at, back.entry.rating) == ("reading", None, 4)


async def test_entries_are_newest_first_and_times_are_utc(store: Store) -> None:
    await store.mark(1, "old", title="Old", status="done", rating=None, now=NOW)
    await store.mark(1, "new", title="New", status="saved", rating=None, now=LATER)
    entries = await store.entries(1)
    assert [e.resource_id for e in entries] == ["new", "old"]
    assert all(e.updated_at.tzinfo is dt.UTC for e in entries)
    assert await store.entries(2) == []


async def test_forget_deletes_the_user_and_every_entry(store: Store) -> None:
    for rid in ("a", "b", "c"):
        await store.mark(7, rid, title=rid, status="done", rating=None, now=NOW)
    await store.mark(8, "a", title="a", status="done", rating=None, now=NOW)
    outcome = await store.forget_user(7)
    assert (outcome.user_existed, outcome.entries_deleted) == (True, 3)
    assert await store.entries(7) == [] and await store.get_user(7) is None
    assert await store.count_entries() == 1
    again = await store.forget_user(7)
    assert (again.user_existed, again.entries_deleted) == (False, 0)


async def test_preferences_create_the_user(store: Store) -> None:
    assert await store.get_user(5) is None
    user = await store.set_user_preferences(5, {"default_level": "advanced"}, NOW)
    assert (user.default_level, user.timezone, user.created_at) == ("advanced", None, NOW)
    user = await store.set_user_preferences(5, {"timezone": "Asia/Tokyo"}, LATER)
    assert (user.default_level, user.timezone) == ("advanced", "Asia/Tokyo")
    with pytest.raises(ValueError, match="unknown user preference"):
        await store.set_user_preferences(5, {"colour": "red"}, NOW)


def _guild(guild_id: int, **changes: Any) -> StoredGuild:
    base = StoredGuild(guild_id, None, "09:00", "UTC", None, None, "daily", False, None, None)
    return StoredGuild(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, **changes})


async def test_guild_settings_round_trip_and_enabled_list(store: Store) -> None:
    assert await store.get_guild(BIG) is None
    saved = await store.save_guild(_guild(BIG, channel_id=BIG - 1, enabled=True), NOW)
    assert (saved.channel_id, saved.enabled, saved.updated_at) == (BIG - 1, True, NOW)
    await store.save_guild(_guild(2, topic="nlp"), NOW)
    assert [g.guild_id for g in await store.enabled_guilds()] == [BIG]
    changed = await store.save_guild(_guild(BIG, channel_id=3, last_error="403 Forbidden"), LATER)
    assert (changed.channel_id, changed.enabled, changed.last_error) == (3, False, "403 Forbidden")
    assert await store.enabled_guilds() == []


async def test_a_post_is_claimed_once_per_guild_and_local_date(store: Store) -> None:
    day = dt.date(2026, 3, 1)
    assert await store.claim_post(1, day, "a", NOW) is True
    assert await store.claim_post(1, day, "b", NOW) is False
    assert await store.claim_post(2, day, "a", NOW) is True
    assert await store.claim_post(1, day + dt.timedelta(days=1), "c", NOW) is True
    assert await store.set_post_message(1, day, BIG) is True
    log = await store.post_log(1)
    assert [(p.local_date, p.resource_id, p.message_id) for p in log] == [
        (day + dt.timedelta(days=1), "c", None),
        (day, "a", BIG),
    ]
    assert await store.release_post(1, day) is True
    assert await store.claim_post(1, day, "d", NOW) is True
    assert await store.release_post(9, day) is False


async def test_an_open_claim_is_taken_over_by_one_caller_once_its_lease_ran_out(
    store: Store,
) -> None:
    day = dt.date(2026, 3, 1)
    lease = dt.timedelta(minutes=5)
    assert await store.claim_post(1, day, "a", NOW, NOW + lease)
    assert await store.claim_post(2, day, None, NOW, NOW + lease)  # nothing to send: never open
    assert await store.open_posts(day, NOW + lease - dt.timedelta(seconds=1)) == []
    assert await store.take_over_post(1, day, NOW + dt.timedelta(minutes=1), LATER) is None
    after = NOW + lease
    [open_post] = await store.open_posts(day, after)
    assert (open_post.guild_id, open_post.resource_id, open_post.is_open) == (1, "a", True)
    assert await store.open_posts(day + dt.timedelta(days=1), after) == []  # older days left out
    taken = await store.take_over_post(1, day, after, after + lease)
    assert taken is not None and taken.claimed_until == after + lease
    assert await store.take_over_post(1, day, after, after + lease) is None  # one winner
    assert await store.open_posts(day, after) == []
    assert await store.lapse_post(1, day, after) is True  # given up: free again at once
    assert [p.guild_id for p in await store.open_posts(day, after)] == [1]
    assert await store.set_post_message(1, day, BIG, "b") is True
    assert await store.open_posts(day, LATER) == []
    assert await store.lapse_post(1, day, LATER) is False  # a recorded post stays recorded
    assert await store.take_over_post(1, day, LATER, LATER) is None
    [settled, nothing] = await store.post_log(None, None, settled=True)
    assert (settled.resource_id, settled.message_id, settled.claimed_until) == ("b", BIG, None)
    assert nothing.resource_id is None


async def test_an_interrupted_write_leaves_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(dialect: str) -> Any:
        raise RuntimeError("power cut between the two statements")

    # The user row is written first; the failure comes before the entry's upsert.
    monkeypatch.setattr(statements, "upsert_entry", broken)
    with pytest.raises(RuntimeError, match="power cut"):
        await store.mark(11, "a", title="A", status="done", rating=None, now=NOW)
    assert await _users(store) == 0
    assert await store.count_entries() == 0


async def test_a_user_forgotten_between_read_and_write_is_recreated(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the row read saw before a concurrent `forget` committed (PostgreSQL reads each
    # statement's own snapshot): a known user without the entry. The user row is gone by the
    # upsert, whose foreign key then fails; the mark creates the user again.
    stale = select(
        literal(21).label("known_user"), *(null().label(c.name) for c in statements.ENTRY_COLUMNS)
    )
    monkeypatch.setattr(statements, "USER_AND_ENTRY", stale)
    outcome = await store.mark(21, "a", title="A", status="done", rating=None, now=NOW)
    assert outcome.changed and outcome.entry.status == "done"
    assert await store.get_user(21) is not None and await store.count_entries(21) == 1


def test_entry_columns_are_in_the_order_rows_are_unpacked() -> None:
    assert tuple(c.name for c in Entry.__table__.c) == ENTRY_FIELDS


async def test_post_log_of_all_guilds_and_claims_without_a_resource(store: Store) -> None:
    day = dt.date(2026, 3, 1)
    assert await store.claim_post(1, day, None, NOW) is True  # nothing matched the filters
    assert await store.claim_post(1, day, "x", NOW) is False
    assert await store.claim_post(2, day + dt.timedelta(days=1), "y", NOW) is True
    everything = await store.post_log(None, None)
    assert [(p.guild_id, p.resource_id) for p in everything] == [(2, "y"), (1, None)]


async def test_read_counts_per_resource_optionally_among_some_users(store: Store) -> None:
    for uid, rid, status in [
        (1, "a", "done"),
        (2, "a", "done"),
        (3, "a", "saved"),
        (2, "b", "done"),
    ]:
        await store.mark(uid, rid, title=rid, status=status, rating=None, now=NOW)
    assert await store.read_counts() == {"a": 2, "b": 1}
    assert await store.read_counts([1, 3]) == {"a": 1}
    assert await store.read_counts([]) == {}


async def test_weekday_and_effective_from_round_trip(store: Store) -> None:
    saved = await store.save_guild(_guild(4, weekday=6, effective_from=LATER), NOW)
    assert (saved.weekday, saved.effective_from) == (6, LATER)
    again = await store.get_guild(4)
    assert again is not None and again.effective_from == LATER and again.weekday == 6
