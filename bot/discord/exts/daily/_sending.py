"""The Discord half of a daily post: resolve the channel, check it, send, look for a post
already sent, translate failures.

Every way a send (or a look) can fail is turned into `SendFailed` with a `Fault`, so the
runner decides what happens to the schedule without knowing discord.py's exception tree.
"""

from __future__ import annotations

import discord

from bot.discord.buttons import resource_buttons
from bot.discord.discussion import open_discussion
from bot.discord.exts.daily._embeds import is_post_for, post_embed, why_text
from bot.discord.feedback import feedback_buttons
from bot.discord.sending import faults, text_channel
from bot.service import Discussion
from bot.service.daily_runner import Delivery, Pick

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
    """Mark read / Save for later, Useful / Not for us: DynamicItems, so they answer after a
    restart, for anyone."""
    view = discord.ui.View(timeout=None)
    for button in [*resource_buttons(resource_id), *feedback_buttons(resource_id, "daily")]:
        view.add_item(button)
    return view


async def send_post(
    client: discord.Client, delivery: Delivery, pick: Pick, talk: Discussion | None = None
) -> int:
    """Send the post with the delivery's nonce; the message id, or SendFailed. Then open
    its discussion thread with `talk`'s prompts, when given and allowed (a missing thread
    permission leaves the post without a thread; `/daily status` says why).

    discord.py sends a given nonce with `enforce_nonce`, so a repeat within a few minutes
    (discord.py's own retry after a 5xx, or the next tick after a lost answer) gets the
    message Discord already made instead of a second one.
    """
    with faults(delivery.channel_id):
        channel = await text_channel(client, delivery.channel_id)
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
    if talk is not None:
        await open_discussion(message, talk.thread_name, talk.prompts)
    return message.id


async def find_post(
    client: discord.Client, delivery: Delivery, talk: Discussion | None = None
) -> int | None:
    """The id of the bot's own post for the delivery's date among the channel's last
    `HISTORY_LIMIT` messages, or None; SendFailed when the channel cannot be read.

    A post found again was sent by an attempt that died or never heard back, maybe before
    it opened the discussion thread: it is opened now with `talk`'s prompts (a post that
    has its thread keeps it), as `send_post` would have.
    """
    me = client.user.id if client.user is not None else None
    found: discord.Message | None = None
    with faults(delivery.channel_id):
        channel = await text_channel(client, delivery.channel_id)
        async for message in channel.history(limit=HISTORY_LIMIT):
            if message.author.id != me:
                continue
            if message.nonce == delivery.nonce or any(
                is_post_for(embed, delivery.local_date) for embed in message.embeds
            ):
                found = message
                break
    if found is None:
        return None
    if talk is not None:
        await open_discussion(found, talk.thread_name, talk.prompts)
    return found.id
