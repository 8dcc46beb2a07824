"""The pure rules of the daily feature: topics, candidates, stored settings, send faults."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import discord
import pytest

from bot.daily import Frequency, ScheduleError
from bot.discord.exts.daily._sending import missing_permissions
from bot.service.daily_planning import (
    Fault,
    candidate_ids,
    classify_status,
    nothing_matches,
    permanent_reason,
    resolve_topic,
    schedule_of,
    topic_choices,
    topic_query,
)
from bot.service.guilds import default_guild
from recommender.resource import Resource
from recommender.vocabulary import TOPICS


def res(rid: str, level: str = "beginner", topics: tuple[str, ...] = ("rnn",)) -> Resource:
    return Resource(id=rid, title=rid.title(), kind="paper", level=level, topics=topics)


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("rnn", "rnn"), ("Recurrent networks", "rnn"), ("  recurrent   NETWORKS ", "rnn"),
     ("computer vision", "computer-vision"), ("computer-vision", "computer-vision"),
     ("perceptron", "neural-networks")],
)  # fmt: skip
def test_a_topic_is_found_by_slug_label_or_term(typed: str, slug: str) -> None:
    assert resolve_topic(typed) == slug


def test_an_unknown_topic_is_refused_with_close_labels() -> None:
    with pytest.raises(ScheduleError, match="No topic matches 'quantum knitting'"):
        resolve_topic("quantum knitting")
    with pytest.raises(ScheduleError, match="Did you mean Recurrent networks"):
        resolve_topic("recurent networks")
    with pytest.raises(ScheduleError, match="Please give a topic"):
        resolve_topic("  ")


def test_topic_autocomplete_puts_prefix_matches_first_and_caps_at_25() -> None:
    assert topic_choices("")[:2] == [(t.label, t.slug) for t in TOPICS[:2]]
    assert len(topic_choices("", limit=25)) == min(25, len(TOPICS))
    assert topic_choices("recur")[0] == ("Recurrent networks", "rnn")
    assert ("Computer vision", "computer-vision") in topic_choices("vision")
    assert topic_choices("zzzz") == []


def test_topic_query_names_the_topic_or_falls_back_to_the_catalog_subject() -> None:
    assert "Recurrent networks" in topic_query("rnn")
    assert topic_query(None) == "deep learning"


def test_candidates_are_every_tagged_resource_at_the_level_in_ranking_order() -> None:
    resources = [
        res("a"),
        res("b"),
        res("c", level="advanced"),
        res("d", topics=("cnn",)),
        res("e"),
    ]
    # "e" was left out by the ranking but is on topic: it still joins, after the ranked ones.
    assert candidate_ids(resources, ["b", "d", "c", "a"], "rnn", "beginner") == ["b", "a", "e"]
    assert candidate_ids(resources, [], None, "advanced") == ["c"]
    assert candidate_ids(resources, ["d", "d"], None, None) == ["d", "a", "b", "c", "e"]
    assert candidate_ids(resources, ["a"], "gan", None) == []


def test_nothing_matches_says_which_levels_would_work() -> None:
    resources = [res("a", level="advanced"), res("b", level="intermediate")]
    text = nothing_matches(resources, "rnn", "beginner")
    assert "Recurrent networks" in text and "advanced, intermediate" in text
    assert "Choose another topic" in nothing_matches(resources, "cnn", None)


def test_stored_settings_become_a_schedule() -> None:
    when = dt.datetime(2026, 3, 10, 6, tzinfo=dt.UTC)
    config = default_guild(7)
    assert schedule_of(config) is None  # no channel yet

    config = replace(
        config,
        channel_id=70,
        post_time="08:30",
        timezone="Europe/Berlin",
        frequency="weekly",
        weekday=3,
        topic="rnn",
        enabled=True,
        effective_from=when,
    )
    schedule = schedule_of(config)
    assert schedule is not None
    assert (schedule.channel_id, schedule.post_time, schedule.frequency) == (
        70,
        dt.time(8, 30),
        Frequency.WEEKLY,
    )
    assert (schedule.weekday, schedule.topic, schedule.effective_from) == (3, "rnn", when)


@pytest.mark.parametrize(
    ("status", "fault"),
    [(403, Fault.PERMANENT), (404, Fault.PERMANENT), (500, Fault.TRANSIENT),
     (503, Fault.TRANSIENT), (429, Fault.TRANSIENT), (None, Fault.TRANSIENT)],
)  # fmt: skip
def test_only_403_and_404_end_a_schedule(status: int | None, fault: Fault) -> None:
    assert classify_status(status) is fault


def test_permanent_reasons_name_the_channel_and_the_fix() -> None:
    assert "<#5> no longer exists" in permanent_reason(404, 5, "404 Unknown Channel")
    forbidden = permanent_reason(403, 5, "403 Missing Permissions")
    assert "Embed Links" in forbidden and "Missing Permissions" in forbidden


def test_missing_permissions_are_named_as_in_discord() -> None:
    everything = discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, read_message_history=True
    )
    assert missing_permissions(everything) == []
    assert missing_permissions(discord.Permissions(view_channel=True)) == [
        "Send Messages",
        "Embed Links",
        "Read Message History",  # where an unconfirmed post is looked for
    ]
