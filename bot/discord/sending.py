"""Posting into a server's channel from a background loop (daily posts, the reading club):
resolve the channel, and turn every way Discord can refuse into `SendFailed` with a `Fault`.

The loops' runners (in the service) decide what a failure does to a schedule without knowing
discord.py's exception tree: 403/404 are PERMANENT (the channel is gone or closed to the
bot), everything else TRANSIENT (try again next minute).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import aiohttp
import discord

from bot.service.daily_planning import Fault, classify_status, permanent_reason
from bot.service.daily_runner import SendFailed


async def text_channel(client: discord.Client, channel_id: int) -> discord.abc.Messageable:
    """The channel from the cache, else from Discord; SendFailed when it is not a text one."""
    channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        raise SendFailed(Fault.PERMANENT, f"<#{channel_id}> is not a text channel any more.")
    return channel


@contextlib.contextmanager
def faults(channel_id: int) -> Iterator[None]:
    """discord.py's exceptions as `SendFailed` (403/404 permanent, the rest transient)."""
    try:
        yield
    except discord.HTTPException as exc:
        detail = f"{exc.status} {exc.text or exc.response.reason}".strip()
        fault = classify_status(exc.status)
        if fault is Fault.PERMANENT:
            raise SendFailed(fault, permanent_reason(exc.status, channel_id, detail)) from exc
        raise SendFailed(fault, f"Discord answered {detail}.") from exc
    except discord.RateLimited as exc:
        raise SendFailed(Fault.TRANSIENT, f"Rate limited for {exc.retry_after:.0f} s.") from exc
    except (TimeoutError, OSError, aiohttp.ClientError) as exc:
        raise SendFailed(Fault.TRANSIENT, f"Network error ({type(exc).__name__}).") from exc
