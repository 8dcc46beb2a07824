"""Slash-command option types shared by features."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands


class ChannelOption(app_commands.Transformer):
    """A channel picker offering text channels; the id is checked again by the command (an
    old client or a crafted request can send any channel)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> int:
        return int(value.id)
