"""Guild scheduled events: POST/GET/PATCH/DELETE /guilds/{gid}/scheduled-events[/{id}].

Creating needs Manage Events (or Create Events); changing or deleting one needs Manage
Events, or Create Events for an event the bot created itself (403 50013 otherwise). What
Discord validates is validated: guild-only privacy (2), an external event (3) has a location
and an end, a voice (2) or stage (1) event names a channel of that kind, the start lies ahead
of `fake.clock` and the end after the start, names of 1-100 characters. Each change sends
GUILD_SCHEDULED_EVENT_CREATE / _UPDATE / _DELETE; a guild's events come with GUILD_CREATE.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from tests.fake_discord import payloads as p
from tests.fake_discord import permissions as perms

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, RecordedRequest

STAGE, VOICE, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
NEXT_STATUS: Final = {SCHEDULED: {ACTIVE, CANCELED}, ACTIVE: {COMPLETED}}
EDITABLE: Final = (
    "channel_id",
    "entity_metadata",
    "name",
    "privacy_level",
    "scheduled_start_time",
    "scheduled_end_time",
    "description",
    "entity_type",
    "status",
)


def _problems(fake: FakeDiscord, event: dict[str, Any], *, creating: bool) -> list[str]:
    out = []
    if not 1 <= len(str(event.get("name") or "")) <= 100:
        out.append("name must be 1-100 characters")
    if len(str(event.get("description") or "")) > 1000:
        out.append("description must be at most 1000 characters")
    if event.get("privacy_level") != 2:
        out.append("privacy_level must be 2 (guild only)")
    try:
        start = datetime.fromisoformat(str(event.get("scheduled_start_time")))
        end_raw = event.get("scheduled_end_time")
        end = None if end_raw is None else datetime.fromisoformat(str(end_raw))
    except ValueError:
        return [*out, "times must be ISO 8601"]
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        out.append("times need a timezone")
        return out
    if creating and start <= fake.clock():
        out.append("Cannot schedule event in the past")
    if end is not None and end <= start:
        out.append("scheduled_end_time must be after scheduled_start_time")
    kind = event.get("entity_type")
    if kind == EXTERNAL:
        location = (event.get("entity_metadata") or {}).get("location")
        if not location or len(str(location)) > 100:
            out.append("an external event needs entity_metadata.location (1-100 characters)")
        if end is None:
            out.append("an external event needs scheduled_end_time")
        if event.get("channel_id") is not None:
            out.append("an external event has no channel_id")
    elif kind in (STAGE, VOICE):
        channel = fake.channels.get(int(event.get("channel_id") or 0))
        if channel is None or channel["type"] != (13 if kind == STAGE else 2):
            out.append("channel_id must be a stage or voice channel matching entity_type")
    else:
        out.append("entity_type must be 1, 2 or 3")
    return out


def routes(fake: FakeDiscord) -> list[tuple[str, str, Any, bool]]:
    from tests.fake_discord.server import error_response, json_response

    def may(guild_id: int, event: dict[str, Any] | None) -> bool:
        bits = perms.guild_permissions(fake, guild_id)
        if bits & perms.MANAGE_EVENTS:
            return True
        own = event is None or event.get("creator_id") == fake.bot_user["id"]
        return bool(bits & perms.CREATE_EVENTS) and own

    def found(request: web.Request) -> tuple[int, dict[str, Any] | None]:
        guild_id = int(request.match_info["guild_id"])
        event = fake.scheduled_events.get(int(request.match_info.get("event_id", 0)))
        if event is not None and event["guild_id"] != str(guild_id):
            event = None
        return guild_id, event

    def shown(event: dict[str, Any], request: web.Request) -> dict[str, Any]:
        if request.query.get("with_user_count") in ("1", "true"):
            return event
        return {k: v for k, v in event.items() if k != "user_count"}

    async def dispatch(name: str, event: dict[str, Any]) -> None:
        if fake.gateway.live_sessions:
            await fake.gateway.dispatch(name, event, guild_id=int(event["guild_id"]))

    async def create(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        guild_id = int(request.match_info["guild_id"])
        if guild_id not in fake.guild_names:
            return error_response(404, 10004, "Unknown Guild")
        if not may(guild_id, None):
            return error_response(403, 50013, "Missing Permissions")
        body = entry.json if isinstance(entry.json, dict) else {}
        event = {k: body.get(k) for k in EDITABLE if k != "status"}
        problems = _problems(fake, event, creating=True)
        if problems:
            return error_response(400, 50035, "Invalid Form Body (" + "; ".join(problems) + ")")
        event_id = p.snowflake()
        event.update(
            id=str(event_id),
            guild_id=str(guild_id),
            creator_id=fake.bot_user["id"],
            creator=fake.bot_user,
            status=SCHEDULED,
            entity_id=None,
            image=None,
            user_count=0,
        )
        if event["channel_id"] is not None:
            event["channel_id"] = str(event["channel_id"])
        fake.scheduled_events[event_id] = event
        await dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
        return json_response(event)

    async def listing(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        guild_id = int(request.match_info["guild_id"])
        if guild_id not in fake.guild_names:
            return error_response(404, 10004, "Unknown Guild")
        mine = [e for e in fake.scheduled_events.values() if e["guild_id"] == str(guild_id)]
        return json_response([shown(e, request) for e in mine])

    async def one(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        guild_id, event = found(request)
        if event is None:
            return error_response(404, 10070, "Unknown Guild Scheduled Event")
        if request.method == "GET":
            return json_response(shown(event, request))
        if not may(guild_id, event):
            return error_response(403, 50013, "Missing Permissions")
        if request.method == "DELETE":
            del fake.scheduled_events[int(event["id"])]
            await dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
            return web.Response(status=204)
        body = entry.json if isinstance(entry.json, dict) else {}
        changed = {**event, **{k: body[k] for k in EDITABLE if k in body}}
        status = int(changed["status"])
        if status != event["status"] and status not in NEXT_STATUS.get(event["status"], set()):
            return error_response(400, 50035, f"Invalid Form Body (status {status})")
        moved = "scheduled_start_time" in body
        problems = _problems(fake, changed, creating=moved)
        if problems:
            return error_response(400, 50035, "Invalid Form Body (" + "; ".join(problems) + ")")
        event.update(changed)
        await dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
        return json_response(event)

    base = "/guilds/{guild_id}/scheduled-events"
    return [
        ("POST", base, create, True),
        ("GET", base, listing, True),
        ("GET", base + "/{event_id}", one, True),
        ("PATCH", base + "/{event_id}", one, True),
        ("DELETE", base + "/{event_id}", one, True),
    ]
