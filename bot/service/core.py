"""The one API both faces (Discord and CLI) use: plain ids in, frozen dataclasses out.

Validation lives here so that both faces give the same friendly message for the same
mistake, and nothing is written when the input is bad. A user with no rows is not an error:
they get empty lists and default preferences. The recommender is anything with the
`RecommenderLike` shape, so this module does not depend on how ranking is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

from bot.service import export as exports
from bot.service.entries import ReadingEntry
from bot.service.guilds import GuildSettingsMixin
from bot.service.ports import PathPlannerLike, ReadingProfile, RecommenderLike
from bot.service.progress import PathError, Progress, compute_progress
from bot.service.validation import (
    ServiceError,
    UnknownResource,
    check_level,
    check_rating,
    check_snowflake,
    check_status,
    check_timezone,
)
from bot.settings import Settings
from bot.store import Store
from bot.store.engine import DEFAULT_BUSY_TIMEOUT_MS
from bot.store.migrate import upgrade_database
from bot.store.models import STATUSES, TITLE_LENGTH
from bot.store.records import StoredEntry
from recommender.catalog import Catalog
from recommender.resource import Resource
from recommender.vocabulary import KINDS

LIST_STATUSES = ("reading", "saved", "done")


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended resource; `why` says in a few words what matched."""

    resource: Resource
    score: float
    why: str = ""


@dataclass(frozen=True, slots=True)
class MarkResult:
    """The entry after marking; `changed` is False for a repeat of the same mark."""

    entry: ReadingEntry
    previous_status: str | None
    changed: bool

    @property
    def message(self) -> str:
        """One plain sentence for either face (a CLI line, a Discord confirmation)."""
        entry = self.entry
        if not self.changed:
            return f"“{entry.title}” ({entry.resource_id}) was already {entry.status}."
        was = f" (was {self.previous_status})" if self.previous_status else ""
        rated = f", rated {entry.rating}/5" if entry.rating else ""
        return f"Marked “{entry.title}” ({entry.resource_id}) as {entry.status}{was}{rated}."


