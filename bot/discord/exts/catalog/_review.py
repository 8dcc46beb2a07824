"""The review queue: one card per suggestion, level and topics editable, Approve and Reject.

The card starts with the classifier's level and topics; the moderator may change them with
the two selects (or type any topic in the Topics… form) before approving. Approving or
rejecting reloads the queue at the same place (the decided suggestion has left it, so the
next one slides in). Two moderators may decide the same suggestion at once: the service lets
one win and tells the other it was already decided. The forms (`_review_forms`) ask for a
rejection's reason, passed on to the suggester by DM, and for a title when nothing could be
fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.discord import access, callback, formatting, replies
from bot.discord.exts.catalog import _embeds
from bot.discord.exts.catalog._moderator import require_moderator
from bot.discord.exts.catalog._notify import tell_suggester
from bot.discord.exts.catalog._review_forms import (
    REVIEW_TIMEOUT_S,
    RejectModal,
    TitleModal,
    TopicsModal,
)
from bot.discord.exts.catalog._topics import MAX_TOPICS
from bot.discord.views import InvokerView
from bot.service import LEVELS, topic_label
from bot.service.catalog_answers import Decision, ReviewCard, ReviewPage
from bot.service.daily_planning import topic_choices

ALL_TOPICS = tuple(slug for _, slug in topic_choices("", limit=1000))

Names = Callable[[int | None], str]


def topic_options(chosen: Sequence[str], prefill: Sequence[str]) -> list[discord.SelectOption]:
    """At most 25 topics: the chosen ones and the classifier's first, then the vocabulary."""
    order = list(dict.fromkeys([*chosen, *prefill, *ALL_TOPICS]))[:25]
    options = []
    for slug in order:
        option = formatting.select_option(topic_label(slug) or slug, slug)
        option.default = slug in chosen
        options.append(option)
    return options


async def load_page(interaction: discord.Interaction, guild_id: int, offset: int) -> ReviewPage:
    """The card at `offset`, or the last one when the queue shrank below it."""
    service = access.service(interaction)
    page = await service.review_queue(guild_id, offset=offset, limit=1)
    if not page.cards and page.total and offset > 0:
        page = await service.review_queue(guild_id, offset=page.total - 1, limit=1)
    return page


