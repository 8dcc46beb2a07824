"""The store's value vocabulary, without SQLAlchemy: what the service validates against
before anything is written, importable by code that never opens a database."""

from __future__ import annotations

STATUSES: tuple[str, ...] = ("saved", "reading", "done", "dismissed")
"""A reading entry's status; `done` counts as read, `dismissed` means "never suggest it"."""

FREQUENCIES: tuple[str, ...] = ("daily", "weekdays", "weekly")
"""How often a guild's daily post goes out."""

CADENCES: tuple[str, ...] = ("weekly", "fortnightly")
"""How often a server's reading club meets (mirrors `bot.club.Cadence`)."""

CYCLE_STATES: tuple[str, ...] = ("pending", "announced", "skipped")
"""Where a club cycle stands (mirrors `bot.club.CycleState`)."""

VERDICTS: tuple[str, ...] = ("useful", "not_for_us")
"""A member's feedback on a posted resource (mirrors `bot.club.Verdict`)."""

SOURCES: tuple[str, ...] = ("daily", "club")
"""The post a feedback vote was given on."""

RESOURCE_ID_LENGTH = 80
TITLE_LENGTH = 500
LINK_LENGTH = 2000
"""A stored link (fetched details keep URLs of at most this length)."""
NOTE_LENGTH = 500
"""A member's note, a moderator's reason, a fetch problem."""
KEY_LENGTH = 200
"""An arXiv id or a DOI."""

SUGGESTION_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected")
"""A suggestion for a server's catalog awaits review, or was approved or rejected."""

DEFAULT_BUSY_TIMEOUT_MS = 5000
"""How long SQLite waits for a lock before the store's own retries take over."""
