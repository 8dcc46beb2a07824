"""What the service answers about server catalogs: suggestions, reviews, additions (issue 11).

Frozen dataclasses both faces render; every text in them is already inert plain data (fetched
text is cleaned by `recommender.fetched.details`), and each answer carries a `message`: one
plain sentence a face may show as it is (after its own markdown escaping).

A server's addition is an ordinary catalog `Resource` whose `origin` is `SERVER_ORIGIN`
("server"): `Resource.added_by_server` is how a face tells it apart and says "added by this
server". Its id is a slug plus a short suffix derived from the server
(`attention-is-all-you-need-k3x9q`), unique across servers, so members' reading lists,
progress and exports keep it anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from bot.service.validation import ServiceError
from recommender.resource import SERVER_ORIGIN, Resource

__all__ = [
    "SERVER_ORIGIN",
    "AddOutcome",
    "AdditionsPage",
    "CatalogCleared",
    "Classification",
    "Decision",
    "DetailsNeeded",
    "GuildDeparture",
    "LimitReached",
    "PurgeReport",
    "ReviewCard",
    "ReviewPage",
    "SuggestOutcome",
    "Suggestion",
    "SuggestionRefused",
    "UnknownSuggestion",
]

SuggestionStatus = Literal["pending", "approved", "rejected"]


class SuggestionRefused(ServiceError):
    """A link that is never stored (`javascript:`, a Discord invite, a private address, a
    page too large or too slow): the message says why; nothing was written."""


class LimitReached(ServiceError):
    """A cap was reached (suggestions per member per day, pending per server, additions per
    server): the message says which and when to try again; nothing was written."""


class UnknownSuggestion(ServiceError):
    """No suggestion with that id in this server."""


class DetailsNeeded(ServiceError):
    """`add_to_catalog` could not fetch the link's details and none were typed.

    `problem` says what could not be fetched; a face asks the moderator for a title (and
    optionally authors, year, description) and calls `add_to_catalog` again with them.
    """

    def __init__(self, message: str, *, link: str = "", problem: str = "") -> None:
        super().__init__(message)
        self.link = link
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Classification:
    """The classifier's prefill for a moderator: kind, level and up to three topic slugs."""

    kind: str
    level: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One member's suggestion: what they typed, what was fetched, and its fate.

    `member_id` is None after the member asked to be forgotten (a decided suggestion stays, as
    the record of why its resource is in the catalog). `problem` says what could not be
    fetched when the details are only what the member typed.
    """

    id: int
    guild_id: int
    member_id: int | None
    link: str
    note: str | None
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    description: str | None
    url: str | None
    kind: str | None
    status: SuggestionStatus
    created_at: dt.datetime
    problem: str | None = None
    reason: str | None = None
    decided_by: int | None = None
    decided_at: dt.datetime | None = None
    resource_id: str | None = None

    @property
    def shown_title(self) -> str:
        """The title to show: the fetched one, else the link as typed."""
        return self.title or self.link


@dataclass(frozen=True, slots=True)
class SuggestOutcome:
    """`filed` (a new suggestion for the moderators) or `duplicate` (already in the catalog:
    `existing` is that entry, or already suggested: `pending` is that suggestion)."""

    status: Literal["filed", "duplicate"]
    suggestion: Suggestion | None = None
    existing: Resource | None = None
    pending: Suggestion | None = None

    @property
    def fetched(self) -> bool:
        return self.suggestion is not None and self.suggestion.problem is None

    @property
    def message(self) -> str:
        if self.existing is not None:
            return f"Already in the catalog: “{self.existing.title}” ({self.existing.id})."
        if self.pending is not None:
            return f"“{self.pending.shown_title}” was already suggested and awaits review."
        assert self.suggestion is not None
        found = self.suggestion
        if found.problem:
            return (
                f"Suggestion filed for the moderators, with what you typed: {found.problem}, "
                "so its details could not be fetched."
            )
        return f"Suggestion filed for the moderators: “{found.shown_title}”."


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """A pending suggestion with the classifier's prefill for the Approve form."""

    suggestion: Suggestion
    prefill: Classification


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """A page of the review queue, oldest first; `total` pending in the server."""

    cards: tuple[ReviewCard, ...]
    offset: int
    total: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.cards)
        return following if following < self.total else None


@dataclass(frozen=True, slots=True)
class Decision:
    """What a moderator's Approve or Reject did.

    `outcome` is `approved`/`rejected` for the click that decided, `already` when another
    moderator (or a double click) decided first (`status` then says how), `duplicate` when the
    approval found the resource already in the catalog (`resource` is that entry).
    `suggester_id` and `reason` let a face tell the suggester privately.
    """

    suggestion_id: int
    outcome: Literal["approved", "rejected", "already", "duplicate"]
    status: SuggestionStatus
    suggester_id: int | None
    resource: Resource | None = None
    reason: str | None = None

    @property
    def message(self) -> str:
        title = f"“{self.resource.title}”" if self.resource is not None else "the suggestion"
        if self.outcome == "approved":
            assert self.resource is not None
            return f"Approved: {title} ({self.resource.id}) is now in this server's catalog."
        if self.outcome == "rejected":
            why = f" Reason: {self.reason}" if self.reason else ""
            return f"Rejected suggestion #{self.suggestion_id}.{why}"
        if self.outcome == "duplicate":
            return f"Already in the catalog: {title}; the suggestion was closed."
        return f"Suggestion #{self.suggestion_id} was already {self.status}."


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """`added` (a new entry of the server's catalog) or `duplicate` (`resource` is the entry
    already there). `problem` says what could not be fetched when typed details were used."""

    status: Literal["added", "duplicate"]
    resource: Resource
    problem: str | None = None

    @property
    def message(self) -> str:
        if self.status == "duplicate":
            return f"Already in the catalog: “{self.resource.title}” ({self.resource.id})."
        return f"Added “{self.resource.title}” ({self.resource.id}) to this server's catalog."


@dataclass(frozen=True, slots=True)
class AdditionsPage:
    """A page of the server's additions, newest first; `total` in the server."""

    resources: tuple[Resource, ...]
    offset: int
    total: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.resources)
        return following if following < self.total else None


@dataclass(frozen=True, slots=True)
class GuildDeparture:
    """The bot left a server: its catalog is deleted after `delete_after` unless it returns."""

    guild_id: int
    delete_after: dt.datetime


@dataclass(frozen=True, slots=True)
class CatalogCleared:
    """What clearing one server's catalog deleted."""

    guild_id: int
    resources: int
    suggestions: int


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What `purge_departed_guilds` deleted: one `CatalogCleared` per server past its grace."""

    cleared: tuple[CatalogCleared, ...]
