"""POST /channels/{id}/messages as Discord answers it, with the faults a sender must survive.

- `enforce_nonce`: a message with a nonce and `enforce_nonce: true` whose nonce repeats one
  the same author used in that channel within `fake.nonce_window` seconds gets the message
  made then (200) and creates nothing, as Discord does; the answer carries the nonce, and
  (as on Discord) messages read back later do not.
- `fake.message_failures[channel]`: refused before anything is created (403, 404, 5xx).
- `fake.post_faults[channel]`: a queue, one entry per POST, for the faults in which Discord
  stored the message but the sender cannot know: `LOST` creates it and drops the connection
  before answering; a `(status, code, text)` creates it and answers that error (a 502 from
  the proxy in front of Discord, say); `HANG` creates it and never answers. Every POST with
  a nonce is subject to `enforce_nonce` first, so a retry with the same nonce is answered
  like Discord answers it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from tests.fake_discord import payloads as p
from tests.fake_discord import permissions as perms
from tests.fake_discord.polls import PollError, new_poll

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, RecordedRequest

LOST: Final = "lost"
"""A `post_faults` entry: the message is created, the answer never arrives."""
HANG: Final = "hang"
"""A `post_faults` entry: the message is created and no answer comes until the sender gives
up (closes the connection)."""

PostFault = str | tuple[int, int, str]


async def create_message(
    fake: FakeDiscord, request: web.Request, entry: RecordedRequest
) -> web.StreamResponse:
    from tests.fake_discord.server import error_response, json_response

    channel = fake.channels.get(int(request.match_info["channel_id"]))
    if channel is None:
        return error_response(404, 10003, "Unknown Channel")
    channel_id = int(channel["id"])
    failure = fake.message_failures.get(channel_id)
    if failure is not None:
        left = fake.message_failure_budget.get(channel_id)
        if left is not None and left <= 1:
            del fake.message_failures[channel_id]
            del fake.message_failure_budget[channel_id]
        elif left is not None:
            fake.message_failure_budget[channel_id] = left - 1
        return error_response(*failure)
    body: dict[str, Any] = entry.json if isinstance(entry.json, dict) else {}
    refused = perms.refuse(fake, channel, perms.post_needs(channel, body))
    if refused is not None:
        return refused
    poll: dict[str, Any] | None = None
    if body.get("poll") is not None:
        try:
            poll = new_poll(body, fake.clock())
        except PollError as exc:
            return error_response(exc.status, exc.code, exc.message)
    faults = fake.post_faults.get(channel_id) or []
    fault = faults.pop(0) if faults else None
    nonce = body.get("nonce")
    key = (channel_id, str(nonce))
    earlier = fake.nonces.get(key) if nonce is not None and body.get("enforce_nonce") else None
    message: dict[str, Any] | None = None
    if earlier is not None and time.monotonic() - earlier[1] <= fake.nonce_window:
        message = fake.messages.get(earlier[0])
    if message is None:
        message = fake.store_message(
            p.message(
                message_id=p.snowflake(),
                channel_id=channel_id,
                guild_id=fake.guild_of(channel_id),
                author=fake.bot_user,
                body=body,
            )
        )
        if poll is not None:
            message["poll"] = poll
        if nonce is not None:
            fake.nonces[key] = (int(message["id"]), time.monotonic())
    if fault == HANG:
        await fake.notify()  # the request is seen; its answer never comes
        while request.transport is not None and not request.transport.is_closing():
            await asyncio.sleep(0.02)  # until the sender gives up and closes the connection
        return web.Response(status=204)
    if fault == LOST:
        assert request.transport is not None
        request.transport.close()  # the client sees the server disconnect, no answer
        return web.Response(status=204)
    if isinstance(fault, tuple):
        return error_response(*fault)
    answer = dict(message)
    if nonce is not None:
        answer["nonce"] = str(nonce)
    return json_response(answer)
