"""A local fake of Discord (REST + gateway) that the real discord.py client can log in to.

Start it, point `Route.BASE` at `api_base` and the gateway at `gateway_url`, and the bot runs as
in production. Every request the bot makes is recorded (`requests`) so tests assert on the JSON
Discord would have received; routes the fake does not know are answered 404 and listed in
`unhandled`, so a test can prove the bot made no call the fake cannot vouch for.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fake_discord import payloads as p
from tests.fake_discord import permissions as perms
from tests.fake_discord.channel_posts import PostFault
from tests.fake_discord.direct_messages import DirectMessages
from tests.fake_discord.gateway import Gateway, shard_of
from tests.fake_discord.rest import add_routes

API_PREFIX = "/api/v10"


@dataclass
class RecordedRequest:
    method: str
    path: str  # relative to the API base, e.g. "/interactions/1/abc/callback"
    query: dict[str, str]
    json: Any
    files: list[str]
    authorized: bool
    at: float = field(default_factory=time.perf_counter)  # arrival (see FakeDiscord.record)
    # Each attached file's bytes by file name (a test reads an export the bot attached).
    attachments: dict[str, bytes] = field(default_factory=dict)


@dataclass
class InteractionRecord:
    """One interaction the test dispatched, and what the bot answered."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    dispatched_at: float
    callback: dict[str, Any] | None = None
    callback_at: float | None = None
    original_message_id: int | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    # The message each followup or webhook edit produced, as Discord stored it: a followup's
    # own flags are ignored when it fills a "thinking…" placeholder, so only this tells
    # whether the user's answer was really private.
    results: list[dict[str, Any]] = field(default_factory=list)
    # Set on every request about this interaction: its waiters wake alone (see `notify`).
    updated: asyncio.Event = field(default_factory=asyncio.Event, repr=False, compare=False)

    @property
    def latency(self) -> float | None:
        return None if self.callback_at is None else self.callback_at - self.dispatched_at

    async def wait_until(self, ready: Callable[[], bool], timeout: float) -> None:
        async def waited() -> None:
            while not ready():
                self.updated.clear()
                await self.updated.wait()

        await asyncio.wait_for(waited(), timeout)


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py decodes a body as JSON only if Content-Type is exactly "application/json".
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def rate_limited_response(retry_after: float, *, bucket: str) -> web.Response:
    """Discord's 429: retry_after in the body (what clients obey), the same in the headers.

    `Via` matters: discord.py takes a 429 without it for a Cloudflare ban and gives up, so a
    REST proxy in front of Discord must pass it through too.
    """
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    headers = {
        "Content-Type": "application/json",
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": bucket.encode().hex()[:32],  # stable per route, opaque
        "X-RateLimit-Scope": "user",
        "Via": "1.1 google",
    }
    return web.Response(body=json.dumps(body).encode(), status=429, headers=headers)


def error_response(status: int, code: int, message: str) -> web.Response:
    return json_response({"message": message, "code": code}, status=status)


