"""What a command needs from `bot.services`: the service, or a friendly "not available".

`Services` keeps the service optional (tests of the shared infrastructure leave it out), so a
bot missing it answers politely instead of crashing. `user_errors` turns the service's
validation errors (the user's to fix) into `UserFacingError`s, with "did you mean" choices
when the service offers candidates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import discord
from discord import app_commands

from bot.discord import formatting
from bot.discord.errors import UserFacingError
from bot.discord.resources import inert
from bot.discord.services import Services
from bot.service import Choice, Service, ServiceError, UnknownResource

_UNAVAILABLE = "That part of deepread isn't available right now."
_LATER = "Please try again later."
PICK_FROM_LIST = "Start typing a title and pick it from the list, or try /recommend."


def services(interaction: discord.Interaction[Any]) -> Services:
    found = getattr(interaction.client, "services", None)
    if not isinstance(found, Services):
        raise UserFacingError(_UNAVAILABLE, suggestion=_LATER)
    return found


def service(interaction: discord.Interaction[Any]) -> Service:
    found = services(interaction).service
    if found is None:
        raise UserFacingError(_UNAVAILABLE, suggestion=_LATER)
    return found


def sentence(text: str) -> str:
    """A service message as a sentence for chat: inert, clipped, capitalised, one full stop."""
    message = inert(formatting.truncate(text, 500)).rstrip(".")
    return message[:1].upper() + message[1:] + "."


def _did_you_mean(exc: UnknownResource) -> UserFacingError:
    if not exc.query:  # nothing typed
        return UserFacingError(
            "Tell me which resource: start typing its title and pick one from the list.",
            suggestion="Use /recommend to find something to read.",
        )
    shown = inert(formatting.truncate(exc.query, 80))
    if not exc.candidates:
        return UserFacingError(
            f"I couldn't find a resource matching “{shown}”.", suggestion=PICK_FROM_LIST
        )
    options = "\n".join(
        f"• {inert(formatting.truncate(r.title, 120))} (`{r.id}`)" for r in exc.candidates[:5]
    )
    return UserFacingError(
        f"I'm not sure which resource “{shown}” is. Did you mean:\n{options}",
        suggestion="Pick one from the autocomplete list to be sure.",
    )


@contextlib.contextmanager
def user_errors(suggestion: str | None = None) -> Iterator[None]:
    """Re-raise the service's `ServiceError` (bad input, nothing written) as user-facing."""
    try:
        yield
    except UnknownResource as exc:
        raise _did_you_mean(exc) from exc
    except ServiceError as exc:
        raise UserFacingError(sentence(str(exc)), suggestion=suggestion) from exc


def query_text(interaction: discord.Interaction[Any], text: str, *, example: str) -> str:
    """The cleaned query, or a friendly error for empty, symbol-only or over-long text."""
    with user_errors(suggestion=f"For example {example}."):
        return service(interaction).clean_query(text)


def choices(found: list[Choice]) -> list[app_commands.Choice[str]]:
    """The service's autocomplete choices, fitted to Discord's limits."""
    return formatting.choices((c.name, c.value) for c in found)
