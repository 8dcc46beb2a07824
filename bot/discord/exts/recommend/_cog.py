"""The /recommend command and its view (mark, save, dismiss from the list; "More" pages on)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, formatting, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.recommend._embeds import (
    PAGE_SIZE,
    Request,
    page_embed,
    select_options,
)
from bot.discord.lookups import topic_choices
from bot.discord.resources import inert
from bot.discord.views import InvokerView
from bot.service import Recommendation
from recommender.vocabulary import KINDS, LEVELS

LEVEL_CHOICES = [app_commands.Choice(name=level, value=level) for level in LEVELS]
KIND_CHOICES = [app_commands.Choice(name=kind, value=kind) for kind in KINDS]
# (placeholder, status the chosen resources get)
SELECTS = (
    ("Mark as read…", "done"),
    ("Save for later…", "saved"),
    ("Not for me…", "dismissed"),
)
WORK_SLOTS = 1
MAX_LISTED = 50
"""The service ranks at most this many; "More" stops there (ten pages)."""
SEARCH_TIPS = "Try a broader topic (`rnn`, `transformers`), or drop the level or kind."


async def fetch(
    interaction: discord.Interaction, request: Request, shown: Sequence[str] = ()
) -> list[Recommendation]:
    """The next page: the user's ranking (without what they finished or dismissed) minus what
    this list already showed. Ranking again from the top, rather than from an offset, keeps
    pages right when the user marks something in between (the ranking then shifts)."""
    service = access.service(interaction)
    k = min(MAX_LISTED, len(shown) + PAGE_SIZE)
    if k <= len(shown):
        return []
    with access.user_errors(SEARCH_TIPS):
        ranked = await service.recommend_for_user(
            interaction.user.id, request.topic, level=request.level, kind=request.kind, k=k
        )
    seen = set(shown)
    return [r for r in ranked if r.resource.id not in seen][:PAGE_SIZE]


class StatusSelect(discord.ui.Select["RecommendView"]):
    def __init__(self, placeholder: str, status: str, options: list[discord.SelectOption]) -> None:
        super().__init__(
            placeholder=placeholder, min_values=1, max_values=len(options), options=options
        )
        self.status = status

    async def callback(self, interaction: discord.Interaction) -> None:
        await replies.defer(interaction, ephemeral=True)
        service = access.service(interaction)
        lines = []
        with access.user_errors():
            for resource_id in self.values:
                result = await service.mark(interaction.user.id, resource_id, self.status)
                lines.append(inert(result.message))
        if self.status == "dismissed":
            lines.append("-# I won't recommend it to you again.")
        await replies.send(interaction, "\n".join(lines), ephemeral=True)


class RecommendView(InvokerView):
    def __init__(self, owner_id: int, request: Request, results: list[Recommendation]) -> None:
        super().__init__(owner_id)
        self.request = request
        self.shown: list[str] = []
        self.show(results)

    def show(self, results: list[Recommendation]) -> None:
        self.shown += [r.resource.id for r in results]
        self.clear_items()
        options = select_options(results)
        for placeholder, status in SELECTS:
            self.add_item(StatusSelect(placeholder, status, options))
        more = discord.ui.Button[RecommendView](
            label="More", style=discord.ButtonStyle.primary, disabled=len(results) < PAGE_SIZE
        )
        more.callback = self.more  # type: ignore[method-assign]
        self.add_item(more)

    async def more(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        results = await fetch(interaction, self.request, self.shown)
        if not results:
            for item in self.children:
                if isinstance(item, discord.ui.Button):
                    item.disabled = True
            await interaction.edit_original_response(view=self)
            await replies.send(interaction, "That's all I have for this topic.", ephemeral=True)
            return
        offset = len(self.shown)
        self.show(results)
        await interaction.edit_original_response(
            embed=page_embed(self.request, results, offset), view=self
        )


class RecommendCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        # Ranking and the database reads run one at a time: under a burst, the event loop
        # then keeps turning, so every new interaction is acknowledged within milliseconds
        # instead of queueing behind everyone else's ranking.
        self.slots = asyncio.Semaphore(WORK_SLOTS)

    @app_commands.command(name="recommend", description="Reading picks for a topic at your level.")
    @app_commands.describe(
        topic="A topic or a question, e.g. “rnn beginner” or “attention”",
        level="Only this level (a level word in the topic works too)",
        kind="Only this kind of resource",
    )
    @app_commands.choices(level=LEVEL_CHOICES, kind=KIND_CHOICES)
    async def recommend(
        self,
        interaction: discord.Interaction,
        topic: str,
        level: app_commands.Choice[str] | None = None,
        kind: app_commands.Choice[str] | None = None,
    ) -> None:
        request = Request(
            access.query_text(topic, example="`/recommend topic: rnn beginner`"),
            level.value if level else None,
            kind.value if kind else None,
        )
        await replies.defer(interaction)  # first, before any work: the 3 s deadline
        try:
            async with self.slots:
                results = await fetch(interaction, request)
                if not results:
                    raise self.nothing_for(interaction, request)
        except UserFacingError:
            await replies.withdraw(interaction)  # so the hint is ephemeral, not public
            raise
        view = RecommendView(interaction.user.id, request, results)
        await replies.send(interaction, embed=page_embed(request, results, 0), view=view)

    @staticmethod
    def nothing_for(interaction: discord.Interaction, request: Request) -> UserFacingError:
        """Why there is nothing: the catalog has no match, or the user has seen it all."""
        shown = inert(formatting.truncate(request.topic, 100))
        known = access.engine(interaction).recommend(
            request.topic, level=request.level, kind=request.kind, k=1
        )
        if not known.results:
            return UserFacingError(f"I found nothing for “{shown}”.", suggestion=SEARCH_TIPS)
        return UserFacingError(
            f"You have finished or dismissed everything I have for “{shown}”.",
            suggestion="Try a neighbouring topic or another level.",
        )

    @recommend.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return formatting.choices(topic_choices(current))


__all__ = ["RecommendCog", "RecommendView", "StatusSelect"]
