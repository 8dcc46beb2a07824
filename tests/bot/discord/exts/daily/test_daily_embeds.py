"""The words of the daily post and of /daily's answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from bot.discord import limits
from bot.discord.exts.daily._embeds import (
    PREVIEW_TITLE,
    TITLE,
    post_embed,
    set_reply,
    status_text,
    why_text,
)
from bot.discord.formatting import embed_length
from bot.service.guilds import GuildConfig, default_guild
from bot.store.records import PostRecord
from recommender.resource import Resource

NOW = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)
LSTM = Resource(
    id="understanding-lstm-networks",
    title="Understanding *LSTM* Networks",
    kind="blog",
    level="intermediate",
    topics=("rnn", "nlp"),
    url="https://colah.github.io/posts/2015-08-Understanding-LSTMs/",
)


def test_the_post_links_the_title_and_says_what_and_why() -> None:
    embed = post_embed(LSTM, "LSTMs, step by step.", why_text("rnn", "intermediate"))
    assert embed.title == TITLE
    description = embed.description or ""
    first, facts = description.splitlines()[:2]
    assert first == f"**[Understanding \\*LSTM\\* Networks]({LSTM.url})**"
    assert facts == "-# blog · intermediate · Recurrent networks, Natural language processing"
    assert description.endswith("LSTMs, step by step.")
    [why] = embed.fields
    assert "Recurrent networks" in str(why.value) and "intermediate level" in str(why.value)


def test_readers_are_shown_only_when_someone_read_it() -> None:
    assert len(post_embed(LSTM, "s", "w", readers=0).fields) == 1
    assert post_embed(LSTM, "s", "w", readers=1).fields[1].value == "1 member has read it"
    assert post_embed(LSTM, "s", "w", readers=4).fields[1].value == "4 members have read it"


def test_a_huge_summary_still_fits_discord_limits() -> None:
    embed = post_embed(replace(LSTM, url=None), "word " * 3000, "w", title=PREVIEW_TITLE)
    assert embed.title == PREVIEW_TITLE
    assert (embed.description or "").startswith("**Understanding")
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert embed_length(embed) <= limits.EMBED_TOTAL


def test_why_without_a_topic_says_it_covers_the_whole_catalog() -> None:
    assert "whole catalog" in why_text(None, None)
    assert "beginner level" in why_text(None, "beginner")


def configured(**changes: Any) -> GuildConfig:
    base: dict[str, Any] = {
        "channel_id": 22,
        "post_time": "08:30",
        "timezone": "Europe/Berlin",
        "enabled": True,
    }
    return replace(default_guild(1), **{**base, **changes})


def test_set_reply_gives_both_discord_timestamps() -> None:
    at = dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.UTC)
    text = set_reply(configured(topic="rnn", frequency="weekly", weekday=1), at, NOW)
    stamp = int(at.timestamp())
    assert f"<t:{stamp}:F>" in text and f"<t:{stamp}:R>" in text
    assert "08:30 Europe/Berlin, weekly on Tuesday in <#22> (topic: Recurrent networks)" in text


def test_status_shows_schedule_next_last_post_and_error() -> None:
    assert "not set up" in status_text(default_guild(1), None, None, None, NOW)
    post = PostRecord(1, dt.date(2026, 3, 9), LSTM.id, 555, NOW)
    text = status_text(
        configured(last_error="boom"),
        NOW,
        post,
        LSTM.title,
        NOW,
    )
    assert "**Daily reading is on**" in text and "due now" in text
    assert "2026-03-09, Understanding \\*LSTM\\* Networks" in text
    assert "https://discord.com/channels/1/22/555" in text
    assert "**Last error:** boom" in text
    off = status_text(configured(enabled=False), None, None, None, NOW)
    assert "Daily reading is off" in off and "daily posts are off" in off
    assert "Last post:** none yet" in off and "Last error:** none" in off
