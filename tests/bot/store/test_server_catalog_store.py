"""The server-catalog store against real migrated databases (SQLite, and PostgreSQL if set):
versions move with every change, identity keys and ids are unique, departures keep their
first deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.store import Store
from bot.store.errors import ResourceIdTaken
from bot.store.records import IdentityKeys

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
GUILD, OTHER = 2**63 - 1, 42  # the largest snowflake must fit


def values(resource_id: str, title: str = "A title", **more: Any) -> dict[str, Any]:
    return {
        "resource_id": resource_id,
        "title": title,
        "url": None,
        "authors": ["Ada Lovelace"],
        "year": 2024,
        "kind": "paper",
        "level": "advanced",
        "topics": ["rnn", "nlp"],
        "description": None,
        "added_by": 7,
        "suggestion_id": None,
        **more,
    }


async def test_versions_move_with_every_change(store: Store) -> None:
    assert await store.catalog_version(GUILD) == 0
    added, created = await store.add_server_resource(
        GUILD, values("a-x1"), IdentityKeys(title_key="a"), NOW
    )
    assert created and added.topics == ("rnn", "nlp") and added.authors == ("Ada Lovelace",)
    assert await store.catalog_version(GUILD) == 1
    assert await store.catalog_version(OTHER) == 0
    assert (await store.remove_server_resource(GUILD, "a-x1")) == added
    assert await store.catalog_version(GUILD) == 2
    assert await store.remove_server_resource(GUILD, "a-x1") is None
    await store.clear_server_catalog(GUILD)
    assert await store.catalog_version(GUILD) == 3


async def test_a_shared_identity_key_finds_the_existing_addition(store: Store) -> None:
    keys = IdentityKeys(url_key="x.org/a", arxiv_id="2401.00001", title_key="atitle")
    first, _ = await store.add_server_resource(GUILD, values("a-x1"), keys, NOW)
    for other in (
        IdentityKeys(arxiv_id="2401.00001"),
        IdentityKeys(url_key="x.org/a"),
        IdentityKeys(title_key="atitle", doi="10.1/new"),
    ):
        again, created = await store.add_server_resource(GUILD, values("a-x2"), other, NOW)
        assert (again, created) == (first, False)
        assert await store.find_server_resource(GUILD, other) == first
    # another server holds its own copy; a taken resource id is the caller's to change
    elsewhere, created = await store.add_server_resource(OTHER, values("a-y1"), keys, NOW)
    assert created and elsewhere.guild_id == OTHER
    with pytest.raises(ResourceIdTaken):
        await store.add_server_resource(OTHER, values("a-x1"), IdentityKeys(doi="10.1/z"), NOW)
    assert await store.resource_ids_like("a-") == {"a-x1", "a-y1"}
    found = await store.server_resources_by_ids(["a-x1", "a-y1", "nope"])
    assert sorted(r.resource_id for r in found) == ["a-x1", "a-y1"]


async def test_a_departure_keeps_its_first_deadline_until_the_server_returns(
    store: Store,
) -> None:
    week = dt.timedelta(days=7)
    await store.mark_departed(GUILD, NOW, NOW + week)
    await store.mark_departed(GUILD, NOW + week, NOW + 2 * week)  # a repeated event
    assert await store.departure(GUILD) == NOW + week
    assert await store.departed_due(NOW + week) == [GUILD]
    assert await store.departed_due(NOW) == []
    assert await store.mark_returned(GUILD)
    assert not await store.mark_returned(GUILD)
    assert await store.departure(GUILD) is None
    assert await store.departed_due(NOW + 3 * week) == []
