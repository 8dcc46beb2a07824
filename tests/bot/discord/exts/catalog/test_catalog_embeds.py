"""The words of /suggest and /catalog, and the "added by this server" mark, without Discord.

Every text here came from a member or from the web, so the tests feed hostile text (mentions,
masked links, markdown, 5,000 characters) and check it arrives inert and within the limits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from bot.discord import limits
from bot.discord.errors import UserFacingError
from bot.discord.exts.catalog._embeds import (
    added_embed,
    additions_embed,
    plan_line,
    review_embed,
)
from bot.discord.exts.catalog._notify import decision_dm
from bot.discord.exts.catalog._topics import split_topics, topics_autocomplete_choices
from bot.discord.exts.daily._embeds import post_embed
from bot.discord.exts.path._embeds import path_lines
from bot.discord.exts.suggest._embeds import EXISTING, FILED, FILED_TYPED, outcome_message
from bot.discord.formatting import embed_length
from bot.discord.resources import meta_line, origin_text
from bot.discord.suggestions import details_embed, member_label
from bot.service import (
    SERVER_ORIGIN,
    AdditionsPage,
    Classification,
    Decision,
    LearningPath,
    PathStep,
    Resource,
    ReviewCard,
    Suggestion,
    SuggestOutcome,
)

MENTION = re.compile(r"<@[!&]?\d{17,20}>")
HOSTILE = "@everyone **bold** [click](https://evil.example) <@123456789012345678> # heading"
SUGGESTION = Suggestion(
    id=7,
    guild_id=1,
    member_id=42,
    link="2409.01234",
    note=HOSTILE,
    title="Quasiperiodic Lattice Networks",
    authors=("Ada Quill", "Bo Lattimer"),
    year=2024,
    description="Neural networks on a quasiperiodic tiling.",
    url="https://arxiv.org/abs/2409.01234",
    kind="paper",
    status="pending",
    created_at=dt.datetime(2026, 12, 2, tzinfo=dt.UTC),
)
ADDED = Resource(
    id="quasiperiodic-lattice-networks-k3x9q",
    title="Quasiperiodic Lattice Networks",
    kind="paper",
    level="advanced",
    topics=("deep-learning",),
    url="https://arxiv.org/abs/2409.01234",
    origin=SERVER_ORIGIN,
)
BASE = replace(ADDED, id="base", origin="curated")


def assert_inert(text: str) -> None:
    """No mention and no masked link survives (`formatting.escape`; bold text may, where
    discord.py's escaping treats a long span as one masked link)."""
    assert "@everyone" not in text and not MENTION.search(text)
    assert "[click](" not in text


def test_a_filed_suggestion_shows_what_was_found() -> None:
    content, embed = outcome_message(SuggestOutcome("filed", suggestion=SUGGESTION))
    assert content == FILED
    assert embed.title == "Quasiperiodic Lattice Networks"
    assert embed.url == "https://arxiv.org/abs/2409.01234"
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Authors"] == "Ada Quill, Bo Lattimer" and fields["Year"] == "2024"
    assert fields["Site"] == "arxiv.org" and "Could not be fetched" not in fields
    assert_inert(str(fields["Your note"]))  # the member sees the note the moderators will


def test_a_suggestion_filed_with_what_was_typed_says_what_failed() -> None:
    typed = replace(SUGGESTION, title=None, authors=(), year=None, description=None, problem="boom")
    content, embed = outcome_message(SuggestOutcome("filed", suggestion=typed))
    assert content == FILED_TYPED
    assert embed.title == "2409.01234"  # the link as typed stands in for the title
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Could not be fetched"].startswith("boom")
    assert fields["Authors"] == "—" and fields["Year"] == "—"


def test_a_duplicate_shows_the_entry_already_there() -> None:
    content, embed = outcome_message(SuggestOutcome("duplicate", existing=BASE))
    assert content == EXISTING
    assert "Quasiperiodic Lattice Networks" in (embed.description or "")


def test_hostile_fetched_text_is_inert_and_within_limits() -> None:
    huge = replace(
        SUGGESTION,
        title=HOSTILE * 100,
        description=HOSTILE * 200,
        authors=tuple(f"{HOSTILE} {i}" for i in range(60)),
        url="javascript:alert(1)",
        link="javascript:alert(1)",
    )
    embed = details_embed(huge)
    assert embed.url is None  # never a link that is not http(s)
    assert embed_length(embed) <= limits.EMBED_TOTAL
    assert len(embed.title or "") <= limits.EMBED_TITLE
    for text in (embed.title or "", embed.description or "", *(f.value for f in embed.fields)):
        assert_inert(str(text))


def test_the_review_card_names_the_member_without_a_mention() -> None:
    card = ReviewCard(SUGGESTION, Classification("paper", "advanced", ("deep-learning",)))
    embed = review_embed(
        card,
        position=1,
        total=3,
        suggested_by=member_label(42, "@everyone Ana"),
        level="advanced",
        topics=("deep-learning", "transformers"),
    )
    fields = {f.name: str(f.value) for f in embed.fields}
    assert fields["Suggested by"].endswith("(id 42)") and "@everyone" not in fields["Suggested by"]
    assert_inert(fields["Why"])
    assert fields["Will be filed as"] == plan_line("advanced", ("deep-learning", "transformers"))
    assert "Suggestion 1 of 3" in (embed.footer.text or "")
    assert member_label(None).startswith("a member who has since asked")
    assert member_label(42) == "member id 42"


def test_the_suggester_is_told_in_plain_words() -> None:
    approved = Decision(7, "approved", "approved", 42, ADDED)
    text = decision_dm(approved, "Quasiperiodic **Lattice**", "@everyone club")
    assert text is not None and "Good news" in text and "@everyone" not in text
    rejected = Decision(7, "rejected", "rejected", 42, reason=HOSTILE)
    text = decision_dm(rejected, "Quasiperiodic", "club")
    assert text is not None and "was not added" in text
    assert_inert(text)
    assert decision_dm(Decision(7, "already", "approved", 42), "x", "club") is None


def test_additions_list_pages_and_names_ids() -> None:
    page = AdditionsPage((ADDED,) * 10, offset=10, total=23)
    embed = additions_embed(page, 10)
    assert embed.footer.text == "Page 2/3 · 23 resources"
    assert (embed.description or "").startswith("**11.**")
    assert f"`{ADDED.id}`" in (embed.description or "")


def test_a_server_addition_is_marked_wherever_it_is_shown() -> None:
    assert meta_line(ADDED).endswith("added by this server")
    assert origin_text(ADDED) == "Added by this server"
    assert "added by this server" not in meta_line(BASE)
    post = post_embed(ADDED, "Summary.", "Why.")
    assert "added by this server" in (post.description or "")
    step = PathStep(resource=ADDED, stage="advanced", reason="next")
    path = LearningPath(topic="x", topic_slug=None, label="X", steps=(step,))
    assert "added by this server" in path_lines(path)[-1]


def test_topics_are_read_like_daily_topics() -> None:
    assert split_topics("rnn, Transformers, rnn") == ("rnn", "transformers")
    assert split_topics(None) == () and split_topics(" , ") == ()
    with pytest.raises(UserFacingError):
        split_topics("sourdough bread")
    choices = topics_autocomplete_choices("rnn, trans")
    assert choices and all(c.value.startswith("rnn, ") for c in choices)
    assert any(c.value == "rnn, transformers" for c in choices)


def test_only_an_addition_is_offered_for_removal() -> None:
    assert "/catalog remove" in (added_embed(ADDED).footer.text or "")
    assert "/catalog remove" not in (added_embed(BASE).footer.text or "")