class FakeDiscord:
    """One application with one bot user in one guild with two text channels; `add_guild`
    adds more, and `shard_count` makes it a sharded bot's Discord (see gateway.py).

    It also speaks native polls (polls.py), threads on messages (threads.py) and guild
    scheduled events (events.py), with the bot's permissions computed and enforced as Discord
    does (permissions.py); `clock` is its "now" for what expires or must lie ahead."""

    def __init__(
        self, *, deadline: float = 3.0, member_count: int = 42, shard_count: int = 1
    ) -> None:
        self.app_id = p.snowflake()
        self.token = ".".join(
            [
                base64.b64encode(str(self.app_id).encode()).decode().rstrip("="),
                secrets.token_urlsafe(6),
                secrets.token_urlsafe(27),
            ]
        )
        self.deadline = deadline
        self.bot_user = p.user(self.app_id, "deepread", bot=True)
        self.owner = p.user(p.snowflake(), "owner")
        self.guild_id = p.snowflake()
        # What GET /gateway/bot recommends; each session gets the guilds of its shard only.
        self.shard_count = shard_count
        self.guild_names: dict[int, str] = {self.guild_id: "ML study group"}
        self.channel_id = p.snowflake()
        self.channels = {
            self.channel_id: p.text_channel(self.channel_id, self.guild_id, "study-group"),
        }
        other = p.snowflake()
        self.channels[other] = p.text_channel(other, self.guild_id, "papers", position=1)
        self.member_count = member_count
        self.users: dict[str, dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        # Registered application commands, stored and answered the way Discord does (see
        # rest.py's `registered`); tests may edit them "behind the bot's back".
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        # The installs the application is configured for (Discord's default for a global
        # command registered without `integration_types`): guild and user install.
        self.default_integration_types = [0, 1]
        self.interactions: dict[int, InteractionRecord] = {}
        # The same records by token: webhooks (followups, edits) name only the token, and a
        # benchmark sends thousands of interactions.
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        # Per-user computed permissions in interactions (user id -> permission bits); users
        # not listed get what @everyone may do.
        self.member_permissions: dict[int, int] = {}
        # Channel id -> (HTTP status, Discord error code, message) that POST .../messages
        # answers instead of creating the message, until removed.
        self.message_failures: dict[int, tuple[int, int, str]] = {}
        # Channel id -> how many more POSTs fail before the failure clears (absent: forever).
        self.message_failure_budget: dict[int, int] = {}
        # POST .../messages after Discord stored the message (tests/fake_discord/channel_posts.py):
        # channel id -> queued faults, one per POST; how long a nonce is enforced (Discord: a
        # few minutes); (channel id, nonce) -> (message id, monotonic time it was made).
        self.post_faults: dict[int, list[PostFault]] = {}
        self.nonce_window = 300.0
        self.nonces: dict[tuple[int, str], tuple[int, float]] = {}
        # HTTP method -> (status, code, message) that interaction webhooks answer (faults.py).
        self.webhook_failures: dict[str, tuple[int, int, str]] = {}
        # Rate limits: (method, route as rest.py names it, e.g. ("POST",
        # "/channels/{channel_id}/messages")) -> how many more requests answer 429 (with
        # Retry-After, X-RateLimit-* and a JSON retry_after) before the route works again.
        self.rate_limits: dict[tuple[str, str], int] = {}
        self.retry_after = 0.2
        self.throttled: list[RecordedRequest] = []
        # Users (ids) that member lookups by id report as not in the guild.
        self.non_members: set[int] = set()
        # DM channels the bot opened, members with closed DMs, what each received.
        self.dms = DirectMessages()
        # Discord's "now" for what expires (polls) or must lie ahead (scheduled events); a test
        # injects the clock its bot's service runs on.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        # What the bot's managed role grants (permissions.py); its role id per guild.
        self.bot_role_permissions = perms.BOT_ROLE_DEFAULT
        self._bot_roles: dict[int, int] = {}
        # Polls (polls.py): message id -> answer id -> user ids who voted for it.
        self.poll_votes: dict[int, dict[int, list[int]]] = {}
        # Guild scheduled events (events.py): event id -> the event as Discord returns it.
        self.scheduled_events: dict[int, dict[str, Any]] = {}
        self.gateway = Gateway(self)
        # What GET /gateway/bot advertises; None = this fake's own gateway.
        self.advertised_gateway_url: str | None = None
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle -----------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        add_routes(app, self, API_PREFIX)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # world ---------------------------------------------------------------------------------

    def make_user(self, name: str = "alice") -> dict[str, Any]:
        """The same name always gives the same user (ids stay stable across a test)."""
        if name not in self.users:
            self.users[name] = p.user(p.snowflake(), name)
        return self.users[name]

    def bot_role_id(self, guild_id: int) -> int:
        if guild_id not in self._bot_roles:
            self._bot_roles[guild_id] = p.snowflake()
        return self._bot_roles[guild_id]

    def bot_member(self, guild_id: int | None = None) -> dict[str, Any]:
        member = p.member(self.bot_user)
        member["roles"] = [str(self.bot_role_id(self.guild_id if guild_id is None else guild_id))]
        return member

    def guild_payload(self, guild_id: int | None = None) -> dict[str, Any]:
        guild_id = self.guild_id if guild_id is None else guild_id
        mine = [c for c in self.channels.values() if c.get("guild_id") == str(guild_id)]
        guild = p.guild_create(
            guild_id,
            self.guild_names[guild_id],
            int(self.owner["id"]),
            [c for c in mine if c["type"] not in perms.THREAD_TYPES],
            [self.bot_member(guild_id), p.member(self.owner)],
            self.member_count,
        )
        guild["roles"].append(perms.bot_role(self, guild_id))
        guild["threads"] = [c for c in mine if c["type"] in perms.THREAD_TYPES]
        guild["guild_scheduled_events"] = [
            e for e in self.scheduled_events.values() if e["guild_id"] == str(guild_id)
        ]
        return guild

    def add_guild(self, name: str, *, shard: int | None = None) -> tuple[int, int]:
        """Another guild with one text channel: (guild id, channel id). With `shard`, the id
        is chosen so that Discord's formula puts the guild on that shard of `shard_count`."""
        guild_id = p.snowflake()
        while shard is not None and shard_of(guild_id, self.shard_count) != shard:
            guild_id += 1 << 22  # one millisecond later: the next shard
        self.guild_names[guild_id] = name
        channel_id = p.snowflake()
        self.channels[channel_id] = p.text_channel(channel_id, guild_id, "reading")
        return guild_id, channel_id

    def guild_of(self, channel_id: int) -> int:
        return int(self.channels[channel_id]["guild_id"])

    async def add_channel(
        self,
        name: str,
        *,
        channel_type: int = 0,
        overwrites: list[dict[str, Any]] | None = None,
    ) -> int:
        """A new guild channel (voice, text with overwrites, ...); a connected bot hears of it
        through CHANNEL_CREATE, as it would on Discord."""
        channel_id = p.snowflake()
        channel = p.text_channel(
            channel_id,
            self.guild_id,
            name,
            position=len(self.channels),
            channel_type=channel_type,
            overwrites=overwrites,
        )
        self.channels[channel_id] = channel
        if self.gateway.live_sessions:
            await self.gateway.dispatch("CHANNEL_CREATE", channel)
        return channel_id

    def store_message(self, data: dict[str, Any]) -> dict[str, Any]:
        self.messages[int(data["id"])] = data
        return data

    def rate_limit(self, method: str, route: str, times: int, retry_after: float = 0.2) -> None:
        """The next `times` requests to the route answer 429, as Discord does when a bucket is
        empty; the request is recorded but has no effect (nothing stored, nothing sent)."""
        self.rate_limits[(method, route)] = times
        self.retry_after = retry_after

    def throttle(self, method: str, route: str, entry: RecordedRequest) -> web.Response | None:
        left = self.rate_limits.get((method, route), 0)
        if left <= 0:
            return None
        self.rate_limits[(method, route)] = left - 1
        self.throttled.append(entry)
        return rate_limited_response(self.retry_after, bucket=f"{method} {route}")

    # recording -----------------------------------------------------------------------------

    async def record(self, request: web.Request) -> RecordedRequest:
        # When the request arrived, before its body is read and parsed: what the bot's
        # latency is measured to (the fake's own work on a request is Discord's, which on the
        # real service does not share the bot's machine).
        arrived = time.perf_counter()
        body, files, attachments = await _read_body(request)
        entry = RecordedRequest(
            at=arrived,
            method=request.method,
            path=request.path[len(API_PREFIX) :],
            query=dict(request.query),
            json=body,
            files=files,
            authorized=request.headers.get("Authorization") == f"Bot {self.token}",
            attachments=attachments,
        )
        self.requests.append(entry)
        return entry

    async def notify(self, record: InteractionRecord | None = None) -> None:
        """Wake whoever waits for a request (and `record`'s own waiters, when the request was
        about an interaction). Those waiting for one interaction's answer wait on it alone:
        in a burst of 200, waking all 200 on every request made 40,000 wake-ups."""
        if record is not None:
            record.updated.set()
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], *, since: int = 0, timeout: float = 5.0
    ) -> RecordedRequest:
        """The first recorded request (from index `since`) that matches, waiting if needed."""

        def find() -> RecordedRequest | None:
            return next((r for r in self.requests[since:] if predicate(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: find() is not None), timeout)
        found = find()
        assert found is not None
        return found

    def requests_for(self, record: InteractionRecord) -> list[RecordedRequest]:
        """Every callback/webhook request the bot made for one interaction."""
        needles = (f"/interactions/{record.id}/{record.token}/", f"/{record.token}")
        return [r for r in self.requests if any(n in r.path for n in needles)]

    # interactions --------------------------------------------------------------------------

    async def dispatch_interaction(
        self,
        interaction_type: int,
        data: dict[str, Any] | None,
        *,
        user: dict[str, Any],
        message: dict[str, Any] | None = None,
        channel_id: int | None = None,
        in_guild: bool = True,
    ) -> InteractionRecord:
        """Send INTERACTION_CREATE on the gateway, as Discord does when someone acts."""
        channel = self.channels[channel_id or self.channel_id]
        if not in_guild:
            channel = {"id": str(p.snowflake()), "type": 1, "recipients": [user], "flags": 0}
        payload = p.interaction(
            interaction_id=p.snowflake(),
            token=f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}",
            app_id=self.app_id,
            interaction_type=interaction_type,
            data=data,
            guild_id=int(channel["guild_id"]) if in_guild else None,
            channel=channel,
            invoker=user,
            message=message,
            member_permissions=str(
                self.member_permissions.get(int(user["id"]), int(p.EVERYONE_PERMISSIONS))
            ),
        )
        record = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=interaction_type,
            payload=payload,
            dispatched_at=time.perf_counter(),
        )
        self.interactions[record.id] = record
        self.interactions_by_token[record.token] = record
        # Discord sends a guild's interaction on the connection of the guild's shard.
        guild = int(channel["guild_id"]) if in_guild else None
        await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild)
        return record

    async def wait_for_callback(
        self, record: InteractionRecord, *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """The interaction's initial response body ({"type": ..., "data": ...})."""
        await record.wait_until(lambda: record.callback is not None, timeout)
        assert record.callback is not None
        return record.callback

    async def wait_for_followup(
        self, record: InteractionRecord, *, count: int = 1, timeout: float = 5.0
    ) -> dict[str, Any]:
        """The `count`-th message body the bot sent or edited through the interaction webhook."""
        await record.wait_until(lambda: len(record.followups) >= count, timeout)
        return record.followups[count - 1]


async def _read_body(request: web.Request) -> tuple[Any, list[str], dict[str, bytes]]:
    """JSON body, or the `payload_json` part of a multipart body (files are listed by name
    and size, and kept by name)."""
    if not request.can_read_body:
        return None, [], {}
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[str] = []
        attachments: dict[str, bytes] = {}
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                content = await part.read()
                files.append(f"{part.filename}:{len(content)}")
                attachments[part.filename or ""] = bytes(content)
        return payload, files, attachments
    raw = await request.read()
    if not raw:
        return None, [], {}
    return json.loads(raw), [], {}
