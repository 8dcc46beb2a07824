"""Pure helpers of the daily feature: stored settings to schedules, topics, candidates, faults.

The daily face imports the scheduling vocabulary it shows (frequencies, weekday names, time
and timezone parsing, the next post's time) from here, the service's side of `bot.daily`.

Nothing here touches Discord's network or the database, so the rules the cog relies on
(what a topic means, which resources a guild cycles through, which send failures end a
schedule) are tested as plain functions.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from bot.daily import (
    WEEKDAY_NAMES,
    DailySchedule,
    Frequency,
    ScheduleError,
    discord_timestamp,
    local_weekday,
    next_post_time,
    parse_time,
    parse_timezone,
    timezone_choices,
)
from bot.daily.parsing import quoted
from bot.service.guilds import GuildConfig
from recommender import fuzzy
from recommender.resource import Resource
from recommender.vocabulary import TOPICS, TOPICS_BY_SLUG, Topic

GENERAL_QUERY = "deep learning"
"""What ranks the catalog for a guild without a topic (the catalog's own subject)."""


def schedule_of(config: GuildConfig) -> DailySchedule | None:
    """The scheduler's view of stored settings; None when they cannot post (no channel).

    Raises ScheduleError for a stored value the scheduler rejects (a timezone removed from
    tzdata, say), which the tick reports for that guild only.
    """
    if config.channel_id is None:
        return None
    return DailySchedule(
        guild_id=config.guild_id,
        channel_id=config.channel_id,
        post_time=parse_time(config.post_time),
        timezone=config.timezone,
        frequency=config.frequency,  # type: ignore[arg-type]  # coerced by __post_init__
        weekday=config.weekday,
        topic=config.topic,
        level=config.level,
        enabled=config.enabled,
        effective_from=config.effective_from,
    )


# --- topics -----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


def _names(topic: Topic) -> list[str]:
    return [_fold(topic.slug), _fold(topic.label), *(_fold(t) for t in topic.terms)]


TOPIC_ADVICE = (
    "Pick one from the list that appears as you type, or leave the option out for any topic."
)
"""What to do after an unknown topic, where the option autocompletes and may be left out."""


def resolve_topic(text: str, *, advice: str = TOPIC_ADVICE) -> str:
    """A topic slug from what an admin typed: the slug, the label or one of its terms.

    Autocomplete sends the slug; typing "recurrent networks" or "rnn" by hand works too.
    `advice` ends the refusal of an unknown topic (a form has no list to pick from).
    """
    wanted = _fold(text)
    if not wanted:
        raise ScheduleError("Please give a topic, or leave the option out for any topic.")
    for topic in TOPICS:
        if wanted in _names(topic):
            return topic.slug
    close = fuzzy.close_names(wanted, [t.label for t in TOPICS])
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise ScheduleError(f"No topic matches {quoted(text.strip())}.{hint} {advice}")


def topic_choices(partial: str, limit: int = 25) -> list[tuple[str, str]]:
    """(label, slug) pairs for autocomplete: names starting with the text first, then others
    that contain it; with nothing typed, every topic in vocabulary order."""
    wanted = _fold(partial)
    if not wanted:
        return [(t.label, t.slug) for t in TOPICS[:limit]]
    starts: list[tuple[str, str]] = []
    contains: list[tuple[str, str]] = []
    for topic in TOPICS:
        names = _names(topic)
        if any(n.startswith(wanted) for n in names):
            starts.append((topic.label, topic.slug))
        elif any(wanted in n for n in names):
            contains.append((topic.label, topic.slug))
    return (starts + contains)[:limit]


def topic_label(slug: str | None) -> str | None:
    topic = TOPICS_BY_SLUG.get(slug) if slug else None
    return topic.label if topic else slug


def topic_query(slug: str | None) -> str:
    """The recommender query that ranks a topic's resources (its label and main terms)."""
    topic = TOPICS_BY_SLUG.get(slug) if slug else None
    if topic is None:
        return GENERAL_QUERY
    return " ".join(dict.fromkeys([topic.label, *topic.terms[:3]]))


# --- candidates -------------------------------------------------------------------------------


def matches(resource: Resource, topic: str | None, level: str | None) -> bool:
    on_topic = topic is None or topic in resource.topics
    return on_topic and (level is None or resource.level == level)


def candidate_ids(
    resources: Iterable[Resource],
    ranked_ids: Sequence[str],
    topic: str | None,
    level: str | None,
) -> list[str]:
    """Every resource tagged with the topic at exactly the level, in the recommender's order.

    Membership comes from the catalog's tags, not from the ranking, so "no repeats until
    everything matching has been posted" covers all of them even when the text ranking
    leaves some out; those unranked ones follow in catalog order.
    """
    eligible = [r.id for r in resources if matches(r, topic, level)]
    allowed = set(eligible)
    ranked = [rid for rid in dict.fromkeys(ranked_ids) if rid in allowed]
    seen = set(ranked)
    return ranked + [rid for rid in eligible if rid not in seen]


def nothing_matches(resources: Iterable[Resource], topic: str | None, level: str | None) -> str:
    """Why a topic/level pair has no candidates, with what would work instead."""
    about = f"about {topic_label(topic)}" if topic else "in the catalog"
    other_levels = sorted({r.level for r in resources if matches(r, topic, None)})
    if level and other_levels:
        return (
            f"Nothing {about} is at the {level} level (there is some at: "
            f"{', '.join(other_levels)}). Choose another level, or leave it out."
        )
    return f"Nothing {about} can be suggested. Choose another topic, or leave it out."


# --- send failures ----------------------------------------------------------------------------


class Fault(enum.Enum):
    """What a failed send means for the schedule."""

    PERMANENT = "permanent"  # the channel is gone or closed to the bot: stop posting
    TRANSIENT = "transient"  # Discord or the network hiccuped: try again next tick


PERMANENT_STATUSES = frozenset({403, 404})


def classify_status(status: int | None) -> Fault:
    """403 (missing access/permissions) and 404 (unknown channel) end the schedule; every
    other failure (5xx, 429, a network error with no status) is retried next tick."""
    return Fault.PERMANENT if status in PERMANENT_STATUSES else Fault.TRANSIENT


def permanent_reason(status: int, channel_id: int, detail: str) -> str:
    """The text `/daily status` shows after the schedule was switched off."""
    where = f"<#{channel_id}>"
    if status == 404:
        return f"The channel {where} no longer exists (Discord: {detail})."
    return (
        f"I may no longer post in {where}: I need View Channel, Send Messages, Embed "
        f"Links and Read Message History there (Discord: {detail})."
    )


def post_nonce(guild_id: int, local_date: date) -> str:
    """The nonce of a guild's post for a local date: the same for every attempt at that post,
    by any process, so Discord (which keeps a nonce for a few minutes when asked to enforce
    it) returns the message it already has instead of posting it again. 24 characters
    (Discord allows 25), derived, not stored."""
    digest = hashlib.sha256(f"deepread-daily:{guild_id}:{local_date.isoformat()}".encode())
    return "dd" + digest.hexdigest()[:22]


def failure_note(when: datetime, text: str) -> str:
    """A stored error line: when it happened (as a Discord timestamp) and what."""
    return f"<t:{int(when.timestamp())}:f> — {text}"


__all__ = [
    "WEEKDAY_NAMES",
    "DailySchedule",
    "Fault",
    "Frequency",
    "ScheduleError",
    "candidate_ids",
    "classify_status",
    "discord_timestamp",
    "failure_note",
    "local_weekday",
    "next_post_time",
    "nothing_matches",
    "parse_time",
    "parse_timezone",
    "permanent_reason",
    "post_nonce",
    "resolve_topic",
    "schedule_of",
    "timezone_choices",
    "topic_choices",
    "topic_label",
    "topic_query",
]
