"""Persistent resource buttons ("Mark read", "Save") that keep working after a restart.

A `View` lives in memory and dies with the process; these buttons carry everything they need in
their custom_id (`deepread:mark:{resource_id}`), and discord.py's DynamicItem rebuilds them from
any old message whose button is pressed. The action itself is injected (`Services.
resource_actions`), so this module knows nothing about storage.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.discord import errors, formatting, replies
from bot.service import ID_PATTERN

ACTIONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "mark": ("Mark read", discord.ButtonStyle.success),
    "save": ("Save for later", discord.ButtonStyle.secondary),
}
_ID = ID_PATTERN.pattern.removeprefix("^").removesuffix("$")
TEMPLATE = rf"deepread:(?P<action>{'|'.join(ACTIONS)}):(?P<resource_id>{_ID})"


class ResourceButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, action: str, resource_id: str, *, label: str | None = None) -> None:
        default_label, style = ACTIONS[action]
        super().__init__(
            discord.ui.Button(
                label=formatting.button_label(label or default_label),
                style=style,
                custom_id=formatting.custom_id(action, resource_id),
            )
        )
        self.action = action
        self.resource_id = resource_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["action"], match["resource_id"], label=label)

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs exceptions from dynamic items, so report them ourselves.
        try:
            services = getattr(interaction.client, "services", None)
            handler = services.resource_actions.get(self.action) if services else None
            if handler is None:
                raise errors.UserFacingError(
                    "That button isn't available right now.",
                    suggestion="Try again later, or use the matching slash command.",
                )
            # The handler writes to the database: acknowledge first (the 3 s deadline).
            await replies.defer(interaction, ephemeral=True)
            text = await handler(interaction.user.id, self.resource_id)
            await replies.send(interaction, text, ephemeral=True)
        except Exception as exc:
            await errors.report(interaction, exc, where=f"button {self.custom_id}")


def resource_buttons(resource_id: str) -> list[ResourceButton]:
    """The buttons to put under a recommended resource, in display order."""
    return [ResourceButton(action, resource_id) for action in ACTIONS]
