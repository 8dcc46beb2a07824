"""The Discord half of a daily post: resolve the channel, check it, send, translate failures.

Every way a send can fail is turned into `SendFailed` with a `Fault`, so the runner decides
what happens to the schedule without knowing discord.py's exception tree.
"""

from __future__ import annotations

import aiohttp
import discord

from bot.discord.buttons import resource_buttons
from bot.discord.exts.daily._embeds import post_embed, why_text
from bot.service.daily_planning import Fault, classify_status, permanent_reason
from bot.service.daily_runner import Pick, SendFailed

NEEDED = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)
"""What the bot needs in the daily channel, as (attribute, name shown in Discord's UI)."""


def missing_permissions(permissions: discord.Permissions) -> list[str]:
    return [label for attr, label in NEEDED if not getattr(permissions, attr)]


def post_view(resource_id: str) -> discord.ui.View:
    """Mark read / Save for later: DynamicItems, so they answer after a restart, for anyone."""
    view = discord.ui.View(timeout=None)
    for button in resource_buttons(resource_id):
        view.add_item(button)
    return view


async def send_post(client: discord.Client, channel_id: int, pick: Pick) -> int:
    """Send the post; the message id, or SendFailed (403/404 permanent, the rest transient)."""
    try:
        channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise SendFailed(Fault.PERMANENT, f"<#{channel_id}> is not a text channel any more.")
        message = await channel.send(
            embed=post_embed(
                pick.resource, pick.summary, why_text(pick.topic, pick.level), pick.readers
            ),
            view=post_view(pick.resource.id),
            allowed_mentions=discord.AllowedMentions.none(),
        )
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
    return message.id
