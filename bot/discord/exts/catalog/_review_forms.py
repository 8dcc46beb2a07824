"""The review card's forms: a rejection's reason, a title for what could not be fetched,
topics typed by hand.

Each form belongs to one card (`ReviewView`) and hands what was typed back to it; a form
opened from the card's button is answered by editing the card in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.discord import formatting
from bot.discord.exts.catalog._details_form import DetailsFields
from bot.discord.exts.catalog._moderator import require_moderator
from bot.discord.exts.catalog._topics import MAX_TOPICS, split_topics
from bot.discord.modals import ReportingModal
from bot.service import ReviewCard, topic_label

if TYPE_CHECKING:
    from bot.discord.exts.catalog._review import ReviewView

REVIEW_TIMEOUT_S = 600.0
"""Long enough to read a few cards; well inside the 15 minutes an interaction token lives."""
REASON_MAX = 300
"""The service's cap on a reason (a longer one would be refused after typing it)."""


class RejectModal(ReportingModal):
    """The optional reason for a rejection, passed on to the suggester."""

    reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
        label="Reason (optional; the member is told)",
        style=discord.TextStyle.paragraph,
        custom_id="reason",
        required=False,
        max_length=REASON_MAX,
    )

    def __init__(self, view: ReviewView, card: ReviewCard) -> None:
        super().__init__(
            title=formatting.truncate(f"Reject #{card.suggestion.id}", 45),
            timeout=REVIEW_TIMEOUT_S,
            custom_id=view.item_id(f"reject-{card.suggestion.id}"),
        )
        self.review = view
        self.card = card

    async def on_submit(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        reason = " ".join(str(self.reason.value or "").split()) or None
        await self.review.reject_with(interaction, self.card, reason)


class TitleModal(DetailsFields):
    """Approving a suggestion whose details could not be fetched: the moderator names it."""

    def __init__(self, view: ReviewView, card: ReviewCard) -> None:
        super().__init__(
            title=formatting.truncate(f"Approve #{card.suggestion.id}", 45),
            timeout=REVIEW_TIMEOUT_S,
            custom_id=view.item_id(f"approve-{card.suggestion.id}"),
        )
        self.review = view
        self.card = card
        self.say_not_fetched(card.suggestion.problem or "")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        await self.review.approve_with(interaction, self.card, self.typed())


class TopicsModal(ReportingModal):
    """The card's topics, typed: labels, slugs or terms, comma-separated."""

    topics: discord.ui.TextInput[TopicsModal] = discord.ui.TextInput(
        label=f"Topics, comma-separated (up to {MAX_TOPICS})",
        custom_id="topics",
        max_length=500,
    )

    def __init__(self, view: ReviewView) -> None:
        super().__init__(
            title="Topics", timeout=REVIEW_TIMEOUT_S, custom_id=view.item_id("topics-form")
        )
        self.review = view
        self.topics.default = ", ".join(topic_label(t) or t for t in view.topics) or None

    async def on_submit(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        await self.review.set_topics(interaction, split_topics(str(self.topics.value)))
