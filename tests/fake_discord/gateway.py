"""The gateway websocket of the fake: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME.

Each connection is a `GatewaySession`; a session outlives its socket so that a client that
reconnects with RESUME gets the events it missed (those with a sequence above the one it sends)
followed by RESUMED, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fake_discord import payloads as p

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT = 0, 1, 2, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's formula for the shard that carries a guild's events."""
    return (guild_id >> 22) % shard_count


@dataclass
class GatewaySession:
    session_id: str
    shard: tuple[int, int]
    intents: int
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None

    async def send_dispatch(self, event: str, data: Any) -> None:
        self.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(frame)
        if self.socket is not None and not self.socket.closed:
            await self.socket.send_str(json.dumps(frame))


class Gateway:
    """Serves `/gateway` for one `FakeDiscord`; tests reach it through the fake's helpers."""

    def __init__(self, fake: FakeDiscord, heartbeat_interval_ms: int = 41250) -> None:
        self.fake = fake
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, GatewaySession] = {}
        self.received: list[dict[str, Any]] = []
        self.identified = asyncio.Event()
        self.resumed = asyncio.Event()

    @property
    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.socket is not None and not s.socket.closed]

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        session: GatewaySession | None = None
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            self.received.append(frame)
            op, data = frame.get("op"), frame.get("d")
            if op == HEARTBEAT:
                await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
            elif op == IDENTIFY:
                session = await self._identify(ws, data)
            elif op == RESUME:
                session = await self._resume(ws, data)
            elif op == REQUEST_MEMBERS:
                await self._members_chunk(session, data)
        if session is not None and session.socket is ws:
            session.socket = None
        return ws

    async def _identify(
        self, ws: web.WebSocketResponse, data: dict[str, Any]
    ) -> GatewaySession | None:
        if data.get("token") != self.fake.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        shard = tuple(data.get("shard") or (0, 1))
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            shard=(int(shard[0]), int(shard[1])),
            intents=int(data.get("intents", 0)),
            socket=ws,
        )
        self.sessions[session.session_id] = session
        shard_id, count = session.shard
        if count != self.fake.shard_count or not 0 <= shard_id < count:
            await ws.close(code=4011, message=b"Sharding required.")  # or 4010 Invalid shard
            return None
        guilds = [g for g in self.fake.guild_names if shard_of(g, count) == shard_id]
        ready = {
            "v": 10,
            "user": self.fake.bot_user,
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self.fake.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(self.fake.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await session.send_dispatch("READY", ready)
        for guild_id in guilds:
            await session.send_dispatch("GUILD_CREATE", self.fake.guild_payload(guild_id))
        self.identified.set()
        return session

    async def _resume(
        self, ws: web.WebSocketResponse, data: dict[str, Any]
    ) -> GatewaySession | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.fake.token:
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            return None
        session.socket = ws
        last_seen = int(data.get("seq") or 0)
        for frame in [f for f in session.sent if f["s"] > last_seen]:
            await ws.send_str(json.dumps(frame))
        await session.send_dispatch("RESUMED", {})
        self.resumed.set()
        return session

    async def _members_chunk(self, session: GatewaySession | None, data: dict[str, Any]) -> None:
        if session is None:
            return
        guild_id = int(data.get("guild_id") or self.fake.guild_id)
        members = [self.fake.bot_member(guild_id)]
        not_found: list[str] = []
        if data.get("user_ids"):
            # A lookup by ids (no intent needed): every user the fake made is a member
            # unless listed in `fake.non_members`.
            by_id = {u["id"]: u for u in self.fake.users.values()}
            members = []
            for user_id in map(str, data["user_ids"]):
                user = by_id.get(user_id)
                if user is None or int(user_id) in self.fake.non_members:
                    not_found.append(user_id)
                else:
                    members.append(p.member(user))
        chunk = {
            "guild_id": data.get("guild_id"),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
            "nonce": data.get("nonce"),
        }
        await session.send_dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(self, event: str, data: Any, *, guild_id: int | None = None) -> None:
        """Send an event on every live session, or for a guild's event only on the session of
        the guild's shard (as Discord does: another process never hears of it)."""
        sessions = self.live_sessions
        if guild_id is not None:
            sessions = [s for s in sessions if s.shard[0] == shard_of(guild_id, s.shard[1])]
        if not sessions:
            raise RuntimeError(f"no bot is connected to the fake gateway to receive {event}")
        for session in sessions:
            await session.send_dispatch(event, data)

    async def ask_reconnect(self) -> None:
        """Op 7: the client closes and comes back with RESUME on `resume_gateway_url`."""
        for session in self.live_sessions:
            assert session.socket is not None
            await session.socket.send_str(json.dumps({"op": RECONNECT, "d": None}))

    async def close_all(self) -> None:
        for session in self.live_sessions:
            assert session.socket is not None
            await session.socket.close(code=1001)
