"""/catalog add: straight into the server's catalog, typed by hand when fetching fails.

A modal can only be the first answer to an interaction. When the link fails quickly (or no
link was given) the form opens at once; when the fetch took long enough that the bot already
showed "thinking…", the moderator gets a button that opens the same form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.discord import access, callback, formatting, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.catalog._details_form import DetailsFields
from bot.discord.exts.catalog._embeds import added_embed
from bot.discord.exts.catalog._moderator import require_moderator
from bot.discord.views import InvokerView
from bot.service.catalog_answers import AddOutcome, DetailsNeeded

FORM_TIMEOUT_S = 600.0


@dataclass(frozen=True, slots=True)
class AddRequest:
    """What the moderator asked for in /catalog add, carried into the form."""

    guild_id: int
    link: str
    level: str | None
    topics: tuple[str, ...]


async def add(
    interaction: discord.Interaction,
    request: AddRequest,
    **typed: Any,
) -> AddOutcome | DetailsNeeded:
    """Ask the service to add the link (or the typed details); a fetch failure without
    typed details comes back as `DetailsNeeded` for the caller to open the form."""
    service = access.service(interaction)
    with access.user_errors():
        try:
            return await service.add_to_catalog(
                request.guild_id,
                interaction.user.id,
                request.link or None,
                level=request.level,
                topics=request.topics,
                **typed,
            )
        except DetailsNeeded as needed:
            return needed


async def show_outcome(interaction: discord.Interaction, outcome: AddOutcome) -> None:
    lines = [access.sentence(outcome.message)]
    if outcome.problem:
        lines.append(
            f"-# The link's details could not be fetched ({access.sentence(outcome.problem)})"
        )
    await replies.send(
        interaction, "\n".join(lines), embed=added_embed(outcome.resource), ephemeral=True
    )


def needed_text(needed: DetailsNeeded) -> str:
    problem = access.sentence(needed.problem) if needed.problem else "It could not be fetched."
    return f"I couldn't fetch that link's details: {problem}\nType them yourself to add it."


class DetailsModal(DetailsFields):
    """Title, authors, year, description and link, typed or corrected by the moderator."""

    link: discord.ui.TextInput[DetailsModal] = discord.ui.TextInput(
        label="Link (http or https, optional)",
        custom_id="link",
        required=False,
        max_length=2000,
    )

    def __init__(self, request: AddRequest, *, custom_id: str, problem: str = "") -> None:
        super().__init__(
            title="Add to this server's catalog", timeout=FORM_TIMEOUT_S, custom_id=custom_id
        )
        self.request = request
        if request.link:
            self.link.default = formatting.truncate(request.link, 2000)
        self.say_not_fetched(problem)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        link = " ".join(str(self.link.value or "").split())
        request = AddRequest(self.request.guild_id, link, self.request.level, self.request.topics)
        found = await replies.in_time(
            interaction, add(interaction, request, **self.typed()), ephemeral=True
        )
        if isinstance(found, DetailsNeeded):  # the service still lacks something it needs
            raise UserFacingError(access.sentence(str(found)), suggestion="Nothing was added.")
        await show_outcome(interaction, found)


def form_id(interaction: discord.Interaction) -> str:
    return formatting.custom_id("form", "catalog-add", str(interaction.id))


class TypeDetailsView(InvokerView):
    """One button that opens the form (after a slow fetch the form cannot open by itself)."""

    def __init__(self, owner_id: int, request: AddRequest) -> None:
        super().__init__(owner_id, timeout=FORM_TIMEOUT_S, command="catalog")
        self.request = request

    @discord.ui.button(label="Type the details…", style=discord.ButtonStyle.primary)
    async def open_form(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        require_moderator(interaction)
        await DetailsModal(self.request, custom_id=form_id(interaction)).open_form(interaction)


async def add_from_command(
    interaction: discord.Interaction,
    link: str | None,
    level: str | None,
    topics: Sequence[str],
) -> None:
    """The body of /catalog add: add, or open (or offer) the form."""
    guild_id = require_moderator(interaction)
    request = AddRequest(guild_id, " ".join((link or "").split()), level, tuple(topics))
    if not request.link:
        await DetailsModal(request, custom_id=form_id(interaction)).open_form(interaction)
        return
    found = await replies.in_time(interaction, add(interaction, request), ephemeral=True)
    if isinstance(found, AddOutcome):
        await show_outcome(interaction, found)
        return
    request = AddRequest(guild_id, found.link or request.link, level, tuple(topics))
    if not callback.responded(interaction):
        form = DetailsModal(request, custom_id=form_id(interaction), problem=found.problem)
        await form.open_form(interaction)
        return
    view = TypeDetailsView(interaction.user.id, request)
    await replies.send(interaction, needed_text(found), view=view, ephemeral=True)
