"""/read, /save, /readinglist (paginated) and /export (a file)."""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, callback, replies
from bot.discord.exts.reading._embeds import (
    EXPORT_FORMATS,
    export_filename,
    list_embed,
    page_count,
)
from bot.discord.resources import inert
from bot.discord.views import InvokerView
from bot.service import ReadingEntry

FORMAT_CHOICES = [app_commands.Choice(name=name, value=name) for name in EXPORT_FORMATS]
EMPTY_LIST = (
    "Your reading list is empty.\n"
    "-# Use /recommend to find something, then “Save for later” or /save."
)


class ListView(InvokerView):
    def __init__(self, owner_id: int, entries: list[ReadingEntry]) -> None:
        super().__init__(owner_id, command="readinglist")
        self.entries = entries
        self.page = 0
        self.sync_buttons()

    def sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= page_count(len(self.entries)) - 1

    async def turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(0, self.page + step), page_count(len(self.entries)) - 1)
        self.sync_buttons()
        await callback.response(interaction).edit_message(
            embed=list_embed(self.entries, self.page), view=self
        )

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self.turn(interaction, -1)

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self.turn(interaction, +1)


class ReadingCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def _mark(self, interaction: discord.Interaction, text: str, status: str) -> None:
        service = access.service(interaction)

        async def mark() -> str:
            with access.user_errors():
                result = await service.mark_text(
                    interaction.user.id, text, status, guild_id=interaction.guild_id
                )
            return inert(result.message)

        await replies.send(
            interaction, await replies.in_time(interaction, mark(), ephemeral=True), ephemeral=True
        )

    @app_commands.command(name="read", description="Mark a resource as read.")
    @app_commands.describe(resource="The resource you finished (pick one, or type a title)")
    async def read(self, interaction: discord.Interaction, resource: str) -> None:
        await self._mark(interaction, resource, "done")

    @app_commands.command(name="save", description="Save a resource for later.")
    @app_commands.describe(resource="The resource to save (pick one, or type a title)")
    async def save(self, interaction: discord.Interaction, resource: str) -> None:
        await self._mark(interaction, resource, "saved")

    @read.autocomplete("resource")
    @save.autocomplete("resource")
    async def resource_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        service = access.service(interaction)
        return access.choices(service.resource_choices(current, guild_id=interaction.guild_id))

    @app_commands.command(name="readinglist", description="The resources you saved or read.")
    async def readinglist(self, interaction: discord.Interaction) -> None:
        service = access.service(interaction)
        entries = await replies.in_time(
            interaction, service.reading_list(interaction.user.id), ephemeral=True
        )
        if not entries:
            await replies.send(interaction, EMPTY_LIST, ephemeral=True)
            return
        view = ListView(interaction.user.id, entries)
        await replies.send(interaction, embed=list_embed(entries, 0), view=view, ephemeral=True)

    @app_commands.command(name="export", description="Download your reading list as a file.")
    @app_commands.describe(format="markdown, bibtex, csv or json")
    @app_commands.choices(format=FORMAT_CHOICES)
    async def export(
        self, interaction: discord.Interaction, format: app_commands.Choice[str]
    ) -> None:
        service = access.service(interaction)

        async def exported() -> str | None:
            if not await service.reading_list(interaction.user.id):
                return None
            with access.user_errors():
                return await service.export(interaction.user.id, format.value)

        text = await replies.in_time(interaction, exported(), ephemeral=True)
        if text is None:
            await replies.send(interaction, EMPTY_LIST, ephemeral=True)
            return
        file = discord.File(
            io.BytesIO(text.encode("utf-8")), filename=export_filename(format.value)
        )
        await replies.send(
            interaction, f"Your reading list as {format.name}.", file=file, ephemeral=True
        )
