"""The one door: everything either face (Discord, the terminal) may ask of deepread.

Plain ids and text in, frozen dataclasses out. The faces import this package (its result
types and the presentation vocabulary it re-exports) and nothing below it: not the engine,
the index, the store or the ingest code. `tests/test_import_contracts.py` holds them to it.
"""

from bot.service.core import (
    ForgetResult,
    MarkResult,
    Preferences,
    Recommendation,
    Service,
)
from bot.service.entries import ReadingEntry
from bot.service.guilds import GuildConfig, default_guild
from bot.service.ports import ReadingProfile, RecommenderLike
from bot.service.validation import ServiceError, UnknownResource

__all__ = [
    "ForgetResult",
    "GuildConfig",
    "MarkResult",
    "Preferences",
    "ReadingEntry",
    "ReadingProfile",
    "Recommendation",
    "RecommenderLike",
    "Service",
    "ServiceError",
    "UnknownResource",
    "default_guild",
]
