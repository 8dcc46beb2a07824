"""The /paper command: a paper card with persistent Save / Mark read buttons."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, callback, formatting, replies
from bot.discord.buttons import resource_buttons
from bot.discord.errors import UserFacingError
from bot.discord.exts.paper._embeds import paper_embed, suggestions_text
from bot.discord.resources import inert
from bot.discord.views import InvokerView
from bot.service import CATALOG_SCOPE, PaperAnswer, PaperCard, Resource, nothing_on

EXAMPLE = "`/paper query: attention is all you need`"


def card_message(card: PaperCard) -> tuple[discord.Embed, discord.ui.View]:
    """The paper's embed and its buttons (persistent: they work after a restart)."""
    view = discord.ui.View(timeout=None)
    for button in resource_buttons(card.resource.id):
        view.add_item(button)
    return paper_embed(card.resource, card.summary, card.related), view


class SuggestionButton(discord.ui.Button["DidYouMeanView"]):
    def __init__(self, resource: Resource) -> None:
        super().__init__(
            label=formatting.button_label(resource.title), style=discord.ButtonStyle.secondary
        )
        self.resource = resource

    async def callback(self, interaction: discord.Interaction) -> None:
        service = access.service(interaction)
        with access.user_errors():
            card = await service.card(
                self.resource.id, user_id=interaction.user.id, guild_id=interaction.guild_id
            )
        embed, view = card_message(card)
        if self.view is not None:
            self.view.stop()
        await callback.response(interaction).edit_message(content=None, embed=embed, view=view)


class DidYouMeanView(InvokerView):
    def __init__(self, owner_id: int, suggestions: tuple[Resource, ...]) -> None:
        super().__init__(owner_id, command="paper")
        for resource in suggestions[:5]:
            self.add_item(SuggestionButton(resource))


class PaperCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="paper", description="Everything about one paper: summary, related.")
    @app_commands.describe(query="A paper's title (pick one) or a few words from it")
    async def paper(self, interaction: discord.Interaction, query: str) -> None:
        service = access.service(interaction)

        async def find() -> PaperAnswer:
            with access.user_errors(suggestion=f"For example {EXAMPLE}."):
                return await service.paper(
                    query, user_id=interaction.user.id, guild_id=interaction.guild_id
                )

        answer = await replies.in_time(interaction, find())
        if answer.card is not None:
            embed, view = card_message(answer.card)
            await replies.send(interaction, embed=embed, view=view)
            return
        if not answer.suggestions:
            shown = inert(formatting.truncate(" ".join(query.split()), 100))
            raise UserFacingError(
                f"I couldn't find a paper matching “{shown}”: {inert(nothing_on(query))}.",
                suggestion=f"{CATALOG_SCOPE} Start typing a title and pick it from the list, "
                "or try /recommend.",
            )
        await replies.send(
            interaction,
            suggestions_text(query),
            view=DidYouMeanView(interaction.user.id, answer.suggestions),
            ephemeral=True,
        )

    @paper.autocomplete("query")
    async def query_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        service = access.service(interaction)
        found = service.resource_choices(current, kind="paper", guild_id=interaction.guild_id)
        return access.choices(found)


__all__ = ["PaperCog"]
