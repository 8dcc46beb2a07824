"""Failures a test can switch on in the fake, and discord.py's retry back-off made instant.

- `fake.webhook_failures[method]` = (status, code, text): every request of that method
  ("POST" followups, "PATCH" edits, "DELETE", "GET") to an interaction's webhook is answered
  with that error, for as long as it is set (a Discord outage lasting past discord.py's own
  retries).
- `NoRetryWait`: patched in as `discord.http.asyncio`, it turns discord.py's waits between
  retries of a 5xx (1, 3, 5, 7, 9 s) into none, so such tests take milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, RecordedRequest

Handler = Callable[[web.Request, "RecordedRequest"], Awaitable[web.StreamResponse]]


def webhook_faults(fake: FakeDiscord, handler: Handler) -> Handler:
    """`handler`, unless `fake.webhook_failures` holds an error for the request's method."""
    from tests.fake_discord.server import error_response

    async def maybe_failing(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        failure = fake.webhook_failures.get(request.method)
        if failure is not None:
            return error_response(*failure)
        return await handler(request, entry)

    return maybe_failing


class NoRetryWait:
    """`asyncio` for discord.http, with its retry back-off (1, 3, 5, 7, 9 s) made instant."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        await asyncio.sleep(0)
        return result
