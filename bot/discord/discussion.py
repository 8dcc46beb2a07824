"""A public discussion thread on a post (daily reading, club announcement), with prompts.

A missing thread permission never costs the post: the post goes out without its thread and
the caller learns which permission was missing (names as Discord's UI shows them), which
`/daily status` and `/club status` then report.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import discord

from bot.discord import formatting, limits
from bot.discord.resources import inert

log = logging.getLogger(__name__)

THREAD_NEEDED = (
    ("create_public_threads", "Create Public Threads"),
    ("send_messages_in_threads", "Send Messages in Threads"),
)
"""What the bot needs in a channel to open a discussion thread there and post its prompts."""

ARCHIVE_MINUTES: Final = 10080
"""A week without messages before Discord hides the thread: a club reads for a week."""


@dataclass(frozen=True, slots=True)
class Opened:
    """The thread opened (None when none could be), and the permissions it lacked."""

    thread_id: int | None
    missing: tuple[str, ...] = ()


def missing_thread_permissions(permissions: discord.Permissions) -> tuple[str, ...]:
    return tuple(label for attr, label in THREAD_NEEDED if not getattr(permissions, attr))


def thread_missing_in(channel: object) -> tuple[str, ...]:
    """What the bot lacks to open threads in `channel` (a text channel of a cached guild);
    nothing for a channel it cannot judge."""
    if not isinstance(channel, discord.TextChannel):
        return ()
    return missing_thread_permissions(channel.permissions_for(channel.guild.me))


def prompts_text(prompts: Sequence[str]) -> str:
    """The thread's first message: the prompts as a numbered list, inert."""
    lines = [f"{i}. {inert(formatting.truncate(p, 400))}" for i, p in enumerate(prompts, 1)]
    footer = "-# Reply here: this thread is for this reading."
    text = "\n".join(["**Let's discuss**", *lines, footer])
    return formatting.truncate(text, limits.MESSAGE_CONTENT)


async def open_discussion(message: discord.Message, name: str, prompts: Sequence[str]) -> Opened:
    """Open a public thread named `name` on `message` and post `prompts` in it.

    A message that already has a thread (an earlier attempt got this far) keeps it. Discord
    refusing for permissions gives `missing`; any other failure is logged and gives no
    thread, since the post itself is out and must not be sent again.
    """
    existing = message.thread
    if existing is not None:
        return Opened(existing.id)
    missing = thread_missing_in(message.channel)
    if missing:
        return Opened(None, missing)
    title = formatting.truncate(" ".join(name.split()) or "Discussion", limits.THREAD_NAME)
    try:
        thread = await message.create_thread(name=title, auto_archive_duration=ARCHIVE_MINUTES)
    except discord.Forbidden:
        return Opened(None, ("Create Public Threads",))
    except (discord.HTTPException, OSError, TimeoutError) as exc:
        log.warning("could not open a thread on message %s: %s", message.id, exc)
        return Opened(None)
    if not prompts:
        return Opened(thread.id)
    try:
        await thread.send(prompts_text(prompts), allowed_mentions=discord.AllowedMentions.none())
    except discord.Forbidden:
        return Opened(thread.id, ("Send Messages in Threads",))
    except (discord.HTTPException, OSError, TimeoutError) as exc:
        log.warning("could not post the prompts in thread %s: %s", thread.id, exc)
    return Opened(thread.id)


def threads_line(missing: Sequence[str], channel_id: int | None) -> str:
    """The status line about discussion threads in the post channel."""
    if not missing or channel_id is None:
        return "**Discussion threads:** on (a thread with prompts under each post)"
    return (
        f"**Discussion threads:** off: I lack **{', '.join(missing)}** in <#{channel_id}>, "
        "so posts go out without a thread. Grant it in the channel settings to turn them on."
    )
