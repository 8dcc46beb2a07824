"""/catalog list: the server's additions, ten to a page, with ◀ ▶; and the choices /catalog
remove offers among them."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord import access, replies
from bot.discord.exts.catalog._embeds import additions_embed
from bot.discord.views import InvokerView
from bot.service.catalog_answers import AdditionsPage

PAGE_SIZE = 10


async def load(interaction: discord.Interaction, guild_id: int, offset: int) -> AdditionsPage:
    service = access.service(interaction)
    return await service.server_additions(guild_id, offset=offset, limit=PAGE_SIZE)


class AdditionsView(InvokerView):
    def __init__(self, owner_id: int, guild_id: int, page: AdditionsPage) -> None:
        super().__init__(owner_id, command="catalog")
        self.guild_id = guild_id
        self.page = page
        self.sync_buttons()

    def embed(self) -> discord.Embed:
        return additions_embed(self.page, PAGE_SIZE)

    def sync_buttons(self) -> None:
        self.back.disabled = self.page.offset == 0
        self.forward.disabled = self.page.next_offset is None

    async def turn(self, interaction: discord.Interaction, offset: int) -> None:
        page = await replies.in_time(
            interaction, load(interaction, self.guild_id, max(0, offset)), update=True
        )
        if page.resources or page.total == 0:
            self.page = page
        self.sync_buttons()
        await replies.update(interaction, embed=self.embed(), view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def back(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self.turn(interaction, self.page.offset - PAGE_SIZE)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def forward(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self.turn(interaction, self.page.offset + PAGE_SIZE)
