"""Who may manage a server's catalog: members with Manage Server, checked on every use.

The /catalog group is hidden from other members (default_permissions), but server admins can
override who sees a command, and permissions change while a card is open; so every command,
control and form asks again.
"""

from __future__ import annotations

import discord

from bot.discord.errors import UserFacingError
from bot.discord.exts.catalog import _embeds


def require_moderator(interaction: discord.Interaction) -> int:
    """The server's id, when the member may manage its catalog (checked on every use: server
    admins can override who sees a command, and permissions change)."""
    if interaction.guild_id is None:
        raise UserFacingError("Each server has its own catalog: use this in a server.")
    if not interaction.permissions.manage_guild:
        raise UserFacingError(_embeds.MODERATORS_ONLY, suggestion=_embeds.MODERATORS_HINT)
    return interaction.guild_id
