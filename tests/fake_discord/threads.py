"""Public threads started from a message, as Discord makes them.

POST /channels/{cid}/messages/{mid}/threads needs View Channel and Create Public Threads in
the parent (403 50013 otherwise), a name of 1-100 characters and a message without a thread
(400 160004). The thread is a channel of type 11 whose id is the message's id; the message
gets `thread` and the HAS_THREAD flag; THREAD_CREATE (`newly_created`) and MESSAGE_UPDATE go
out. Posting in the thread is POST .../messages on the thread's id, which needs Send Messages
in Threads (see permissions.py); `fake.thread_messages(thread_id)` reads them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from tests.fake_discord import permissions as perms

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, RecordedRequest

PUBLIC_THREAD: Final = 11
HAS_THREAD: Final = 1 << 5
ARCHIVE_MINUTES: Final = frozenset({60, 1440, 4320, 10080})
NAME_MAX: Final = 100


def thread_channel(
    fake: FakeDiscord, parent: dict[str, Any], message_id: int, name: str, archive: int
) -> dict[str, Any]:
    now = fake.clock().isoformat()
    return {
        "id": str(message_id),
        "guild_id": parent["guild_id"],
        "parent_id": parent["id"],
        "owner_id": fake.bot_user["id"],
        "name": name,
        "type": PUBLIC_THREAD,
        "member_count": 1,
        "message_count": 0,
        "total_message_sent": 0,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": archive,
            "archive_timestamp": now,
            "locked": False,
            "create_timestamp": now,
        },
        "member": {
            "id": str(message_id),
            "user_id": fake.bot_user["id"],
            "join_timestamp": now,
            "flags": 0,
        },
    }


def threads_of(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    """The threads started in a channel, oldest first."""
    found = [
        c
        for c in fake.channels.values()
        if c["type"] in perms.THREAD_TYPES and c.get("parent_id") == str(channel_id)
    ]
    return sorted(found, key=lambda c: int(c["id"]))


def messages_in(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    """Every message stored in a channel or thread, oldest first."""
    found = [m for m in fake.messages.values() if m["channel_id"] == str(channel_id)]
    return sorted(found, key=lambda m: int(m["id"]))


def routes(fake: FakeDiscord) -> list[tuple[str, str, Any, bool]]:
    from tests.fake_discord.server import error_response, json_response

    async def start_thread(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        parent = fake.channels.get(int(request.match_info["channel_id"]))
        if parent is None:
            return error_response(404, 10003, "Unknown Channel")
        message = fake.messages.get(int(request.match_info["message_id"]))
        if message is None or message["channel_id"] != parent["id"]:
            return error_response(404, 10008, "Unknown Message")
        needed = perms.VIEW_CHANNEL | perms.CREATE_PUBLIC_THREADS
        refused = perms.refuse(fake, parent, needed)
        if refused is not None:
            return refused
        if parent["type"] in perms.THREAD_TYPES or parent["type"] not in (0, 5):
            return error_response(400, 50024, "Cannot execute action on this channel type")
        if "thread" in message:
            return error_response(400, 160004, "A thread has already been created for this message")
        body = entry.json if isinstance(entry.json, dict) else {}
        name = str(body.get("name") or "")
        archive = int(body.get("auto_archive_duration") or 4320)
        if not 1 <= len(name) <= NAME_MAX or archive not in ARCHIVE_MINUTES:
            return error_response(
                400, 50035, f"Invalid Form Body (name 1-{NAME_MAX} characters, archive duration)"
            )
        thread = thread_channel(fake, parent, int(message["id"]), name, archive)
        fake.channels[int(thread["id"])] = thread
        message["thread"] = thread
        message["flags"] = int(message.get("flags") or 0) | HAS_THREAD
        if fake.gateway.live_sessions:
            guild_id = int(parent["guild_id"])
            await fake.gateway.dispatch(
                "THREAD_CREATE", {**thread, "newly_created": True}, guild_id=guild_id
            )
            await fake.gateway.dispatch("MESSAGE_UPDATE", message, guild_id=guild_id)
        return json_response(thread, status=201)

    return [
        ("POST", "/channels/{channel_id}/messages/{message_id}/threads", start_thread, True),
    ]
