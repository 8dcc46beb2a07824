"""The fake Discord speaks shard-aware sessions, as the two-process shard test needs.

A plain websocket client identifies as one shard and checks what Discord promises: READY and
GUILD_CREATE name only that shard's guilds, a guild's interaction comes only on its shard's
connection, and a shard count other than the one advertised is refused.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from tests.fake_discord import FakeDiscord
from tests.fake_discord.gateway import shard_of

pytestmark = pytest.mark.asyncio


async def identify(
    http: aiohttp.ClientSession, fake: FakeDiscord, shard: list[int]
) -> tuple[aiohttp.ClientWebSocketResponse, list[dict[str, Any]]]:
    """Connect as `shard` and read until the last GUILD_CREATE of that shard."""
    ws = await http.ws_connect(fake.gateway_url)
    await ws.receive_json()  # HELLO
    identity = {"token": fake.token, "intents": 1, "shard": shard, "properties": {}}
    await ws.send_str(json.dumps({"op": 2, "d": identity}))
    ready = await ws.receive_json()
    events = [ready]
    for _ in ready["d"]["guilds"]:
        events.append(await ws.receive_json())
    return ws, events


async def test_a_shard_hears_only_its_guilds() -> None:
    async with FakeDiscord(shard_count=4) as fake, aiohttp.ClientSession() as http:
        guilds = dict(fake.add_guild(f"g{shard}", shard=shard) for shard in range(4))
        assert sorted(shard_of(g, 4) for g in guilds) == [0, 1, 2, 3]
        mine = next(g for g in guilds if shard_of(g, 4) == 1)
        one, events = await identify(http, fake, [1, 4])
        two, _ = await identify(http, fake, [2, 4])
        expected = {g for g in fake.guild_names if shard_of(g, 4) == 1}
        assert {int(g["id"]) for g in events[0]["d"]["guilds"]} == expected
        assert {int(e["d"]["id"]) for e in events[1:]} == expected
        assert all(e["t"] == "GUILD_CREATE" for e in events[1:])

        user = fake.make_user("dana")
        record = await fake.dispatch_interaction(
            2, {"id": "1", "name": "help", "type": 1}, user=user, channel_id=guilds[mine]
        )
        event = await one.receive_json(timeout=2)
        assert event["t"] == "INTERACTION_CREATE" and event["d"]["id"] == str(record.id)
        assert event["d"]["guild_id"] == str(mine)
        with pytest.raises(asyncio.TimeoutError):
            await two.receive_json(timeout=0.3)
        await one.close()
        await two.close()


async def test_a_wrong_shard_count_is_refused() -> None:
    async with FakeDiscord(shard_count=4) as fake, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(fake.gateway_url)
        await ws.receive_json()
        identity = {"token": fake.token, "intents": 1, "shard": [0, 2], "properties": {}}
        await ws.send_str(json.dumps({"op": 2, "d": identity}))
        closed = await ws.receive(timeout=2)
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4011
        await ws.close()
        async with http.get(
            f"{fake.api_base}/gateway/bot", headers={"Authorization": f"Bot {fake.token}"}
        ) as answer:
            assert (await answer.json())["shards"] == 4
