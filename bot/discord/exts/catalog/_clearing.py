"""/catalog clear: a server deletes its whole catalog at once, after a confirmation.

What the purge does after the bot leaves a server, on a moderator's request: every addition
and every suggestion of the server goes. Members keep what they marked in their own lists.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord import access, callback, replies
from bot.discord.exts.catalog._moderator import require_moderator
from bot.discord.views import InvokerView
from bot.service import CatalogCleared

QUESTION = (
    "This deletes **every** resource this server added to its catalog and every suggestion, "
    "pending or decided. Members keep what they saved or read in their own lists. "
    "It cannot be undone."
)
CONFIRM_TIMEOUT_S = 60.0


def cleared_text(cleared: CatalogCleared) -> str:
    if not cleared.resources and not cleared.suggestions:
        return "Done — this server's catalog was already empty."
    things = "addition" if cleared.resources == 1 else "additions"
    asks = "suggestion" if cleared.suggestions == 1 else "suggestions"
    return (
        f"Done — I deleted this server's catalog ({cleared.resources} {things}, "
        f"{cleared.suggestions} {asks})."
    )


class ClearView(InvokerView):
    def __init__(self, owner_id: int, guild_id: int) -> None:
        super().__init__(owner_id, timeout=CONFIRM_TIMEOUT_S, command="catalog")
        self.guild_id = guild_id

    @discord.ui.button(label="Delete the whole catalog", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        require_moderator(interaction)
        service = access.service(interaction)
        cleared = await replies.in_time(
            interaction, service.clear_server_catalog(self.guild_id), update=True
        )
        self.stop()
        if callback.responded(interaction):
            await interaction.edit_original_response(content=cleared_text(cleared), view=None)
        else:
            await callback.response(interaction).edit_message(
                content=cleared_text(cleared), view=None
            )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        await callback.response(interaction).edit_message(
            content="Cancelled — nothing was deleted.", view=None
        )
