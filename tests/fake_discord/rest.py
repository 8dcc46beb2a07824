"""REST routes of the fake, with the same paths, statuses and error codes as discord.com/api/v10.

Interaction rules the bot must respect are enforced as Discord enforces them: one initial
response per interaction (40060 otherwise) within `deadline` seconds (10062 "Unknown
interaction" after), and the first followup after a deferred response replaces the
"thinking…" message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fake_discord import events, polls, threads
from tests.fake_discord import payloads as p
from tests.fake_discord.channel_posts import create_message
from tests.fake_discord.direct_messages import open_dm, send_dm
from tests.fake_discord.faults import webhook_faults
from tests.fake_discord.permissions import THREAD_TYPES

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, InteractionRecord, RecordedRequest

Handler = Callable[[web.Request, "RecordedRequest"], Awaitable[web.StreamResponse]]
EPHEMERAL, LOADING = 64, 128
MESSAGE_RESPONSES = {4: "message", 5: "deferred", 6: "deferred update", 7: "update"}


def add_routes(app: web.Application, fake: FakeDiscord, prefix: str) -> None:
    from tests.fake_discord.server import error_response, json_response

    def recorded(
        handler: Handler, *, auth: bool = True, route: tuple[str, str] = ("", "")
    ) -> Callable[[web.Request], Any]:
        """Record the request, check the bot token (interaction routes use theirs), answer
        429 while the route is rate limited (`fake.rate_limit`), else answer."""

        async def wrapped(request: web.Request) -> web.StreamResponse:
            entry = await fake.record(request)
            token = request.match_info.get("token")
            record = None if token is None else fake.interactions_by_token.get(token)
            try:
                if auth and not entry.authorized:
                    return error_response(401, 0, "401: Unauthorized")
                limited = fake.throttle(*route, entry)
                if limited is not None:
                    return limited
                return await handler(request, entry)
            finally:
                await fake.notify(record)

        return wrapped

    def body(entry: RecordedRequest) -> dict[str, Any]:
        return entry.json if isinstance(entry.json, dict) else {}

    # login ---------------------------------------------------------------------------------

    async def me(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        return json_response(fake.bot_user)

    async def gateway(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        return json_response({"url": fake.advertised_gateway_url or fake.gateway_url})

    async def gateway_bot(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        url = fake.advertised_gateway_url or fake.gateway_url
        return json_response({"url": url, "shards": fake.shard_count, "session_start_limit": limit})

    async def application(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        return json_response(p.application(fake.app_id, fake.bot_user, fake.owner))

    # application commands ------------------------------------------------------------------

    def command_list(request: web.Request) -> list[dict[str, Any]]:
        guild = request.match_info.get("guild_id")
        if guild is None:
            return fake.global_commands
        return fake.guild_commands.setdefault(int(guild), [])

    def stored_option(option: dict[str, Any]) -> dict[str, Any]:
        # Discord leaves out what is off or empty (`required: false`, no choices, ...).
        out = {k: v for k, v in option.items() if not (v is None or v is False or v in ([], {}))}
        if "options" in out:
            out["options"] = [stored_option(o) for o in out["options"]]
        return out

    def registered(command: dict[str, Any], guild: str | None) -> dict[str, Any]:
        """A command as Discord stores and returns it: ids and version added, defaults made
        explicit (all contexts and the app's installs for global commands, `dm_permission`),
        permissions as a string, empty option fields dropped, localizations only on request."""
        permissions = command.get("default_member_permissions")
        out = {
            "type": 1,
            "description": "",
            **{k: v for k, v in command.items() if not k.endswith("_localizations")},
            "id": str(p.snowflake()),
            "application_id": str(fake.app_id),
            "version": str(p.snowflake()),
            "default_member_permissions": None if permissions is None else str(permissions),
            "dm_permission": command.get("dm_permission", True) is not False,
            "nsfw": bool(command.get("nsfw", False)),
            "options": [stored_option(o) for o in command.get("options") or []],
        }
        if guild is not None:
            out["guild_id"] = guild
            out["contexts"] = None
            out["integration_types"] = None
        else:
            out["contexts"] = command.get("contexts") or [0, 1, 2]
            out["integration_types"] = (
                command.get("integration_types") or fake.default_integration_types
            )
        return out

    async def get_commands(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        if request.match_info["app_id"] != str(fake.app_id):
            return error_response(403, 50001, "Missing Access")
        return json_response(command_list(request))

    async def put_commands(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        if request.match_info["app_id"] != str(fake.app_id):
            return error_response(403, 50001, "Missing Access")
        commands = entry.json or []
        guild = request.match_info.get("guild_id")
        stored = [registered(c, guild) for c in commands]
        target = command_list(request)
        target[:] = stored
        return json_response(stored)

    # interaction callback ------------------------------------------------------------------

    def new_message(record: InteractionRecord, data: dict[str, Any], flags: int) -> dict[str, Any]:
        channel = record.payload["channel"]
        msg = p.message(
            message_id=p.snowflake(),
            channel_id=int(channel["id"]),
            guild_id=int(record.payload["guild_id"]) if "guild_id" in record.payload else None,
            author=fake.bot_user,
            body={**data, "flags": flags},
            message_type=20 if record.type == 2 else 0,
            webhook_id=fake.app_id,
        )
        # Which interaction made it, as Discord records on every interaction response and
        # followup (discord.py before 2.7.1 finds a response's view by this id).
        payload = record.payload
        user = payload["member"]["user"] if "member" in payload else payload.get("user")
        msg["interaction_metadata"] = {
            "id": str(record.id),
            "type": record.type,
            "user": user,
            "authorizing_integration_owners": payload.get("authorizing_integration_owners", {}),
        }
        return fake.store_message(msg)

    async def callback(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        record = fake.interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return error_response(404, 10062, "Unknown interaction")
        if record.callback is not None:
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        if entry.at - record.dispatched_at > fake.deadline:
            return error_response(404, 10062, "Unknown interaction")
        payload = body(entry)
        kind = int(payload.get("type", 0))
        data = payload.get("data") or {}
        result: dict[str, Any] = {"interaction": {"id": str(record.id), "type": record.type}}
        message: dict[str, Any] | None = None
        if kind in (4, 5):
            flags = int(data.get("flags") or 0) | (LOADING if kind == 5 else 0)
            message = new_message(record, data if kind == 4 else {}, flags)
            record.original_message_id = int(message["id"])
        elif kind in (6, 7):
            source = record.payload.get("message")
            if source is None:
                return error_response(400, 50035, "Invalid Form Body (no message to update)")
            old = fake.messages.get(int(source["id"]), source)
            message = fake.store_message(p.edit_message(old, data) if kind == 7 else old)
            record.original_message_id = int(message["id"])
        elif kind not in (8, 9):
            return error_response(400, 50035, f"Invalid Form Body (interaction type {kind})")
        record.callback = payload
        record.callback_at = entry.at
        if message is not None:
            result["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=bool(int(message["flags"]) & LOADING),
                response_message_ephemeral=bool(int(message["flags"]) & EPHEMERAL),
            )
        result["resource"] = {"type": kind}
        if kind in (4, 7) and message is not None:
            result["resource"]["message"] = message
        if request.query.get("with_response") in ("1", "true"):
            return json_response(result)
        return web.Response(status=204)

    # interaction webhooks ------------------------------------------------------------------

    def record_for(request: web.Request) -> InteractionRecord | None:
        if request.match_info["app_id"] != str(fake.app_id):
            return None
        token = request.match_info["token"]
        return fake.interactions_by_token.get(token)

    def message_id(record: InteractionRecord, request: web.Request) -> int | None:
        raw = request.match_info["message_id"]
        return record.original_message_id if raw == "@original" else int(raw)

    async def followup(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        record = record_for(request)
        if record is None or record.callback is None:
            return error_response(404, 10015, "Unknown Webhook")
        data = body(entry)
        record.followups.append(data)
        original = fake.messages.get(record.original_message_id or 0)
        if original is not None and int(original["flags"]) & LOADING:
            # The first followup after a defer fills the "thinking…" message in.
            flags = int(original["flags"]) & ~LOADING
            msg = fake.store_message(p.edit_message(original, {**data, "flags": flags}))
        else:
            msg = new_message(record, data, int(data.get("flags") or 0))
        record.results.append(msg)
        return json_response(msg)

    async def webhook_message(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        record = record_for(request)
        mid = None if record is None else message_id(record, request)
        stored = fake.messages.get(mid or 0)
        if record is None or stored is None:
            return error_response(404, 10008, "Unknown Message")
        if request.method == "GET":
            return json_response(stored)
        if request.method == "DELETE":
            del fake.messages[int(stored["id"])]
            return web.Response(status=204)
        data = body(entry)
        record.followups.append(data)
        flags = int(stored["flags"]) & ~LOADING
        msg = fake.store_message(p.edit_message(stored, {**data, "flags": flags}))
        record.results.append(msg)
        return json_response(msg)

    # channels and guild --------------------------------------------------------------------

    def channel_or_404(request: web.Request) -> dict[str, Any] | None:
        return fake.channels.get(int(request.match_info["channel_id"]))

    async def get_channel(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        channel = channel_or_404(request)
        if channel is None:
            return error_response(404, 10003, "Unknown Channel")
        return json_response(channel)

    async def channel_messages(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        if request.method == "POST" and int(request.match_info["channel_id"]) in fake.dms.channels:
            return await send_dm(fake, request, entry)
        channel = channel_or_404(request)
        if channel is None:
            return error_response(404, 10003, "Unknown Channel")
        if request.method == "GET":
            await polls.settle(fake)  # a poll past its expiry reads as finished
            mine = [m for m in fake.messages.values() if m["channel_id"] == channel["id"]]
            limit = int(request.query.get("limit", 50))
            return json_response(sorted(mine, key=lambda m: -int(m["id"]))[:limit])
        return await create_message(fake, request, entry)

    async def channel_message(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        await polls.settle(fake)
        stored = fake.messages.get(int(request.match_info["message_id"]))
        if stored is None or stored["channel_id"] != request.match_info["channel_id"]:
            return error_response(404, 10008, "Unknown Message")
        if request.method == "GET":
            return json_response(stored)
        if request.method == "DELETE":
            del fake.messages[int(stored["id"])]
            return web.Response(status=204)
        return json_response(fake.store_message(p.edit_message(stored, body(entry))))

    async def get_guild(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        guild_id = int(request.match_info["guild_id"])
        if guild_id not in fake.guild_names:
            return error_response(404, 10004, "Unknown Guild")
        guild = fake.guild_payload(guild_id)
        guild["approximate_member_count"] = fake.member_count
        return json_response(guild)

    async def guild_channels(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        guild_id = request.match_info["guild_id"]
        if int(guild_id) not in fake.guild_names:
            return error_response(404, 10004, "Unknown Guild")
        # Threads are not guild channels here, as on Discord (they have their own routes).
        listed = [c for c in fake.channels.values() if c.get("guild_id") == guild_id]
        return json_response([c for c in listed if c["type"] not in THREAD_TYPES])

    async def unhandled(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        fake.unhandled.append(entry)
        return error_response(404, 0, "404: Not Found")

    routes: list[tuple[str, str, Handler, bool]] = [
        ("GET", "/users/@me", me, True),
        ("GET", "/gateway", gateway, False),
        ("GET", "/gateway/bot", gateway_bot, True),
        ("GET", "/oauth2/applications/@me", application, True),
        ("GET", "/applications/@me", application, True),
        ("POST", "/interactions/{interaction_id}/{token}/callback", callback, False),
        ("GET", "/channels/{channel_id}", get_channel, True),
        ("GET", "/channels/{channel_id}/messages", channel_messages, True),
        ("POST", "/channels/{channel_id}/messages", channel_messages, True),
        ("GET", "/guilds/{guild_id}", get_guild, True),
        ("GET", "/guilds/{guild_id}/channels", guild_channels, True),
        ("POST", "/users/@me/channels", lambda r, e: open_dm(fake, r, e), True),
    ]
    routes += polls.routes(fake) + threads.routes(fake) + events.routes(fake)
    for path in (
        "/applications/{app_id}/commands",
        "/applications/{app_id}/guilds/{guild_id}/commands",
    ):
        routes += [("GET", path, get_commands, True), ("PUT", path, put_commands, True)]
    routes.append(("POST", "/webhooks/{app_id}/{token}", webhook_faults(fake, followup), False))
    for method in ("GET", "PATCH", "DELETE"):
        routes.append(
            (
                method,
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                webhook_faults(fake, webhook_message),
                False,
            )
        )
        routes.append(
            (method, "/channels/{channel_id}/messages/{message_id}", channel_message, True)
        )
    for method, path, handler, auth in routes:
        app.router.add_route(
            method, prefix + path, recorded(handler, auth=auth, route=(method, path))
        )
    app.router.add_route("*", prefix + "/{tail:.*}", recorded(unhandled, auth=False))
