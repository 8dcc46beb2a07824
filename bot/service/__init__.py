"""The one door: everything either face (Discord, the terminal) may ask of deepread.

Plain ids and text in, frozen dataclasses out. The faces import this package (its result
types and the presentation vocabulary it re-exports) and nothing below it: not the engine,
the index, the store or the ingest code. A catalog `Resource` is plain frozen data and
travels as it is; level and kind names, topic labels and the id pattern are the presentation
vocabulary the faces need; `write_atomically` is how a face writes a file the user asked for
(an export, a catalog), all or nothing. `tests/test_import_contracts.py` holds them to it.
"""

import importlib
from typing import TYPE_CHECKING, Any

from bot.service.answers import (
    CATALOG_SCOPE,
    Answer,
    Choice,
    LearningPath,
    PaperAnswer,
    PaperCard,
    Passage,
    PathStep,
    Recommendation,
    Recommendations,
    Similar,
    nothing_on,
)
from bot.service.core import ForgetResult, MarkResult, Preferences, Service
from bot.service.entries import ReadingEntry
from bot.service.guilds import GuildConfig, default_guild
from bot.service.server_catalog import CatalogLimits
from bot.service.validation import ServiceError, UnknownResource
from bot.store.errors import StoreError
from bot.store.records import PostRecord
from recommender.catalog import ID_PATTERN, CatalogError
from recommender.files import WriteFailed, write_atomically
from recommender.resource import Resource
from recommender.vocabulary import KINDS, LEVELS, topic_label

if TYPE_CHECKING:
    from bot.service.catalog_answers import (
        SERVER_ORIGIN,
        AdditionsPage,
        AddOutcome,
        CatalogCleared,
        Classification,
        Decision,
        DetailsNeeded,
        GuildDeparture,
        LimitReached,
        PurgeReport,
        ReviewCard,
        ReviewPage,
        Suggestion,
        SuggestionRefused,
        SuggestOutcome,
        UnknownSuggestion,
    )
    from bot.service.club_answers import (
        Announced,
        AnnouncementPlan,
        ClubConfig,
        ClubStatus,
        EventPlan,
        PickResult,
        PollChoice,
        PollPlan,
        PollRef,
        SkipResult,
        StopResult,
        VoteLine,
    )
    from bot.service.community_answers import (
        PERIODS,
        Discussion,
        FeedbackCounts,
        Frontier,
        Leaderboard,
        LeaderRow,
        NextStep,
        Popular,
        PopularItem,
    )

_LAZY: dict[str, str] = {
    **dict.fromkeys(
        (
            "SERVER_ORIGIN",
            "AdditionsPage",
            "AddOutcome",
            "CatalogCleared",
            "Classification",
            "Decision",
            "DetailsNeeded",
            "GuildDeparture",
            "LimitReached",
            "PurgeReport",
            "ReviewCard",
            "ReviewPage",
            "Suggestion",
            "SuggestionRefused",
            "SuggestOutcome",
            "UnknownSuggestion",
        ),
        "bot.service.catalog_answers",
    ),
    **dict.fromkeys(
        (
            "Announced",
            "AnnouncementPlan",
            "ClubConfig",
            "ClubStatus",
            "EventPlan",
            "PickResult",
            "PollChoice",
            "PollPlan",
            "PollRef",
            "SkipResult",
            "StopResult",
            "VoteLine",
        ),
        "bot.service.club_answers",
    ),
    **dict.fromkeys(
        (
            "PERIODS",
            "Discussion",
            "FeedbackCounts",
            "Frontier",
            "Leaderboard",
            "LeaderRow",
            "NextStep",
            "Popular",
            "PopularItem",
        ),
        "bot.service.community_answers",
    ),
}
"""Answer types of server catalogs, the reading club and the server as a group, by module:
imported when a face first names one (see `bot.service.lazy`), so a terminal question about
the catalog does not create them."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bot.service' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CATALOG_SCOPE",
    "ID_PATTERN",
    "KINDS",
    "LEVELS",
    "PERIODS",
    "SERVER_ORIGIN",
    "AddOutcome",
    "AdditionsPage",
    "Announced",
    "AnnouncementPlan",
    "Answer",
    "CatalogCleared",
    "CatalogError",
    "CatalogLimits",
    "Choice",
    "Classification",
    "ClubConfig",
    "ClubStatus",
    "Decision",
    "DetailsNeeded",
    "Discussion",
    "EventPlan",
    "FeedbackCounts",
    "ForgetResult",
    "Frontier",
    "GuildConfig",
    "GuildDeparture",
    "LeaderRow",
    "Leaderboard",
    "LearningPath",
    "LimitReached",
    "MarkResult",
    "NextStep",
    "PaperAnswer",
    "PaperCard",
    "Passage",
    "PathStep",
    "PickResult",
    "PollChoice",
    "PollPlan",
    "PollRef",
    "Popular",
    "PopularItem",
    "PostRecord",
    "Preferences",
    "PurgeReport",
    "ReadingEntry",
    "Recommendation",
    "Recommendations",
    "Resource",
    "ReviewCard",
    "ReviewPage",
    "Service",
    "ServiceError",
    "Similar",
    "SkipResult",
    "StopResult",
    "StoreError",
    "SuggestOutcome",
    "Suggestion",
    "SuggestionRefused",
    "UnknownResource",
    "UnknownSuggestion",
    "VoteLine",
    "WriteFailed",
    "default_guild",
    "nothing_on",
    "topic_label",
    "write_atomically",
]
