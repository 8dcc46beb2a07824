"""Direct messages in the fake: opening a DM channel and sending in it, as Discord answers.

The bot tells a member something privately outside any interaction (a moderator rejected
their suggestion) with `create_dm` (POST /users/@me/channels) and a message in that channel.
A member may have closed their DMs to server members: Discord then refuses the message with
403 / 50007 "Cannot send messages to this user", and the bot must say so to whoever acted.
`fake.dms.closed` holds those members; `fake.dms.sent_to(user_id)` what each one received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fake_discord import payloads as p

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, RecordedRequest

CANNOT_MESSAGE_USER = (403, 50007, "Cannot send messages to this user")


@dataclass
class DirectMessages:
    """The DM channels the bot opened, the members who refuse DMs, the messages sent."""

    channels: dict[int, dict[str, Any]] = field(default_factory=dict)  # channel id -> channel
    closed: set[int] = field(default_factory=set)  # user ids whose DMs are closed
    sent: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # user id -> messages

    def recipient(self, channel_id: int) -> int | None:
        channel = self.channels.get(channel_id)
        return None if channel is None else int(channel["recipients"][0]["id"])

    def sent_to(self, user_id: int) -> list[dict[str, Any]]:
        return list(self.sent.get(user_id, []))


def _user_payload(fake: FakeDiscord, user_id: int) -> dict[str, Any]:
    known = next((u for u in fake.users.values() if int(u["id"]) == user_id), None)
    return known or p.user(user_id, f"user{user_id}")


async def open_dm(
    fake: FakeDiscord, request: web.Request, entry: RecordedRequest
) -> web.StreamResponse:
    """POST /users/@me/channels {recipient_id}: the DM channel with that user (one per user)."""
    from tests.fake_discord.server import error_response, json_response

    body = entry.json if isinstance(entry.json, dict) else {}
    try:
        user_id = int(body["recipient_id"])
    except (KeyError, TypeError, ValueError):
        return error_response(400, 50035, "Invalid Form Body (recipient_id)")
    for channel in fake.dms.channels.values():
        if int(channel["recipients"][0]["id"]) == user_id:
            return json_response(channel)
    channel_id = p.snowflake()
    channel = {
        "id": str(channel_id),
        "type": 1,
        "recipients": [_user_payload(fake, user_id)],
        "last_message_id": None,
        "flags": 0,
    }
    fake.dms.channels[channel_id] = channel
    return json_response(channel)


async def send_dm(
    fake: FakeDiscord, request: web.Request, entry: RecordedRequest
) -> web.StreamResponse:
    """POST /channels/{dm channel}/messages: stored, or refused when the member closed DMs."""
    from tests.fake_discord.server import error_response, json_response

    channel_id = int(request.match_info["channel_id"])
    user_id = fake.dms.recipient(channel_id)
    if user_id is None:
        return error_response(404, 10003, "Unknown Channel")
    if user_id in fake.dms.closed:
        return error_response(*CANNOT_MESSAGE_USER)
    body = entry.json if isinstance(entry.json, dict) else {}
    message = fake.store_message(
        p.message(
            message_id=p.snowflake(),
            channel_id=channel_id,
            guild_id=None,
            author=fake.bot_user,
            body=body,
        )
    )
    fake.dms.sent.setdefault(user_id, []).append(message)
    return json_response(message)
