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

Forms (modals) likewise: one submitted after a restart or after its timeout reaches no form
(`modals.ReportingModal.takes`), and its answer gives back what was typed, so nothing typed
is lost to Discord's generic error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord

from bot.discord import callback, formatting, limits
from bot.discord.modals import ReportingModal
from bot.discord.resources import inert
from bot.discord.views import InvokerView

log = logging.getLogger(__name__)

PREFIX = "deepread:v:"
_COMMAND = re.compile(r"deepread:v:([a-z0-9_-]{1,32}):")
_FORM_COMMAND = re.compile(r"deepread:form:([a-z0-9_]{1,32})[a-z0-9_-]*:")
COMPONENT = discord.InteractionType.component
FORM = discord.InteractionType.modal_submit
TYPED_SHOWN = 600
"""How much of each typed field the answer to an expired form gives back."""


def command_of(custom_id: str) -> str | None:
    """The slash command that made a view item or a form, from its custom id (None: not
    ours, or no command recorded). A form's id is `deepread:form:{command}-{what}:…`."""
    match = _COMMAND.match(custom_id) or _FORM_COMMAND.match(custom_id)
    if match is None or match[1] == "-":
        return None
    return match[1]


def expired_text(command: str | None) -> str:
    if command is None:
        return "These buttons have expired.\n-# Run the command again for fresh ones."
    noun = "list" if command in ("recommend", "readinglist") else "message"
    return f"This {noun} has expired.\n-# Run /{command} again for a fresh one."


def typed_values(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field id, text) of each non-empty text input of a submitted form, in order."""
    found: list[tuple[str, str]] = []
    for row in data.get("components") or ():
        inner = row.get("components") if isinstance(row, Mapping) else None
        for field in inner if isinstance(inner, list) else [row.get("component", row)]:
            if not isinstance(field, Mapping):
                continue
            name, value = field.get("custom_id"), field.get("value")
            if isinstance(name, str) and isinstance(value, str) and value.strip():
                found.append((name, value))
    return found


def expired_form_text(command: str | None, typed: list[tuple[str, str]]) -> str:
    """The answer to a form nobody listens to: what happened, what to do, what was typed
    (inert: a form's text is anyone's text)."""
    again = f"Run /{command} again" if command else "Open the form again"
    lines = [
        "This form expired before it reached me (I restarted, or it stayed open too "
        "long), so nothing was saved.",
        f"-# {again}; here is what you typed, to paste back.",
    ]
    for name, value in typed:
        label = inert(name.replace("_", " ").replace("-", " ").capitalize())
        lines.append(f"**{label}:** {inert(formatting.truncate(value, TYPED_SHOWN))}")
    return formatting.truncate("\n".join(lines), limits.MESSAGE_CONTENT)


def clicked_id(interaction: discord.Interaction[Any]) -> str | None:
    """The custom id of the clicked component or submitted form (None: neither)."""
    if interaction.type is not COMPONENT and interaction.type is not FORM:
        return None
    data: Mapping[str, Any] = interaction.data or {}
    custom_id = data.get("custom_id")
    return custom_id if isinstance(custom_id, str) else None


def unhandled(interaction: discord.Interaction[Any]) -> bool:
    """Whether this is a click on one of our view items that no live view takes, or one of
    our forms that no open form takes."""
    custom_id = clicked_id(interaction)
    if custom_id is None:
        return False
    if interaction.type is FORM:
        return custom_id.startswith("deepread:") and not ReportingModal.takes(
            interaction, custom_id
        )
    if not custom_id.startswith(PREFIX):
        return False
    return not InvokerView.answers(interaction, custom_id)


async def answer(interaction: discord.Interaction[Any]) -> None:
    """Tell the clicker, privately; never raises (the interaction may have been answered)."""
    custom_id = clicked_id(interaction)
    command = command_of(custom_id) if custom_id else None
    if interaction.type is FORM:
        text = expired_form_text(command, typed_values(interaction.data or {}))
    else:
        text = expired_text(command)
    try:
        if not callback.responded(interaction):
            await callback.response(interaction).send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.debug("could not answer the expired click %s", interaction.id, exc_info=True)
