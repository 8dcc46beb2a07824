"""What a user sees when something fails, and what the log keeps.

Two kinds of failure: a `UserFacingError` is the user's to fix (bad input, nothing found) and
gets a friendly ephemeral message with a suggestion; anything else is ours, and the user gets a
short apology with an error id while the log gets the traceback under the same id, so a report
in chat can be matched to the log. Both are always ephemeral, even after a public defer (the
public "thinking…" placeholder is replaced by a neutral line, the private message sent, then
the line deleted: at every moment the user sees something, even when Discord keeps failing).
Reporting never raises: a broken command must not take the bot down or leave an interaction
unanswered.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands

from bot.discord import callback
from bot.discord.instrument import mark_outcome

log = logging.getLogger(__name__)


class UserFacingError(Exception):
    """A failure the user can act on; `message` and `suggestion` are shown as they are."""

    def __init__(self, message: str, *, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


class Restarting(app_commands.CheckFailure):
    """A command arrived while the bot shuts down (SIGTERM): it is turned away politely."""


RESTARTING_TEXT = "I'm restarting; try again in a minute."


def new_error_id() -> str:
    return secrets.token_hex(4)


def unwrap(error: BaseException) -> BaseException:
    """The exception a command raised, out of discord.py's wrappers."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(
        error.__cause__, UserFacingError
    ):
        return error.__cause__
    return error


def describe(error: BaseException) -> tuple[str, str | None]:
    """(message for the user, error id if it is our fault) — the pure half of `report`."""
    original = unwrap(error)
    if isinstance(original, UserFacingError):
        text = original.message
        if original.suggestion:
            text += f"\n-# {original.suggestion}"
        return text, None
    if isinstance(error, Restarting):
        return RESTARTING_TEXT, None
    if isinstance(error, app_commands.CommandNotFound):
        return "I don't know that command any more.\n-# Try `/help` to see what I can do.", None
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s.", None
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand `{error.value}` for that option.", None
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here.", None
    error_id = new_error_id()
    return (
        f"Sorry, something went wrong on my side (error id `{error_id}`).\n"
        "-# Please try again; if it keeps happening, tell the server admins this id.",
        error_id,
    )


async def report(
    interaction: discord.Interaction, error: BaseException, *, where: str = ""
) -> None:
    """Tell the user (ephemeral) and log; swallows every failure of its own."""
    text, error_id = describe(error)
    original = unwrap(error)
    outcome = "refused" if isinstance(error, Restarting) else "user_error"
    mark_outcome(interaction, outcome if error_id is None else "failure")
    if error_id is not None:
        log.error(
            "error %s in %s (user %s, interaction %s)",
            error_id,
            where or _where(interaction),
            interaction.user.id if interaction.user else "?",
            interaction.id,
            exc_info=(type(original), original, original.__traceback__),
        )
    else:
        log.info("user-facing error in %s: %s", where or _where(interaction), text.splitlines()[0])
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            if not callback.responded(interaction):
                await callback.response(interaction).autocomplete([])
            return
        if not callback.responded(interaction):
            await callback.response(interaction).send_message(text, ephemeral=True)
            return
        placeholder = await _neutralise_public_placeholder(interaction)
        await interaction.followup.send(text, ephemeral=True)
        if placeholder is not None:
            await placeholder.delete()
    except Exception:
        log.warning("could not report error %s to the user", error_id or "-", exc_info=True)


PLACEHOLDER_STAND_IN = "This didn't work out; I've told you privately what happened."
"""What a public "thinking…" placeholder shows while the private apology is being sent."""


async def _neutralise_public_placeholder(
    interaction: discord.Interaction,
) -> discord.InteractionMessage | None:
    """Turn a public "thinking…" message into a neutral line before the apology is sent; the
    line, to delete once the apology is out (None when there was no such placeholder).

    After a public defer, Discord turns the first followup into that placeholder and ignores
    its ephemeral flag: the error (and its id) would be shown to the whole channel. So the
    placeholder is first edited into a line that says nothing private; the apology then
    arrives as a new, private message, and the line is deleted, leaving the channel as if the
    command had never been run. Each step happens only after the one before it worked: when
    Discord fails throughout, the placeholder stays (and Discord eventually says the
    application did not respond) rather than vanishing with nothing in its place. Only a
    still-loading public placeholder is touched: a real answer already sent stays.
    """
    if (
        callback.response(interaction).type
        is not discord.InteractionResponseType.deferred_channel_message
    ):
        return None
    original = await interaction.original_response()
    if not original.flags.loading or original.flags.ephemeral:
        return None
    return await original.edit(content=PLACEHOLDER_STAND_IN)


def _where(interaction: discord.Interaction) -> str:
    command = interaction.command
    if command is not None:
        return f"/{command.qualified_name}"
    data: Mapping[str, Any] = interaction.data or {}
    return str(data.get("custom_id") or data.get("name") or interaction.type.name)


class DeepreadTree(app_commands.CommandTree[discord.Client]):
    """The command tree whose errors go to `report` instead of discord.py's stderr print,
    and which turns new commands away while the bot shuts down."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if getattr(interaction.client, "draining", False):
            raise Restarting(RESTARTING_TEXT)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report(interaction, error)
