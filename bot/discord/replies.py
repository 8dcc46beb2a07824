"""The one way features answer an interaction: clipped to Discord's limits, on time.

`send` picks the initial response or a followup depending on whether the interaction was
already acknowledged, so a command can `defer` first when its work may take more than the
3-second deadline and reply with the same call either way.
"""

from __future__ import annotations

import contextlib
from typing import Any

import discord

from bot.discord import limits
from bot.discord.formatting import fit_content, fit_embed
from bot.discord.views import InvokerView


async def defer(interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
    """Acknowledge now ("thinking…"); the answer comes later through `send`."""
    if not interaction.response.is_done():
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)


async def send(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
    file: discord.File | None = None,
) -> discord.Message | None:
    """Reply and return the sent message (so a view can edit it later), within every limit."""
    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if content is not None:
        kwargs["content"] = fit_content(content)
    if embed is not None:
        kwargs["embed"] = fit_embed(embed, limits.EMBED_TOTAL)
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    message: discord.Message | None
    if interaction.response.is_done():
        message = await interaction.followup.send(wait=True, **kwargs)
    else:
        callback = await interaction.response.send_message(**kwargs)
        resource = callback.resource
        message = resource if isinstance(resource, discord.InteractionMessage) else None
    if isinstance(view, InvokerView):
        view.message = message
        view.client = interaction.client
    return message


async def withdraw(interaction: discord.Interaction) -> None:
    """Delete a public "thinking…" placeholder, so what follows (an error, a hint) can be
    sent ephemerally: a command may defer publicly before it knows whether it has an answer."""
    if interaction.response.is_done():
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()
