"""The one API both faces (Discord and CLI) use: plain ids in, frozen dataclasses out.

Validation lives here so that both faces give the same friendly message for the same
mistake, and nothing is written when the input is bad. A user with no rows is not an error:
they get empty lists and default preferences. Finding reading
(recommend, paper, ask, similar, path, resolve) is the `DiscoveryMixin` half; guild settings
and the daily post log the `GuildSettingsMixin` half.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from zoneinfo import ZoneInfo

from bot.service import export as exports
from bot.service.answers import Recommendation
from bot.service.club import ClubMixin
from bot.service.community import CommunityMixin
from bot.service.discovery import DiscoveryMixin, UserView, off_loop
from bot.service.entries import ReadingEntry
from bot.service.guilds import GuildSettingsMixin
from bot.service.progress import Progress, compute_progress
from bot.service.server_catalog import (
    CatalogLimits,
    ServerCatalogMixin,
    fetcher_from,
    limits_from,
)
from bot.service.server_views import ServerViews
from bot.service.user_views import UserViews
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
from bot.store.values import DEFAULT_BUSY_TIMEOUT_MS, STATUSES, TITLE_LENGTH

if TYPE_CHECKING:
    from bot.store import Store
    from recommender.fetched.fetcher import DetailsFetcher
from bot.store.records import StoredEntry
from recommender import loading
from recommender.catalog import ID_PATTERN, Catalog
from recommender.engine import Engine
from recommender.loading import read_catalog
from recommender.personal import Profile
from recommender.resource import Resource

LIST_STATUSES = ("reading", "saved", "done")


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
    """What forgetting a user deleted: their entries, their feedback votes and server
    memberships (with them their club participation and leaderboard presence), and their
    pending suggestions to server catalogs (decided ones stay, without their id)."""

    user_id: int
    existed: bool
    entries_deleted: int
    suggestions_deleted: int = 0
    votes_deleted: int = 0
    memberships_deleted: int = 0


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Service(DiscoveryMixin, GuildSettingsMixin, ServerCatalogMixin, ClubMixin, CommunityMixin):
    """Reading state, progress, exports, guild settings, server catalogs, the reading club
    and the server as a group (feedback, popular, next, leaderboard) over a Store and a
    Catalog."""

    def __init__(
        self,
        store: Store | Callable[[], Store],
        catalog: Catalog,
        recommender: Engine | None = None,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        fetcher: DetailsFetcher | Callable[[], DetailsFetcher] | None = None,
        catalog_limits: CatalogLimits | None = None,
    ) -> None:
        """`store` is the store, or how to open it on first use (a question about the
        catalog alone then never opens a database). `fetcher` fetches suggested links'
        details, or is how to build it on first use (the default one refuses every private
        address and uses the real arXiv and Crossref); `catalog_limits` caps server
        catalogs."""
        self._store: Store | None = None if callable(store) else store
        self._open_store: Callable[[], Store] | None = store if callable(store) else None
        self.catalog = catalog
        self.recommender = recommender
        self.clock = clock
        self._fetcher: DetailsFetcher | None = None if callable(fetcher) else fetcher
        self._make_fetcher: Callable[[], DetailsFetcher] | None = (
            fetcher if callable(fetcher) else None
        )
        self.catalog_limits = catalog_limits or CatalogLimits()
        self._user_views: UserViews[UserView] = UserViews(self.load_user_view)
        self._store_timing: Callable[[str, float], None] | None = None
        self._server_views = ServerViews(
            lambda: (self.catalog, self.recommender),
            lambda guild_id: self.store.catalog_version(guild_id),
            self.server_additions_of,
        )
        self._members_noted: dict[tuple[int, int], dt.date] = {}
        self._suggesting: set[tuple[int, int]] = set()

    @property
    def server_views(self) -> ServerViews:
        return self._server_views

    @property
    def fetcher(self) -> DetailsFetcher:
        """The fetcher of suggested links (the HTTP client is imported on first use)."""
        if self._fetcher is None:
            if self._make_fetcher is not None:
                self._fetcher = self._make_fetcher()
            else:
                from recommender.fetched.fetcher import DetailsFetcher

                self._fetcher = DetailsFetcher()
        return self._fetcher

    @property
    def user_views(self) -> UserViews[UserView]:
        return self._user_views

    @property
    def store(self) -> Store:
        if self._store is None:
            assert self._open_store is not None
            self._store = self._open_store()
            self._store.timing = self._store_timing
        return self._store

    def time_store(self, timing: Callable[[str, float], None]) -> None:
        """Report each database transaction's ("read"/"write", seconds) to `timing`: how a
        host's metrics see database latency without the service knowing about metrics."""
        self._store_timing = timing
        if self._store is not None:
            self._store.timing = timing

    async def ping(self) -> None:
        """Raise StoreError unless the database answers (health checks)."""
        await self.store.ping()

    @classmethod
    async def open(
        cls,
        url: str,
        catalog: Catalog,
        recommender: Engine | None = None,
        *,
        migrate: bool = True,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        clock: Callable[[], dt.datetime] = utc_now,
        fetcher: DetailsFetcher | Callable[[], DetailsFetcher] | None = None,
        catalog_limits: CatalogLimits | None = None,
    ) -> Service:
        """Open the database at `url`, migrated; without `migrate`, the database is opened
        (and SQLAlchemy imported) only when something first needs it."""
        options: dict[str, Any] = {
            "clock": clock,
            "fetcher": fetcher,
            "catalog_limits": catalog_limits,
        }
        if not migrate:
            return cls(lambda: _open_store(url, busy_timeout_ms), catalog, recommender, **options)
        from bot.store.migrate import upgrade_database

        store = _open_store(url, busy_timeout_ms)
        try:
            await upgrade_database(url, engine=store.engine)
        except BaseException:
            await store.close()
            raise
        return cls(store, catalog, recommender, **options)

    @classmethod
    async def from_settings(
        cls,
        settings: Settings,
        *,
        recommender: bool = True,
        migrate: bool = True,
        fit_apart: bool = False,
    ) -> Service:
        """The composition root both faces call: the catalog at CATALOG_PATH, its engine
        (index cached under CACHE_DIR) unless `recommender` is False, and the database at
        DATABASE_URL, migrated. An empty catalog has nothing to index: the service still
        opens (history, settings) and discovery says it is unavailable.

        `fit_apart` (the bot: a process that lives for weeks) fills a cold cache in a child
        process, so that this one never imports what fitting needs (see loading.fit_apart);
        a one-shot command fits in place, which is quicker."""
        if fit_apart and recommender and settings.cache_dir:
            await asyncio.to_thread(loading.fit_apart, settings.catalog_path, settings.cache_dir)
        catalog = read_catalog(settings.catalog_path, settings.cache_dir)
        engine = None
        if recommender and len(catalog):
            engine = Engine.from_catalog(catalog, cache_dir=settings.cache_dir)
        return await cls.open(
            settings.database_url,
            catalog,
            engine,
            migrate=migrate,
            fetcher=lambda: fetcher_from(settings),
            catalog_limits=limits_from(settings),
        )

    async def aclose(self) -> None:
        if self._store is not None:
            await self._store.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # --- entries ------------------------------------------------------------------------------

    def _entry(
        self, stored: StoredEntry, additions: Mapping[str, Resource] | None = None
    ) -> ReadingEntry:
        """The entry joined with its resource: the base catalog's, or a server's addition
        (from `additions`, looked up by the caller: an addition stays in a member's list
        wherever they look at it)."""
        resource = self.catalog.by_id(stored.resource_id)
        if resource is None and additions:
            resource = additions.get(stored.resource_id)
        return ReadingEntry(
            resource_id=stored.resource_id,
            title=stored.title,
            status=stored.status,
            rating=stored.rating,
            added_at=stored.created_at,
            updated_at=stored.updated_at,
            done_at=stored.done_at,
            resource=resource,
        )

    def resource(self, resource_id: str, *, guild_id: int | None = None) -> Resource | None:
        """The resource with this id: the base catalog's, the server's addition (as last
        loaded), or any server's addition seen lately; None when unknown here (it may have
        left the catalog; `find_resource` also asks the database)."""
        found = self.catalog.by_id(resource_id)
        if found is None and guild_id is not None:
            found = self._peek(guild_id).resource(resource_id)
        return found or self.server_views.seen(resource_id)

    async def find_resource(
        self, resource_id: str, *, guild_id: int | None = None
    ) -> Resource | None:
        """The resource with this id: the base catalog's, or an addition of any server (ids of
        additions are unique across servers), or None."""
        found = self.catalog.by_id(resource_id)
        if found is None and guild_id is not None:
            found = (await self._scope(guild_id)).resource(resource_id)
        if found is None:
            found = (await self.additions_by_id([resource_id])).get(resource_id)
        return found

    async def entries(self, user_id: int) -> list[ReadingEntry]:
        """Every entry of the user, dismissed included, most recently changed first."""
        check_snowflake(user_id)
        stored = (await self.user_view(user_id)).entries
        additions = await self.additions_by_id([e.resource_id for e in stored])
        return [self._entry(e, additions) for e in stored]

    async def mark(
        self,
        user_id: int,
        resource_id: str,
        status: str,
        *,
        rating: int | None = None,
        guild_id: int | None = None,
    ) -> MarkResult:
        """Set a resource's status for the user (idempotent); optionally rate it 1-5.

        A resource no longer in the catalog may still be re-marked if the user has it; a
        server's addition may be marked by its id anywhere.
        """
        check_snowflake(user_id)
        status = check_status(status)
        rating = check_rating(rating)
        resource = await self.find_resource(resource_id, guild_id=guild_id)
        if resource is None:
            known = {e.resource_id: e for e in (await self.user_view(user_id)).entries}
            if resource_id not in known:
                raise UnknownResource(f"unknown resource {resource_id!r}", query=resource_id)
            title = known[resource_id].title
        else:
            title = resource.title[:TITLE_LENGTH]
        now = self.clock()
        outcome = await self.store.mark(
            user_id, resource_id, title=title, status=status, rating=rating, now=now
        )
        self.user_views.update(user_id, lambda view: view.marked(outcome.entry, now))
        additions = {resource.id: resource} if resource is not None else {}
        entry = self._entry(outcome.entry, additions)
        return MarkResult(entry, outcome.previous_status, outcome.changed)

    async def mark_text(
        self,
        user_id: int,
        text: str,
        status: str,
        *,
        rating: int | None = None,
        guild_id: int | None = None,
    ) -> MarkResult:
        """Mark the resource `text` names (an id, or a title typed by hand: see `resolve`),
        in the base catalog or the server's additions.

        An id the user already has stays markable after its resource left the catalog, and
        an addition's id is markable anywhere.
        """
        check_snowflake(user_id)
        wanted = text.strip()
        # Only what looks like an id can be one (a typed title has spaces or capitals): a
        # title then costs no look-up of the member's entries or of servers' additions.
        if ID_PATTERN.match(wanted) and self.catalog.by_id(wanted) is None:
            known = set((await self.user_view(user_id)).statuses)
            if wanted in known or await self.find_resource(wanted, guild_id=guild_id):
                return await self.mark(user_id, wanted, status, rating=rating, guild_id=guild_id)
        resource = await self.resolve_text(text, guild_id=guild_id)
        return await self.mark(user_id, resource.id, status, rating=rating, guild_id=guild_id)

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
        self.user_views.forget(user_id)
        return Preferences(user_id, user.default_level, user.timezone or "UTC")

    # --- recommendations and progress ---------------------------------------------------------

    async def profile(self, user_id: int) -> Profile:
        """What the recommender may learn from the user's history."""
        return (await self.user_view(check_snowflake(user_id))).profile

    async def recommend_for_user(
        self,
        user_id: int,
        query: str = "",
        *,
        level: str | None = None,
        kind: str | None = None,
        k: int = 5,
    ) -> list[Recommendation]:
        """The first page of `recommend` for a user, as a list."""
        found = await self.recommend(query, user_id=user_id, level=level, kind=kind, k=k)
        return list(found.results)

    async def progress(
        self,
        user_id: int,
        *,
        path: str | None = None,
        recent: int = 10,
        guild_id: int | None = None,
    ) -> Progress:
        """Totals, by topic and level, streak, recent activity, and a learning path's
        completion when `path` (a topic slug or a resource id) is given. A server's additions
        the user marked count wherever they ask; `guild_id` adds them to paths too."""
        view = await self.user_view(check_snowflake(user_id))
        user, stored = view.user, view.entries
        tz = ZoneInfo(user.timezone if user is not None and user.timezone else "UTC")
        additions = await self.additions_by_id([e.resource_id for e in stored])
        entries = [self._entry(e, additions) for e in stored]
        planned = None
        if path is not None:
            scope = await self._scope(guild_id)
            known = self.recommender is not None or scope.resource(path.strip())
            label, _slug, steps = (
                await off_loop(self._path_in, scope, path) if known else (path, None, ())
            )
            if not steps:
                raise ServiceError(
                    f"unknown learning path {path!r}: give a topic (e.g. rnn) or a resource id"
                )
            planned = (label, tuple(step.resource for step in steps))
        return compute_progress(
            user_id,
            entries,
            self.catalog,
            today=self.clock().astimezone(tz).date(),
            tz=tz,
            path=planned,
            recent=recent,
        )

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
        """Everything stored about the user, as one JSON-ready document (their suggestions to
        server catalogs included)."""
        prefs = await self.preferences(user_id)
        user = await self.store.get_user(user_id)
        return {
            "user_id": str(user_id),
            "exported_at": self.clock().isoformat(),
            "created_at": user.created_at.isoformat() if user else None,
            "preferences": {"default_level": prefs.default_level, "timezone": prefs.timezone},
            "entries": [exports.entry_dict(e) for e in await self.entries(user_id)],
            "leaderboard_opt_in": bool(user and user.leaderboard),
            "servers": [str(g) for g in await self.store.user_guilds(user_id)],
            "feedback_votes": [
                {"server": str(g), "resource_id": r, "verdict": v, "at": t.isoformat()}
                for g, r, v, t in await self.store.user_votes(user_id)
            ],
            "suggestions": [
                {
                    "server_id": str(s.guild_id),
                    "link": s.link,
                    "note": s.note,
                    "title": s.title,
                    "status": s.status,
                    "reason": s.reason,
                    "resource_id": s.resource_id,
                    "suggested_at": s.created_at.isoformat(),
                }
                for s in await self.store.member_suggestions(user_id)
            ],
        }

    async def forget(self, user_id: int) -> ForgetResult:
        """Delete everything stored about the user: entries, preferences (the leaderboard
        opt-in among them), feedback votes, server memberships, their pending suggestions to
        server catalogs, and their id from decided suggestions and additions (the resources a
        server approved stay in its catalog)."""
        outcome = await self.store.forget_user(check_snowflake(user_id))
        suggestions = await self.store.forget_member(user_id)
        self.user_views.forget(user_id)
        self._members_noted = {k: v for k, v in self._members_noted.items() if k[1] != user_id}
        return ForgetResult(
            user_id,
            outcome.user_existed,
            outcome.entries_deleted,
            suggestions_deleted=suggestions.pending_deleted,
            votes_deleted=outcome.votes_deleted,
            memberships_deleted=outcome.memberships_deleted,
        )


def _open_store(url: str, busy_timeout_ms: int) -> Store:
    # The database layer is imported here, on first use: a terminal question about the
    # catalog alone never pays for SQLAlchemy.
    from bot.store import Store

    return Store.open(url, busy_timeout_ms=busy_timeout_ms)
