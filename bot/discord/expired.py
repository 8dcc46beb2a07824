"""A polite answer to a click on a component nobody listens to any more.

Views live in memory: after a restart (or once a view is gone for any other reason) a click
on an old list's "More" reaches no callback, discord.py drops it silently, and the user sees
Discord's red "This interaction failed". Every non-persistent deepread component carries a
custom id `deepread:v:{command}:…` (see `views.InvokerView`), so such a click can be told
apart from other bots' or tests' components and answered: "this has expired, run /recommend
again".

Only public discord.py is used: the bot's `on_interaction` event (dispatched for every
interaction, after discord.py has offered a component click to the live views and dynamic
items) asks `unhandled`, which asks `InvokerView.answers` whether one of our views takes the
click. Persistent buttons (`buttons.ResourceButton`, `deepread:mark:…`) are dynamic items whose
ids never start with `deepread:v:`, so they are never judged here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord

from bot.discord.views import InvokerView

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


def clicked_id(interaction: discord.Interaction[Any]) -> str | None:
    """The custom id of the clicked component (None: not a component click)."""
    if interaction.type is not COMPONENT:
        return None
    data: Mapping[str, Any] = interaction.data or {}
    custom_id = data.get("custom_id")
    return custom_id if isinstance(custom_id, str) else None


def unhandled(interaction: discord.Interaction[Any]) -> bool:
    """Whether this is a click on one of our view items that no live view takes."""
    custom_id = clicked_id(interaction)
    if custom_id is None or not custom_id.startswith(PREFIX):
        return False
    return not InvokerView.answers(interaction, custom_id)


async def answer(interaction: discord.Interaction[Any]) -> None:
    """Tell the clicker, privately; never raises (the interaction may have been answered)."""
    custom_id = clicked_id(interaction)
    command = command_of(custom_id) if custom_id else None
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(expired_text(command), ephemeral=True)
    except discord.HTTPException:
        log.debug("could not answer the expired click %s", interaction.id, exc_info=True)
