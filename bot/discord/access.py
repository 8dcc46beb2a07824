"""What a command needs from `bot.services`, typed, or a friendly "not available" error.

`Services` keeps its fields optional (tests may leave any out), so each feature asks for what
it uses here and a bot missing a part answers politely instead of crashing. `user_errors`
turns the service's validation errors (the user's to fix) into `UserFacingError`s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, cast

import discord

from bot.discord import formatting
from bot.discord.errors import UserFacingError
from bot.discord.resources import inert
from bot.discord.services import Services
from bot.service import Service
from bot.service.validation import ServiceError
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.query import QueryError, check_query

_UNAVAILABLE = "That part of deepread isn't available right now."
_LATER = "Please try again later."


def services(interaction: discord.Interaction[Any]) -> Services:
    found = getattr(interaction.client, "services", None)
    if not isinstance(found, Services):
        raise UserFacingError(_UNAVAILABLE, suggestion=_LATER)
    return found


def catalog(interaction: discord.Interaction[Any]) -> Catalog:
    found = services(interaction).catalog
    if found is None:
        raise UserFacingError(_UNAVAILABLE, suggestion=_LATER)
    return found


def engine(interaction: discord.Interaction[Any]) -> Engine:
    found = services(interaction).engine
    if found is None:
        raise UserFacingError(_UNAVAILABLE, suggestion=_LATER)
    return cast(Engine, found)


def service(interaction: discord.Interaction[Any]) -> Service:
    found = services(interaction).service
    if found is None:
        raise UserFacingError("Your reading history isn't available right now.", suggestion=_LATER)
    return cast(Service, found)


@contextlib.contextmanager
def user_errors(suggestion: str | None = None) -> Iterator[None]:
    """Re-raise the service's `ServiceError` (bad input, nothing written) as user-facing."""
    try:
        yield
    except ServiceError as exc:
        message = inert(formatting.truncate(str(exc), 500))
        text = message[:1].upper() + message[1:] + "."
        raise UserFacingError(text, suggestion=suggestion) from exc


def query_text(text: str, *, example: str) -> str:
    """The cleaned query, or a friendly error for empty, symbol-only or over-long text."""
    try:
        return check_query(text)
    except QueryError as exc:
        message = inert(str(exc))
        raise UserFacingError(
            message[:1].upper() + message[1:] + ".", suggestion=f"For example {example}."
        ) from None
