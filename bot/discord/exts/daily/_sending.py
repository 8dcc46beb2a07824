"""The Discord half of a daily post: resolve the channel, check it, send, look for a post
already sent, translate failures.

Every way a send (or a look) can fail is turned into `SendFailed` with a `Fault`, so the
runner decides what happens to the schedule without knowing discord.py's exception tree.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import aiohttp
import discord

from bot.discord.buttons import resource_buttons
from bot.discord.exts.daily._embeds import is_post_for, post_embed, why_text
from bot.service.daily_planning import Fault, classify_status, permanent_reason
from bot.service.daily_runner import Delivery, Pick, SendFailed

NEEDED = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("read_message_history", "Read Message History"),
)
"""What the bot needs in the daily channel, as (attribute, name shown in Discord's UI); the
history is where it looks for a post whose sending it could not confirm."""

HISTORY_LIMIT = 50
"""How many of the channel's newest messages are searched for an unconfirmed post (one
request). A post is looked for within minutes of being sent, so it is among them unless the
channel had more messages than that in between."""


def missing_permissions(permissions: discord.Permissions) -> list[str]:
    return [label for attr, label in NEEDED if not getattr(permissions, attr)]


def post_view(resource_id: str) -> discord.ui.View:
    """Mark read / Save for later: DynamicItems, so they answer after a restart, for anyone."""
    view = discord.ui.View(timeout=None)
    for button in resource_buttons(resource_id):
        view.add_item(button)
    return view


async def _channel(client: discord.Client, channel_id: int) -> discord.abc.Messageable:
    channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        raise SendFailed(Fault.PERMANENT, f"<#{channel_id}> is not a text channel any more.")
    return channel


@contextlib.contextmanager
def _faults(channel_id: int) -> Iterator[None]:
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


async def send_post(client: discord.Client, delivery: Delivery, pick: Pick) -> int:
    """Send the post with the delivery's nonce; the message id, or SendFailed.

    discord.py sends a given nonce with `enforce_nonce`, so a repeat within a few minutes
    (discord.py's own retry after a 5xx, or the next tick after a lost answer) gets the
    message Discord already made instead of a second one.
    """
    with _faults(delivery.channel_id):
        channel = await _channel(client, delivery.channel_id)
        message = await channel.send(
            embed=post_embed(
                pick.resource,
                pick.summary,
                why_text(pick.topic, pick.level),
                pick.readers,
                day=delivery.local_date,
            ),
            view=post_view(pick.resource.id),
            allowed_mentions=discord.AllowedMentions.none(),
            nonce=delivery.nonce,
        )
    return message.id


async def find_post(client: discord.Client, delivery: Delivery) -> int | None:
    """The id of the bot's own post for the delivery's date among the channel's last
    `HISTORY_LIMIT` messages, or None; SendFailed when the channel cannot be read."""
    me = client.user.id if client.user is not None else None
    with _faults(delivery.channel_id):
        channel = await _channel(client, delivery.channel_id)
        async for message in channel.history(limit=HISTORY_LIMIT):
            if message.author.id != me:
                continue
            if message.nonce == delivery.nonce or any(
                is_post_for(embed, delivery.local_date) for embed in message.embeds
            ):
                return message.id
    return None