class ReviewView(InvokerView):
    """One moderator's walk through the queue; only they can press its controls."""

    def __init__(self, owner_id: int, guild_id: int, page: ReviewPage, names: Names) -> None:
        super().__init__(owner_id, timeout=REVIEW_TIMEOUT_S, command="catalog")
        self.guild_id = guild_id
        self.names = names
        self.note = ""
        self.ids = {
            name: self.item_id(name)
            for name in ("level", "topics", "approve", "reject", "type-topics", "back", "next")
        }
        self.page = page
        self.level = ""
        self.topics: tuple[str, ...] = ()
        self.show(page)

    @property
    def card(self) -> ReviewCard | None:
        return self.page.cards[0] if self.page.cards else None

    def show(self, page: ReviewPage) -> None:
        self.page = page
        card = self.card
        if card is not None:
            self.level = card.prefill.level if card.prefill.level in LEVELS else LEVELS[0]
            self.topics = tuple(t for t in card.prefill.topics if t in ALL_TOPICS)[:MAX_TOPICS]
        self.render()

    # what the moderator sees --------------------------------------------------------------

    def content(self) -> str:
        lines = [self.note] if self.note else []
        if self.card is None:
            lines += [_embeds.EMPTY_QUEUE, _embeds.EMPTY_QUEUE_HINT]
        return "\n".join(lines)

    def embed(self) -> discord.Embed | None:
        card = self.card
        if card is None:
            return None
        return _embeds.review_embed(
            card,
            position=self.page.offset + 1,
            total=self.page.total,
            suggested_by=self.names(card.suggestion.member_id),
            level=self.level,
            topics=self.topics,
        )

    def render(self) -> None:
        self.clear_items()
        card = self.card
        if card is None:
            return
        level = discord.ui.Select[ReviewView](
            custom_id=self.ids["level"],
            placeholder="Level…",
            options=[
                discord.SelectOption(label=name, value=name, default=name == self.level)
                for name in LEVELS
            ],
        )
        level.callback = self.choose_level  # type: ignore[method-assign]
        self.add_item(level)
        options = topic_options(self.topics, card.prefill.topics)
        topics = discord.ui.Select[ReviewView](
            custom_id=self.ids["topics"],
            placeholder="Topics (up to 5)…",
            min_values=1,
            max_values=min(MAX_TOPICS, len(options)),
            options=options,
        )
        topics.callback = self.choose_topics  # type: ignore[method-assign]
        self.add_item(topics)
        buttons: list[tuple[str, str, discord.ButtonStyle, bool, Any]] = [
            ("approve", "Approve", discord.ButtonStyle.success, not self.topics, self.approve),
            ("reject", "Reject…", discord.ButtonStyle.danger, False, self.ask_reason),
            ("type-topics", "Topics…", discord.ButtonStyle.secondary, False, self.type_topics),
            ("back", "◀", discord.ButtonStyle.secondary, self.page.offset == 0, self.back),
            (
                "next",
                "▶",
                discord.ButtonStyle.secondary,
                self.page.next_offset is None,
                self.forward,
            ),
        ]
        for name, label, style, disabled, pressed in buttons:
            button = discord.ui.Button[ReviewView](
                label=label, style=style, disabled=disabled, custom_id=self.ids[name]
            )
            button.callback = pressed  # type: ignore[method-assign]
            self.add_item(button)

    async def redraw(self, interaction: discord.Interaction) -> None:
        """Edit the card in place (in the callback, or after a deferred update)."""
        kwargs: dict[str, Any] = {
            "content": formatting.fit_content(self.content()),
            "embed": formatting.fit_embed(embed) if (embed := self.embed()) else None,
            "view": self if self.card is not None else None,
        }
        if callback.responded(interaction):
            await interaction.edit_original_response(**kwargs)
        else:
            await callback.response(interaction).edit_message(**kwargs)
        if self.card is None:
            self.stop()

    # controls ------------------------------------------------------------------------------

    def _chosen(self, interaction: discord.Interaction) -> list[str]:
        data: Any = interaction.data or {}
        values = data.get("values") or []
        return [str(v) for v in values]

    async def choose_level(self, interaction: discord.Interaction) -> None:
        chosen = [v for v in self._chosen(interaction) if v in LEVELS]
        if chosen:
            self.level = chosen[0]
        self.note = ""
        self.render()
        await self.redraw(interaction)

    async def choose_topics(self, interaction: discord.Interaction) -> None:
        # Only topics this select offered (a tampered client can send any value).
        offered = {o.value for o in topic_options(self.topics, self._prefill())}
        chosen = [v for v in dict.fromkeys(self._chosen(interaction)) if v in offered]
        if chosen:
            self.topics = tuple(chosen[:MAX_TOPICS])
        self.note = ""
        self.render()
        await self.redraw(interaction)

    def _prefill(self) -> tuple[str, ...]:
        return self.card.prefill.topics if self.card is not None else ()

    async def back(self, interaction: discord.Interaction) -> None:
        await self.move(interaction, max(0, self.page.offset - 1))

    async def forward(self, interaction: discord.Interaction) -> None:
        await self.move(interaction, self.page.offset + 1)

    async def move(self, interaction: discord.Interaction, offset: int) -> None:
        page = await replies.in_time(
            interaction, load_page(interaction, self.guild_id, offset), update=True
        )
        self.note = ""
        self.show(page)
        await self.redraw(interaction)

    async def approve(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        card = self.card
        if card is None:
            return
        if not card.suggestion.title:  # nothing was fetched: the moderator names it first
            await TitleModal(self, card).open_form(interaction)
            return
        await self.approve_with(interaction, card, {})

    async def approve_with(
        self, interaction: discord.Interaction, card: ReviewCard, typed: dict[str, Any]
    ) -> None:
        """Approve `card` as filed on the card (level, topics), with any typed details."""
        service = access.service(interaction)
        level, topics = self.level, self.topics

        async def decide() -> tuple[Decision, ReviewPage]:
            with access.user_errors():
                decision = await service.approve(
                    self.guild_id,
                    card.suggestion.id,
                    interaction.user.id,
                    level=level,
                    topics=topics,
                    seen=card.suggestion,
                    **typed,
                )
            return decision, await load_page(interaction, self.guild_id, self.page.offset)

        decision, page = await replies.in_time(interaction, decide(), update=True)
        await self.decided(interaction, decision, card, page)

    async def decided(
        self,
        interaction: discord.Interaction,
        decision: Decision,
        card: ReviewCard,
        page: ReviewPage,
    ) -> None:
        if not callback.responded(interaction):  # the DM takes two more round trips
            await callback.response(interaction).defer()
        guild = interaction.guild
        told = await tell_suggester(
            interaction.client,
            decision,
            card.suggestion.shown_title,
            guild.name if guild is not None else "this server",
        )
        self.note = " ".join(part for part in (access.sentence(decision.message), told) if part)
        self.show(page)
        await self.redraw(interaction)

    async def type_topics(self, interaction: discord.Interaction) -> None:
        """Any topic of the vocabulary, typed (the select offers 25 of them)."""
        require_moderator(interaction)
        await TopicsModal(self).open_form(interaction)

    async def set_topics(self, interaction: discord.Interaction, topics: tuple[str, ...]) -> None:
        if topics:
            self.topics = topics
        self.note = ""
        self.render()
        await self.redraw(interaction)

    async def reject_with(
        self, interaction: discord.Interaction, card: ReviewCard, reason: str | None
    ) -> None:
        """Reject `card`, telling the suggester the reason (from the Reject form)."""
        service = access.service(interaction)

        async def decide() -> tuple[Decision, ReviewPage]:
            with access.user_errors():
                decision = await service.reject(
                    self.guild_id,
                    card.suggestion.id,
                    interaction.user.id,
                    reason=reason,
                    seen=card.suggestion,
                )
            return decision, await load_page(interaction, self.guild_id, self.page.offset)

        decision, page = await replies.in_time(interaction, decide(), update=True)
        await self.decided(interaction, decision, card, page)

    async def ask_reason(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        card = self.card
        if card is None:
            return
        await RejectModal(self, card).open_form(interaction)
