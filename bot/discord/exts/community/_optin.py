"""The leaderboard's "Show me" / "Hide me" buttons: each member's own opt-in, off by default.

DynamicItems (`deepread:lb:on`, `deepread:lb:off`), so the buttons under any leaderboard,
public or old, act for whoever presses them, after restarts too.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.discord import access, errors, formatting, replies
from bot.discord.exts.community._embeds import opt_in_text

TEMPLATE = r"deepread:lb:(?P<choice>on|off)"
LABELS = {
    "on": ("Show me", discord.ButtonStyle.success),
    "off": ("Hide me", discord.ButtonStyle.secondary),
}


class OptInButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, choice: str) -> None:
        label, style = LABELS[choice]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=formatting.custom_id("lb", choice)
            )
        )
        self.shown = choice == "on"

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(match["choice"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            service = access.service(interaction)
            await replies.defer(interaction, ephemeral=True)
            with access.user_errors():
                shown = await service.set_leaderboard_opt_in(interaction.user.id, self.shown)
            await replies.send(interaction, opt_in_text(shown), ephemeral=True)
        except Exception as exc:
            await errors.report(interaction, exc, where=f"button {self.custom_id}")


def opt_in_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(OptInButton("on"))
    view.add_item(OptInButton("off"))
    return view
