"""The /forgetme command: an ephemeral confirmation, then the deletion."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, callback, replies
from bot.discord.views import InvokerView

QUESTION = (
    "This deletes **everything** deepread knows about you: your reading list, marks, ratings, "
    "preferences and the suggestions still waiting for review. Reading a server approved "
    "stays in its catalog, without your name. It cannot be undone."
)
CONFIRM_TIMEOUT_S = 60.0


def forgotten_text(entries_deleted: int, existed: bool, suggestions_deleted: int = 0) -> str:
    if not existed and not suggestions_deleted:
        return "Done — I had nothing stored about you."
    noun = "entry" if entries_deleted == 1 else "entries"
    parts = [f"{entries_deleted} reading-list {noun}"]
    if suggestions_deleted:
        what = "suggestion" if suggestions_deleted == 1 else "suggestions"
        parts.append(f"{suggestions_deleted} pending {what}")
    return f"Done — I deleted everything about you ({', '.join(parts)})."


class ForgetView(InvokerView):
    def __init__(self, owner_id: int) -> None:
        super().__init__(owner_id, timeout=CONFIRM_TIMEOUT_S, command="forgetme")

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        service = access.service(interaction)
        await callback.response(interaction).defer()
        result = await service.forget(interaction.user.id)
        self.stop()
        await interaction.edit_original_response(
            content=forgotten_text(
                result.entries_deleted, result.existed, result.suggestions_deleted
            ),
            view=None,
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        await callback.response(interaction).edit_message(
            content="Cancelled — nothing was deleted.", view=None
        )


class PrivacyCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="forgetme", description="Delete everything deepread knows about you."
    )
    async def forgetme(self, interaction: discord.Interaction) -> None:
        await replies.send(
            interaction, QUESTION, view=ForgetView(interaction.user.id), ephemeral=True
        )