@dataclass(frozen=True, slots=True)
class Preferences:
    user_id: int
    default_level: str | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class ForgetResult:
    user_id: int
    existed: bool
    entries_deleted: int


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Service(GuildSettingsMixin):
    """Reading state, progress, exports and guild settings over a Store and a Catalog."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        recommender: RecommenderLike | None = None,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.recommender = recommender
        self.clock = clock

    @classmethod
    async def open(
        cls,
        url: str,
        catalog: Catalog,
        recommender: RecommenderLike | None = None,
        *,
        migrate: bool = True,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> Service:
        """Open the database at `url` (applying migrations unless `migrate` is False)."""
        store = Store.open(url, busy_timeout_ms=busy_timeout_ms)
        if migrate:
            try:
                await upgrade_database(url, engine=store.engine)
            except BaseException:
                await store.close()
                raise
        return cls(store, catalog, recommender, clock=clock)

    @classmethod
    async def from_settings(
        cls, settings: Settings, catalog: Catalog, recommender: RecommenderLike | None = None
    ) -> Service:
        """What the bot and the CLI call on start: DATABASE_URL, migrated, ready."""
        return await cls.open(settings.database_url, catalog, recommender)

    async def aclose(self) -> None:
        await self.store.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # --- entries ------------------------------------------------------------------------------

    def _entry(self, stored: StoredEntry) -> ReadingEntry:
        return ReadingEntry(
            resource_id=stored.resource_id,
            title=stored.title,
            status=stored.status,
            rating=stored.rating,
            added_at=stored.created_at,
            updated_at=stored.updated_at,
            done_at=stored.done_at,
            resource=self.catalog.by_id(stored.resource_id),
        )

    async def entries(self, user_id: int) -> list[ReadingEntry]:
        """Every entry of the user, dismissed included, most recently changed first."""
        check_snowflake(user_id)
        return [self._entry(e) for e in await self.store.entries(user_id)]

    async def mark(
        self, user_id: int, resource_id: str, status: str, *, rating: int | None = None
    ) -> MarkResult:
        """Set a resource's status for the user (idempotent); optionally rate it 1-5.

        A resource no longer in the catalog may still be re-marked if the user has it.
        """
        check_snowflake(user_id)
        status = check_status(status)
        rating = check_rating(rating)
        resource = self.catalog.by_id(resource_id)
        if resource is None:
            known = {e.resource_id: e for e in await self.store.entries(user_id)}
            if resource_id not in known:
                raise UnknownResource(f"unknown resource {resource_id!r}")
            title = known[resource_id].title
        else:
            title = resource.title[:TITLE_LENGTH]
        outcome = await self.store.mark(
            user_id, resource_id, title=title, status=status, rating=rating, now=self.clock()
        )
        return MarkResult(self._entry(outcome.entry), outcome.previous_status, outcome.changed)

    async def reading_list(
        self, user_id: int, statuses: Collection[str] = LIST_STATUSES
    ) -> list[ReadingEntry]:
        """The user's list: reading first, then saved, then done; newest first within each."""
        wanted = [check_status(s) for s in statuses]
        entries = [e for e in await self.entries(user_id) if e.status in wanted]
        order = {s: i for i, s in enumerate(("reading", "saved", "done", "dismissed"))}
        return sorted(entries, key=lambda e: order[e.status])  # stable: keeps newest first

    # --- preferences --------------------------------------------------------------------------

    async def preferences(self, user_id: int) -> Preferences:
        check_snowflake(user_id)
        user = await self.store.get_user(user_id)
        if user is None:
            return Preferences(user_id)
        return Preferences(user_id, user.default_level, user.timezone or "UTC")

    async def set_preferences(
        self,
        user_id: int,
        *,
        default_level: str | None = None,
        timezone: str | None = None,
        clear_level: bool = False,
    ) -> Preferences:
        check_snowflake(user_id)
        values: dict[str, str | None] = {}
        if clear_level:
            values["default_level"] = None
        elif default_level is not None:
            values["default_level"] = check_level(default_level)
        if timezone is not None:
            values["timezone"] = check_timezone(timezone)
        user = await self.store.set_user_preferences(user_id, values, self.clock())
        return Preferences(user_id, user.default_level, user.timezone or "UTC")

    # --- recommendations and progress ---------------------------------------------------------

    async def profile(self, user_id: int) -> ReadingProfile:
        """What the recommender may learn from the user's history."""
        return _profile(await self.store.entries(check_snowflake(user_id)))

    async def recommend_for_user(
        self,
        user_id: int,
        query: str = "",
        *,
        level: str | None = None,
        kind: str | None = None,
        k: int = 5,
    ) -> list[Recommendation]:
        """Recommendations without what the user read or dismissed, ranked with their history.

        Without an explicit level, the user's default level (if set) applies.
        """
        if self.recommender is None:
            raise ServiceError("recommendations are not available here (no recommender)")
        if not 1 <= k <= 50:
            raise ServiceError(f"invalid count {k}: ask for 1 to 50 recommendations")
        if kind is not None and kind not in KINDS:
            raise ServiceError(f"invalid kind {kind!r} (one of: {', '.join(KINDS)})")
        level = check_level(level)
        user, entries = await self.store.user_and_entries(check_snowflake(user_id))
        if level is None and user is not None:
            level = user.default_level
        exclude = tuple(e.resource_id for e in entries if e.status in ("done", "dismissed"))
        results = self.recommender.recommend(
            query, level=level, kind=kind, k=k, exclude=exclude, profile=_profile(entries)
        )
        return [Recommendation(r.resource, float(r.score), r.why) for r in results.results]

    async def progress(
        self, user_id: int, *, path: str | None = None, recent: int = 10
    ) -> Progress:
        """Totals, by topic and level, streak, recent activity, and a learning path's
        completion when `path` (a topic slug or a resource id) is given."""
        user, stored = await self.store.user_and_entries(check_snowflake(user_id))
        tz = ZoneInfo(user.timezone if user is not None and user.timezone else "UTC")
        entries = [self._entry(e) for e in stored]
        planned = self._planned_path(path) if path else None
        try:
            return compute_progress(
                user_id,
                entries,
                self.catalog,
                today=self.clock().astimezone(tz).date(),
                tz=tz,
                path=path,
                path_resources=planned,
                recent=recent,
            )
        except PathError as exc:
            raise ServiceError(str(exc)) from None

    def _planned_path(self, name: str) -> tuple[Resource, ...] | None:
        """The recommender's path for a topic, when it plans paths (else the catalog's own)."""
        if self.catalog.by_id(name) is not None or not isinstance(
            self.recommender, PathPlannerLike
        ):
            return None
        try:
            planned = self.recommender.path(name)
        except (LookupError, ValueError):
            return None
        steps = tuple(step.resource for step in planned.steps)
        return steps or None

    # --- export and forgetting ----------------------------------------------------------------

    async def export(self, user_id: int, fmt: str, *, include_dismissed: bool = False) -> str:
        """The user's list as `md`, `bib`, `csv` or `json` text."""
        name = exports.normalize_format(fmt)
        if name is None:
            raise ServiceError(f"unknown format {fmt!r} (one of: {', '.join(exports.FORMATS)})")
        statuses = STATUSES if include_dismissed else LIST_STATUSES
        entries = await self.reading_list(user_id, statuses)
        return exports.render(entries, name)

    async def export_all(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, as one JSON-ready document."""
        prefs = await self.preferences(user_id)
        user = await self.store.get_user(user_id)
        return {
            "user_id": str(user_id),
            "exported_at": self.clock().isoformat(),
            "created_at": user.created_at.isoformat() if user else None,
            "preferences": {"default_level": prefs.default_level, "timezone": prefs.timezone},
            "entries": [exports.entry_dict(e) for e in await self.entries(user_id)],
        }

    async def forget(self, user_id: int) -> ForgetResult:
        """Delete everything stored about the user."""
        outcome = await self.store.forget_user(check_snowflake(user_id))
        return ForgetResult(user_id, outcome.user_existed, outcome.entries_deleted)


def _profile(entries: Sequence[StoredEntry]) -> ReadingProfile:
    liked = tuple(e.resource_id for e in entries if e.status in ("done", "saved", "reading"))
    dismissed = tuple(e.resource_id for e in entries if e.status == "dismissed")
    return ReadingProfile(liked, dismissed)
