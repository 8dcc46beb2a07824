"""Topics as a moderator types them: `rnn, Transformers` (slugs, labels or their terms).

One reading for /catalog add's option and the review card's "Topics…" form, and the same
rule as /daily's topic option (`resolve_topic`), so a topic typed anywhere means one thing.
"""

from __future__ import annotations

from discord import app_commands

from bot.discord import access, formatting
from bot.discord.errors import UserFacingError
from bot.service.daily_planning import resolve_topic, topic_choices

MAX_TOPICS = 5
"""Topics one addition may have (the service's cap too)."""
ADVICE = (
    "Name topics as the vocabulary does (e.g. Transformers, Reinforcement learning), "
    "separated by commas, or leave them out for my guess."
)
"""After an unknown topic: typed in /catalog add or in the card's Topics… form (no list)."""


def split_topics(text: str | None) -> tuple[str, ...]:
    """`rnn, Transformers` → topic slugs, each resolved like /daily's topic option."""
    if not text:
        return ()
    slugs: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            slug = resolve_topic(part[:100], advice=ADVICE)
        except ValueError as exc:
            raise UserFacingError(
                access.sentence(str(exc)), suggestion="Nothing was changed."
            ) from exc
        if slug not in slugs:
            slugs.append(slug)
    if len(slugs) > MAX_TOPICS:
        raise UserFacingError(
            f"Give at most {MAX_TOPICS} topics; the closest ones are the most useful.",
            suggestion="Nothing was changed.",
        )
    return tuple(slugs)


def topics_autocomplete_choices(current: str) -> list[app_commands.Choice[str]]:
    """Complete the last of comma-separated topics, keeping the ones already typed."""
    done, _, last = current.rpartition(",")
    kept = ", ".join(p.strip() for p in done.split(",") if p.strip())
    prefix = f"{kept}, " if kept else ""
    return formatting.choices(
        (f"{prefix}{label}", f"{prefix}{slug}") for label, slug in topic_choices(last.strip())
    )
