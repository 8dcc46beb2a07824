"""The one way features answer an interaction: clipped to Discord's limits, on time.

`send` picks the initial response or a followup depending on whether the interaction was
already acknowledged. `in_time` runs a command's work and acknowledges ("thinking…") only if
the work outlasts the answer budget: a quick answer then goes out in the interaction callback
itself, so what a member waits for is one round trip, not a placeholder and a second one.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

from bot.discord import callback, limits
from bot.discord.formatting import fit_content, fit_embed
from bot.discord.views import InvokerView, ListeningView

T = TypeVar("T")


def _budget_left(interaction: discord.Interaction) -> float:
    budget = getattr(interaction.client, "answer_budget_s", limits.ANSWER_BUDGET_S)
    age = time.time() - callback.created_s(interaction.id)
    # A clock behind Discord's gives a negative age: never wait longer than the budget.
    return float(budget) - max(0.0, age)


async def in_time(
    interaction: discord.Interaction,
    work: Awaitable[T],
    *,
    ephemeral: bool = False,
    update: bool = False,
) -> T:
    """`work`'s result; if it is not ready within the answer budget, acknowledge first
    (publicly or privately, as the answer will be; for a component with `update`, as an edit
    of its own message), so the 3-second deadline is always met.

    A timer rather than a task and `asyncio.wait`: nearly every answer is ready long before
    the budget, and then this costs one timer handle. The acknowledgement, once started, is
    awaited before returning (or raising), so the answer never overtakes it."""
    deferring: asyncio.Future[None] | None = None

    def too_slow() -> None:
        nonlocal deferring
        deferring = asyncio.ensure_future(_acknowledge(interaction, ephemeral, update))

    left = _budget_left(interaction)
    timer = asyncio.get_running_loop().call_later(left, too_slow) if left > 0 else None
    if timer is None:
        too_slow()
    try:
        result = await work
    except BaseException:
        if timer is not None:
            timer.cancel()
        if deferring is not None:
            with contextlib.suppress(Exception):  # the work's own failure is what to report
                await deferring
        raise
    if timer is not None:
        timer.cancel()
    if deferring is not None:
        await deferring
    return result


async def _acknowledge(interaction: discord.Interaction, ephemeral: bool, update: bool) -> None:
    if update:
        if not callback.responded(interaction):
            await callback.response(interaction).defer()
    else:
        await defer(interaction, ephemeral=ephemeral)


async def defer(interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
    """Acknowledge now ("thinking…"); the answer comes later through `send`."""
    if not callback.responded(interaction):
        await callback.response(interaction).defer(thinking=True, ephemeral=ephemeral)


async def update(
    interaction: discord.Interaction,
    *,
    content: str | None = None,
    embed: callback.AnyEmbed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Edit the message a component sits on: in the callback when the interaction is not yet
    acknowledged, else through the original response. `content` (when given) replaces the
    message's text, so a click is answered in the one edit, not an edit and a followup."""
    sender = _ready_made(interaction, view) if view is not None else None
    if sender is not None:
        if isinstance(view, ListeningView):
            view.listen(interaction)  # its items may have changed: dispatch the new ones
        if not callback.responded(interaction):
            body = callback.message_body(
                callback.UPDATE_MESSAGE, content=content, embed=embed, view=view
            )
            await sender.post(interaction, body, callback.UPDATE_MESSAGE)
        else:
            data = callback.message_data(content=content, embed=embed, view=view)
            await sender.edit_original(interaction.application_id, interaction.token, data)
        return
    kwargs: dict[str, Any] = {"view": view}
    if content is not None:
        kwargs["content"] = fit_content(content)
    if embed is not None:
        kwargs["embed"] = _fitted(embed)
    if callback.responded(interaction):
        await interaction.edit_original_response(**kwargs)
    else:
        await callback.response(interaction).edit_message(**kwargs)
    if isinstance(view, ListeningView):
        view.restart_clock()


async def send(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: callback.AnyEmbed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
    file: discord.File | None = None,
) -> discord.Message | None:
    """Reply and return the sent message (so a view can edit it later), within every limit.

    An answer in the callback whose view needs nothing from discord.py (none, persistent
    buttons, or a ListeningView) goes out as one ready-made POST (see `callback`), and then
    there is no message to return (None)."""
    sender = _ready_made(interaction, view)
    if sender is not None and file is None and not callback.responded(interaction):
        body = callback.message_body(
            callback.CHANNEL_MESSAGE, content=content, embed=embed, view=view, ephemeral=ephemeral
        )
        if isinstance(view, ListeningView):
            view.listen(interaction)
        try:
            await sender.post(interaction, body, callback.CHANNEL_MESSAGE)
        except BaseException:
            if isinstance(view, ListeningView):
                view.stop()  # nobody will see it: stop listening for it
            raise
        return None
    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if content is not None:
        kwargs["content"] = fit_content(content)
    if embed is not None:
        kwargs["embed"] = _fitted(embed)
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    message: discord.Message | None
    if callback.responded(interaction):
        message = await interaction.followup.send(wait=True, **kwargs)
    else:
        sent = await callback.response(interaction).send_message(**kwargs)
        resource = sent.resource
        message = resource if isinstance(resource, discord.InteractionMessage) else None
    if isinstance(view, InvokerView):
        view.message = message
        view.client = interaction.client
    if isinstance(view, ListeningView):
        view.restart_clock()  # stored by discord.py under its message; expires on our clock
    return message


def _fitted(embed: callback.AnyEmbed) -> discord.Embed:
    """The embed within Discord's limits, as discord.py takes it (an encoded one is fitted)."""
    if isinstance(embed, callback.EncodedEmbed):
        return embed.embed()
    return fit_embed(embed, limits.EMBED_TOTAL)


def _ready_made(
    interaction: discord.Interaction, view: discord.ui.View | None
) -> callback.CallbackSender | None:
    """The client's sender, if this answer can go out as a ready-made request: its view keeps
    nothing in the process (persistent dynamic buttons) or is found by its custom ids alone
    (a ListeningView)."""
    sender = getattr(interaction.client, "callbacks", None)
    if not isinstance(sender, callback.CallbackSender):
        return None
    if callback.stateless(view) or (isinstance(view, ListeningView) and callback.sendable(view)):
        return sender
    return None
