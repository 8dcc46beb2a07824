"""The /recommend command and its view (mark, save, dismiss from the list; "More" pages on)."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, formatting, replies
from bot.discord.callback import EncodedEmbed
from bot.discord.errors import UserFacingError
from bot.discord.exts.recommend._embeds import (
    PAGE_SIZE,
    Request,
    page_encoded,
    select_options,
)
from bot.discord.resources import inert
from bot.discord.views import ListeningView
from bot.service import CATALOG_SCOPE, KINDS, LEVELS, MarkResult, Recommendation, nothing_on

LEVEL_CHOICES = [app_commands.Choice(name=level, value=level) for level in LEVELS]
KIND_CHOICES = [app_commands.Choice(name=kind, value=kind) for kind in KINDS]
# (placeholder, status the chosen resources get)
SELECTS = (
    ("Mark as read…", "done"),
    ("Save for later…", "saved"),
    ("Not for me…", "dismissed"),
)
STATUSES = tuple(status for _, status in SELECTS)
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
        ranked = await service.recommend(
            request.topic,
            user_id=interaction.user.id,
            level=request.level,
            kind=request.kind,
            k=k,
            guild_id=interaction.guild_id,
        )
    seen = set(shown)
    return [r for r in ranked.results if r.resource.id not in seen][:PAGE_SIZE]


class StatusSelect(discord.ui.Select["RecommendView"]):
    def __init__(
        self,
        listing: RecommendView,
        placeholder: str,
        status: str,
        options: list[discord.SelectOption],
        custom_id: str,
    ) -> None:
        super().__init__(
            placeholder=placeholder,
            min_values=1,
            max_values=len(options),
            options=options,
            custom_id=custom_id,
        )
        self.status = status
        # The list this select belongs to, kept here: discord.py's `view` is cleared when the
        # list rebuilds its items, and clicks made before the member saw that edit (a double
        # click, two selects in quick succession) still reach this select and must update
        # the list as it stands, not strip it of its controls.
        self.listing = listing

    def offered(self, values: Sequence[str]) -> tuple[list[str], int]:
        """(the values this list offered, each once; how many others came).

        Discord checks a selection against the options only in its own clients: a tampered
        client (or a bot) can send any values, which must not be written as if offered. A
        resource of the page counts even when this select no longer lists it: a second click
        sent before the member's client showed the edit (a double click) is answered "already
        marked", not refused as if it had never been on the list.
        """
        options = {option.value for option in self.options}
        options.update(r.resource.id for r in self.listing.page)
        chosen = list(dict.fromkeys(values))
        accepted = [value for value in chosen if value in options]
        return accepted, len(chosen) - len(accepted)

    async def callback(self, interaction: discord.Interaction) -> None:
        # The click is answered in place, in one request: the list changes (✅, 🔖, struck
        # through) and a line above it says what was written, in the callback when the writes
        # are quick (deferred as an update otherwise). A private followup as well would cost a
        # second request per click for what the list already shows. Only values this select
        # offered are written (a tampered client can send any).
        accepted, refused = self.offered(self.values)
        if not accepted:
            raise UserFacingError(
                "None of that is on this list, so nothing was changed.",
                suggestion="Choose from the menu under the list.",
            )
        service = access.service(interaction)

        async def write() -> list[str]:
            lines = []
            with access.user_errors():
                for resource_id in accepted:
                    result = await service.mark(
                        interaction.user.id,
                        resource_id,
                        self.status,
                        guild_id=interaction.guild_id,
                    )
                    lines.append(f"-# {inert(_public_line(result))}")
            return lines

        lines = await replies.in_time(interaction, write(), update=True)
        if self.status == "dismissed":
            lines.append("-# I won't recommend it to you again.")
        if refused:
            what = "choice that is" if refused == 1 else "choices that are"
            lines.append(f"-# Ignored {refused} {what} not on this list.")
        listing = self.listing
        listing.record(self.status, accepted)
        await replies.update(
            interaction, content="\n".join(lines), embed=listing.embed(), view=listing
        )


def _public_line(result: MarkResult) -> str:
    """What a click wrote, said on the (public) list: the new status only. The member's earlier
    status ("was saved") stays private, as it was in the confirmation this line replaces."""
    entry = result.entry
    if not result.changed:
        return f"“{entry.title}” was already {entry.status}."
    return f"Marked “{entry.title}” as {entry.status}."


class RecommendView(ListeningView):
    """One /recommend list: the current page, what the user did from it, and its controls.

    Items are rebuilt on every change (a select whose resources are all done disappears), but
    keep their custom ids, so a click on the message as the user last saw it always lands.
    A ListeningView: the list and every change to it go out as ready-made requests.
    """

    def __init__(self, owner_id: int, request: Request, results: list[Recommendation]) -> None:
        super().__init__(owner_id, command="recommend")
        self.request = request
        self.shown: list[str] = []
        self.page: list[Recommendation] = []
        self.offset = 0
        self.marks: dict[str, str] = {}
        self.exhausted = False
        self.ids = {name: self.item_id(name) for name in (*STATUSES, "more")}
        self.show(results)

    def show(self, results: list[Recommendation]) -> None:
        self.offset = len(self.shown)
        self.shown += [r.resource.id for r in results]
        self.page = list(results)
        self.exhausted = len(results) < PAGE_SIZE
        self.render()

    def record(self, status: str, resource_ids: Sequence[str]) -> None:
        """Marks made from this page: each select now offers what is still open for it, and
        one with nothing left leaves the list (the items are updated, not rebuilt: a select
        clicked before the member saw this edit is still the list's own)."""
        for resource_id in resource_ids:
            self.marks[resource_id] = status
        for select in [item for item in self.children if isinstance(item, StatusSelect)]:
            options = select_options(self.page, self.marks, select.status)
            if options:
                select.options = options
                select.max_values = len(options)
            else:
                self.remove_item(select)

    def embed(self) -> EncodedEmbed:
        return page_encoded(self.request, self.page, self.offset, self.marks)

    def render(self) -> None:
        self.clear_items()
        for placeholder, status in SELECTS:
            options = select_options(self.page, self.marks, status)
            if options:  # Discord refuses a select without options
                self.add_item(StatusSelect(self, placeholder, status, options, self.ids[status]))
        more = discord.ui.Button[RecommendView](
            label="More",
            style=discord.ButtonStyle.primary,
            disabled=self.exhausted,
            custom_id=self.ids["more"],
        )
        more.callback = self.more  # type: ignore[method-assign]
        self.add_item(more)

    async def more(self, interaction: discord.Interaction) -> None:
        results = await replies.in_time(
            interaction, fetch(interaction, self.request, self.shown), update=True
        )
        if not results:
            self.exhausted = True
            self.render()
            await replies.update(interaction, content="", view=self)
            await replies.send(interaction, "That's all I have for this topic.", ephemeral=True)
            return
        self.show(results)
        # A new page: the line about a mark on the last one no longer applies.
        await replies.update(interaction, content="", embed=self.embed(), view=self)


class RecommendCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

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
            access.query_text(interaction, topic, example="`/recommend topic: rnn beginner`"),
            level.value if level else None,
            kind.value if kind else None,
        )

        async def first_page() -> list[Recommendation]:
            results = await fetch(interaction, request)
            if not results:
                # Before a defer this is a private reply; after one, errors.report withdraws
                # the public placeholder, so the hint stays private either way.
                raise await self.nothing_for(interaction, request)
            return results

        results = await replies.in_time(interaction, first_page())
        view = RecommendView(interaction.user.id, request, results)
        await replies.send(interaction, embed=view.embed(), view=view)

    @staticmethod
    async def nothing_for(interaction: discord.Interaction, request: Request) -> UserFacingError:
        """Why there is nothing: the catalog has no match, or the user has seen it all."""
        shown = inert(formatting.truncate(" ".join(request.topic.split()), 100))
        known = await access.service(interaction).has_anything_on(
            request.topic, level=request.level, kind=request.kind, guild_id=interaction.guild_id
        )
        if not known:
            return UserFacingError(
                f"I found nothing for “{shown}”: {inert(nothing_on(request.topic))}.",
                suggestion=f"{CATALOG_SCOPE} {SEARCH_TIPS}",
            )
        return UserFacingError(
            f"You have finished or dismissed everything I have for “{shown}”.",
            suggestion="Try a neighbouring topic or another level.",
        )

    @recommend.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return access.choices(access.service(interaction).topic_choices(current))


__all__ = ["RecommendCog", "RecommendView", "StatusSelect"]
