"""A polite answer to a click on a component nobody listens to any more.

Views live in memory: after a restart (or once a view is gone for any other reason) a click
on an old list's "More" reaches no callback, discord.py drops it silently, and the user sees
Discord's red "This interaction failed". Every non-persistent deepread component carries a
custom id `deepread:v:{command}:…` (see `views.InvokerView`), so such a click can be told
apart from other bots' or tests' components and answered: "this has expired, run /recommend
again".

Whether anything handled the click is decided at the moment discord.py dispatches it.
`ConnectionState.parse_interaction_create` first hands a component to the view store
(`dispatch_view`, which only schedules the callback as a task) and then, synchronously,
dispatches the `interaction` event. A listener running later as its own task would race the
view's callback (a view that `stop()`s itself unregisters its items before any I/O), so
`DeepreadBot.dispatch` asks `unhandled` synchronously, on that exact store state, and only
the answer is sent in a task. The store's tables are private to discord.py: when they cannot
be read, nothing is answered (discord.py's own behaviour).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord

log = logging.getLogger(__name__)

PREFIX = "deepread:v:"
_COMMAND = re.compile(r"deepread:v:([a-z0-9_-]{1,32}):")
COMPONENT = discord.InteractionType.component


def command_of(custom_id: str) -> str | None:
    """The slash command that made a view item, from its custom id (None: not ours, or no
    command recorded)."""
    match = _COMMAND.match(custom_id)
    if match is None or match[1] == "-":
        return None
    return match[1]


def expired_text(command: str | None) -> str:
    if command is None:
        return "These buttons have expired.\n-# Run the command again for fresh ones."
    noun = "list" if command in ("recommend", "readinglist") else "message"
    return f"This {noun} has expired.\n-# Run /{command} again for a fresh one."


def _custom_id(interaction: discord.Interaction[Any]) -> tuple[int, str] | None:
    data: Mapping[str, Any] = interaction.data or {}
    custom_id, kind = data.get("custom_id"), data.get("component_type")
    if not isinstance(custom_id, str) or not isinstance(kind, int):
        return None
    return kind, custom_id


def unhandled(client: discord.Client, interaction: discord.Interaction[Any]) -> bool:
    """Whether this is a click on one of our view items that no live view or dynamic item
    will answer. Call it synchronously from `dispatch` (see the module docstring)."""
    if interaction.type is not COMPONENT:
        return False
    key = _custom_id(interaction)
    if key is None or not key[1].startswith(PREFIX):
        return False
    store = getattr(getattr(client, "_connection", None), "_view_store", None)
    views = getattr(store, "_views", None)
    dynamic = getattr(store, "_dynamic_items", None)
    if not isinstance(views, dict) or not isinstance(dynamic, dict):
        return False  # discord.py changed: leave the click to it
    if any(isinstance(p, re.Pattern) and p.fullmatch(key[1]) for p in dynamic):
        return False
    message_id = interaction.message.id if interaction.message is not None else None
    for scope in (message_id, None):
        items = views.get(scope)
        if isinstance(items, dict) and key in items:
            return False
    return True


async def answer(interaction: discord.Interaction[Any]) -> None:
    """Tell the clicker, privately; never raises (the interaction may have been answered)."""
    key = _custom_id(interaction)
    command = command_of(key[1]) if key else None
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(expired_text(command), ephemeral=True)
    except discord.HTTPException:
        log.debug("could not answer the expired click %s", interaction.id, exc_info=True)
