"""The /paper command: a paper card with persistent Save / Mark read buttons."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, formatting, replies
from bot.discord.buttons import resource_buttons
from bot.discord.errors import UserFacingError
from bot.discord.exts.paper._embeds import paper_embed, suggestions_text
from bot.discord.lookups import resource_choices
from bot.discord.resources import inert
from bot.discord.views import InvokerView
from recommender.engine import Engine
from recommender.resource import Resource

EXAMPLE = "`/paper query: attention is all you need`"


def card(engine: Engine, resource: Resource) -> tuple[discord.Embed, discord.ui.View]:
    """The paper's embed and its buttons (persistent: they work after a restart)."""
    related = [r.resource for r in engine.similar(resource.id, k=3)]
    view = discord.ui.View(timeout=None)
    for button in resource_buttons(resource.id):
        view.add_item(button)
    return paper_embed(resource, engine.summary(resource), related), view


class SuggestionButton(discord.ui.Button["DidYouMeanView"]):
    def __init__(self, resource: Resource) -> None:
        super().__init__(
            label=formatting.button_label(resource.title), style=discord.ButtonStyle.secondary
        )
        self.resource = resource

    async def callback(self, interaction: discord.Interaction) -> None:
        embed, view = card(access.engine(interaction), self.resource)
        if self.view is not None:
            self.view.stop()
        await interaction.response.edit_message(content=None, embed=embed, view=view)


class DidYouMeanView(InvokerView):
    def __init__(self, owner_id: int, suggestions: tuple[Resource, ...]) -> None:
        super().__init__(owner_id)
        for resource in suggestions[:5]:
            self.add_item(SuggestionButton(resource))


class PaperCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="paper", description="Everything about one paper: summary, related.")
    @app_commands.describe(query="A paper's title (pick one) or a few words from it")
    async def paper(self, interaction: discord.Interaction, query: str) -> None:
        engine = access.engine(interaction)
        picked = access.catalog(interaction).by_id(query.strip())
        if picked is not None:
            embed, view = card(engine, picked)
            await replies.send(interaction, embed=embed, view=view)
            return
        answer = engine.paper(access.query_text(query, example=EXAMPLE))
        if answer.match is not None:
            embed, view = card(engine, answer.match.resource)
            await replies.send(interaction, embed=embed, view=view)
            return
        if not answer.suggestions:
            shown = inert(formatting.truncate(" ".join(query.split()), 100))
            raise UserFacingError(
                f"I couldn't find a paper matching “{shown}”.",
                suggestion="Start typing a title and pick it from the list, or try /recommend.",
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
        catalog = access.catalog(interaction)
        return formatting.choices(
            resource_choices(catalog, current, where=lambda r: r.kind == "paper")
        )


__all__ = ["PaperCog"]
