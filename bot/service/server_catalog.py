"""Server catalogs: members suggest, moderators approve, the bot fills in the details.

A mixin of `Service` (issue 11). Every method takes plain ids and text and answers with the
frozen dataclasses of `catalog_answers`; refusals are `ServiceError` subclasses whose message
a face shows as it is. The rules:
  - a link is an arXiv id or URL, a DOI or an http(s) address; `javascript:`, `data:` and
    Discord invites are refused, and so is a link the fetcher refuses to reach (a private,
    loopback, link-local or metadata address, even after a redirect), a page too large and a
    page that never answers: nothing is stored for them;
  - a fetch that fails otherwise (no usable metadata, a site unreachable) still files the
    suggestion with what the member typed, and says what could not be fetched;
  - a duplicate (of the base catalog or the server's additions, by normalised URL, arXiv id,
    DOI or title) answers "already in the catalog" with the existing entry;
  - suggestions per member per day, pending suggestions per server and additions per server
    are capped (`CatalogLimits`, from settings);
  - approving twice (two moderators, a double click) adds one resource: the store's
    conditional update and unique keys decide, and the second answer says "already".
A server's additions are searched with the base catalog through `ServerViews.engine_for`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.service.answers import Choice
from bot.service.discovery import rank_choices
from bot.service.lazy import lazy_module
from bot.service.server_views import ServerView, ServerViews
from bot.service.validation import (
    ServiceError,
    UnknownResource,
    check_kind,
    check_level,
    check_snowflake,
    check_topic,
)
from bot.settings import Settings
from bot.store.errors import ResourceIdTaken
from bot.store.records import StoredServerResource, StoredSuggestion
from recommender.catalog import Catalog, dump_catalog
from recommender.lookup import lookup_in, titles_of
from recommender.resource import Resource, SourceRef

if TYPE_CHECKING:
    import bot.service.addition_rules as addition_rules
    import bot.service.catalog_answers as catalog_answers
    import recommender.fetched.details as fetched_details
    import recommender.fetched.identifiers as identifiers
    import recommender.ingest.classify as classifier
    from bot.store import Store
    from recommender.fetched.fetcher import DetailsFetcher
    from recommender.fetched.safe_http import FetchFailure
else:
    fetched_details = lazy_module("recommender.fetched.details")
    identifiers = lazy_module("recommender.fetched.identifiers")
    classifier = lazy_module("recommender.ingest.classify")
    addition_rules = lazy_module("bot.service.addition_rules")
    catalog_answers = lazy_module("bot.service.catalog_answers")

REFUSED_FAILURES = frozenset(
    {"NOT_A_LINK", "PRIVATE_ADDRESS", "TIMEOUT", "TOO_LARGE", "TOO_MANY_REDIRECTS"}
)
"""Fetch failures (`safe_http.Failure` names) that refuse a link outright: nothing about it is
stored. Any other failure (unreachable, no usable metadata, an error page) files it with what
the member typed. Names, so that importing the service does not import the HTTP client."""

EXPORT_SOURCE = "server-catalog"
"""The `sources` document of an exported addition: where a reviewer of the pull request
should look (a server's moderators approved it)."""
MAX_PAGE = 25


@dataclass(frozen=True, slots=True)
class CatalogLimits:
    """The caps of server catalogs (settings: SUGGESTIONS_PER_MEMBER_PER_DAY, ...)."""

    suggestions_per_member_per_day: int = 5
    pending_suggestions_per_server: int = 50
    additions_per_server: int = 1000
    grace: dt.timedelta = dt.timedelta(days=7)


def limits_from(settings: Settings) -> CatalogLimits:
    """The caps configured in settings."""
    return CatalogLimits(
        suggestions_per_member_per_day=settings.suggestions_per_member_per_day,
        pending_suggestions_per_server=settings.pending_suggestions_per_server,
        additions_per_server=settings.additions_per_server,
        grace=dt.timedelta(days=settings.server_catalog_grace_days),
    )


def fetcher_from(settings: Settings) -> DetailsFetcher:
    """The one fetcher of suggested links, as configured (time-outs, size cap, user agent,
    API URLs; `FETCH_ALLOWED_ORIGINS` only ever for a test's fake web)."""
    from recommender.fetched.fetcher import DetailsFetcher
    from recommender.fetched.safe_http import USER_AGENT, SafeHttp

    origins = set()
    for origin in settings.fetch_allowed_origins:
        host, _, port = origin.rpartition(":")
        origins.add((host.strip("[]"), int(port)))
    http = SafeHttp(
        max_bytes=settings.fetch_max_bytes,
        connect_timeout_s=settings.fetch_connect_timeout_s,
        total_timeout_s=settings.fetch_timeout_s,
        allowed_origins=frozenset(origins),
        user_agent=settings.fetch_user_agent or USER_AGENT,
    )
    return DetailsFetcher(
        http,
        arxiv_api=settings.arxiv_api_url or identifiers.ARXIV_API,
        crossref_api=settings.crossref_api_url or identifiers.CROSSREF_API,
    )


class ServerCatalogMixin:
    """suggest / review / approve / reject / add / remove / list / export (see `Service`)."""

    catalog: Catalog
    catalog_limits: CatalogLimits
    _suggesting: set[tuple[int, int]]  # (server, member) whose link is being fetched
    clock: Callable[[], dt.datetime]  # provided by `Service`

    @property
    def store(self) -> Store:  # provided by `Service`
        raise NotImplementedError

    @property
    def server_views(self) -> ServerViews:  # provided by `Service`
        raise NotImplementedError

    @property
    def fetcher(self) -> DetailsFetcher:  # provided by `Service`
        raise NotImplementedError

    # --- what the server searches -------------------------------------------------------------

    async def server_view(self, guild_id: int | None) -> ServerView:
        """The catalog and engine the server searches (the base ones for None)."""
        if guild_id is not None:
            check_snowflake(guild_id, "server id")
        return await self.server_views.engine_for(guild_id)

    async def server_additions_of(self, guild_id: int) -> list[Resource]:
        """Every addition of the server as a `Resource` (what `ServerViews` indexes)."""
        return [
            addition_rules.addition_resource(s) for s in await self.store.server_resources(guild_id)
        ]

    async def additions_by_id(self, ids: Sequence[str]) -> dict[str, Resource]:
        """Additions of any server by resource id: a member's list keeps them anywhere."""
        wanted = [i for i in ids if self.catalog.by_id(i) is None]
        if not wanted:
            return {}
        found = {
            s.resource_id: addition_rules.addition_resource(s)
            for s in await self.store.server_resources_by_ids(wanted)
        }
        self.server_views.saw(list(found.values()))
        return found

    def _base_identities(self) -> addition_rules.IdentityIndex:
        cached: addition_rules.IdentityIndex | None = getattr(self, "_identity_index", None)
        if cached is None:
            cached = addition_rules.IdentityIndex(self.catalog)
            self._identity_index = cached
        return cached

    async def _existing(
        self, guild_id: int, found: fetched_details.FetchedDetails
    ) -> Resource | None:
        """The resource of the base catalog or the server's additions that `found` is."""
        ident = identifiers.identity(found)
        hit = self._base_identities().find(ident, found)
        if hit is not None:
            return hit
        stored = await self.store.find_server_resource(guild_id, addition_rules.keys_of(ident))
        return addition_rules.addition_resource(stored) if stored is not None else None

    # --- classifying ---------------------------------------------------------------------------

    def classify(
        self,
        title: str,
        description: str | None = None,
        *,
        url: str | None = None,
        kind: str | None = None,
    ) -> catalog_answers.Classification:
        """Kind, level and topics prefilled for a moderator, by the catalog build's own
        classifier (`recommender.ingest.classify`): one rule for the shipped catalog and for
        every server's additions."""
        hints = (kind,) if kind else ()
        found_kind = classifier.classify_kind(hints, url, title or "")
        level, _source = classifier.classify_level(None, found_kind, title or "", description)
        topics = classifier.classify_topics(title or "", description, [])[:3]
        return catalog_answers.Classification(found_kind, level, topics)

    # --- suggesting ----------------------------------------------------------------------------

    async def suggest(
        self, guild_id: int, member_id: int, link_text: str, note: str | None = None
    ) -> catalog_answers.SuggestOutcome:
        """File a member's suggestion for the server's moderators, with fetched details.

        Refused (`SuggestionRefused`, nothing stored): a link that is no web link, an invite,
        an address on a private network, a page too large or too slow. `LimitReached` when the
        member or the server is at its cap. A duplicate answers with the existing entry.
        """
        check_snowflake(guild_id, "server id")
        check_snowflake(member_id)
        link = addition_rules.check_link(link_text)
        clean_note = addition_rules.check_text(note, "note", addition_rules.MAX_NOTE)
        typed = addition_rules.link_details(link)
        existing = await self._existing(guild_id, typed)
        if existing is not None:
            return catalog_answers.SuggestOutcome("duplicate", existing=existing)
        await self._check_filing_caps(guild_id, member_id)
        fetched = await self._fetch_one_at_a_time(guild_id, member_id, link)
        problem = None
        if not isinstance(fetched, fetched_details.FetchedDetails):
            problem = _usable_failure(fetched)
            found = typed
        else:
            found = _merged(fetched, typed)
            existing = await self._existing(guild_id, found)
            if existing is not None:
                return catalog_answers.SuggestOutcome("duplicate", existing=existing)
        waiting = await self._pending_like(guild_id, found)
        if waiting is not None:
            return catalog_answers.SuggestOutcome("duplicate", pending=waiting)
        now = self.clock()
        values = {
            "guild_id": guild_id,
            "member_id": member_id,
            "link": link,
            "note": clean_note,
            "title": found.title,
            "authors": list(found.authors),
            "year": found.year,
            "description": found.description,
            "url": found.url,
            "kind": found.kind,
            "arxiv_id": found.arxiv_id,
            "doi": found.doi,
            "problem": problem,
        }
        filed = await self.store.file_suggestion(
            values,
            now,
            member_since=now - dt.timedelta(days=1),
            member_cap=self.catalog_limits.suggestions_per_member_per_day,
            pending_cap=self.catalog_limits.pending_suggestions_per_server,
        )
        if filed.suggestion is None:
            raise self._limit(filed.refused or "")
        return catalog_answers.SuggestOutcome("filed", suggestion=_suggestion(filed.suggestion))

    async def _fetch_one_at_a_time(
        self, guild_id: int, member_id: int, link: str
    ) -> fetched_details.FetchedDetails | FetchFailure:
        """Fetch a member's link, one at a time per member and server: a refused link (a
        page that never answers) stores nothing and so counts against no cap, and without
        this a member could keep the fetcher busy with many of them at once."""
        key = (guild_id, member_id)
        if key in self._suggesting:
            raise catalog_answers.LimitReached(
                "I am still fetching your previous suggestion; try again when it is answered"
            )
        self._suggesting.add(key)
        try:
            return await self.fetcher.fetch(link)
        finally:
            self._suggesting.discard(key)

    async def _check_filing_caps(self, guild_id: int, member_id: int) -> None:
        """Refuse before fetching when a cap is already reached (the store checks again,
        atomically, when filing)."""
        since = self.clock() - dt.timedelta(days=1)
        mine = [
            s
            for s in await self.store.member_suggestions(member_id)
            if s.guild_id == guild_id and s.created_at >= since
        ]
        if len(mine) >= self.catalog_limits.suggestions_per_member_per_day:
            raise self._limit("member_day")
        _pending, total = await self.store.pending_suggestions(guild_id, 0, 0)
        if total >= self.catalog_limits.pending_suggestions_per_server:
            raise self._limit("pending")

    def _limit(self, which: str) -> catalog_answers.LimitReached:
        limits = self.catalog_limits
        if which == "member_day":
            return catalog_answers.LimitReached(
                f"you have made {limits.suggestions_per_member_per_day} suggestions in this "
                "server today, the most a day; try again tomorrow"
            )
        if which == "pending":
            return catalog_answers.LimitReached(
                f"this server has {limits.pending_suggestions_per_server} suggestions waiting "
                "for review, the most it keeps; try again once the moderators have caught up"
            )
        return catalog_answers.LimitReached(
            f"this server's catalog holds {limits.additions_per_server} additions, the most "
            "it may; remove some before adding more"
        )

    async def _pending_like(
        self, guild_id: int, found: fetched_details.FetchedDetails
    ) -> catalog_answers.Suggestion | None:
        """A pending suggestion of the server for the same resource, if any."""
        wanted = identifiers.identity(found).keys()
        pending, _total = await self.store.pending_suggestions(guild_id)
        for stored in pending:
            if wanted & identifiers.identity(_details_of(stored)).keys():
                return _suggestion(stored)
        return None

    # --- reviewing -----------------------------------------------------------------------------

    async def review_queue(
        self, guild_id: int, offset: int = 0, limit: int = 5
    ) -> catalog_answers.ReviewPage:
        """A page of pending suggestions, oldest first, each with the classifier's prefill."""
        check_snowflake(guild_id, "server id")
        offset, limit = _page(offset, limit)
        pending, total = await self.store.pending_suggestions(guild_id, offset, limit)
        cards = []
        for stored in pending:
            found = _suggestion(stored)
            prefill = self.classify(
                found.title or found.link, found.description, url=found.url, kind=found.kind
            )
            cards.append(catalog_answers.ReviewCard(found, prefill))
        return catalog_answers.ReviewPage(tuple(cards), offset, total)

    async def suggestion(
        self, guild_id: int, suggestion_id: int, *, seen: catalog_answers.Suggestion | None = None
    ) -> catalog_answers.Suggestion:
        """One suggestion of the server (any status), or `UnknownSuggestion`.

        `seen` is the suggestion as a moderator's card shows it: one withdrawn since (its
        member used /forgetme) can leave its number to a newer one (SQLite reuses the highest
        row id), and a decision on the card must not fall on that other one.
        """
        check_snowflake(guild_id, "server id")
        stored = await self.store.get_suggestion(guild_id, _suggestion_id(suggestion_id))
        if seen is not None and (
            stored is None or (stored.created_at, stored.link) != (seen.created_at, seen.link)
        ):
            raise catalog_answers.UnknownSuggestion(
                f"suggestion #{suggestion_id} is no longer waiting: its member withdrew it"
            )
        if stored is None:
            raise catalog_answers.UnknownSuggestion(
                f"there is no suggestion #{suggestion_id} in this server"
            )
        return _suggestion(stored)

    async def approve(
        self,
        guild_id: int,
        suggestion_id: int,
        moderator_id: int,
        level: str | None = None,
        topics: Sequence[str] | None = None,
        *,
        kind: str | None = None,
        title: str | None = None,
        authors: str | Sequence[str] | None = None,
        year: int | str | None = None,
        description: str | None = None,
        seen: catalog_answers.Suggestion | None = None,
    ) -> catalog_answers.Decision:
        """Approve a pending suggestion: its resource joins the server's catalog at once.

        Level, kind and topics default to the classifier's prefill; typed details override
        the fetched ones (a suggestion whose details could not be fetched needs at least a
        title: `DetailsNeeded`). Idempotent: a second approval answers `already`. `seen` (the
        card's suggestion) makes sure it is the one the moderator saw (see `suggestion`).
        """
        check_snowflake(moderator_id, "moderator id")
        found = await self.suggestion(guild_id, suggestion_id, seen=seen)
        if found.status != "pending":
            return _decision(found, "already")
        typed = _typed_details(title, authors, year, description)
        base = fetched_details.details(
            title=found.title,
            authors=list(found.authors),
            year=found.year,
            description=found.description,
            url=found.url,
            arxiv_id=_stored_arxiv(found),
            doi=_stored_doi(found),
            kind=found.kind,
        )
        merged = _merged(typed, base)
        if not merged.title:
            raise catalog_answers.DetailsNeeded(
                "give this suggestion a title: its details could not be fetched",
                link=found.link,
                problem=found.problem or "",
            )
        existing = self._base_identities().find(identifiers.identity(merged), merged)
        if existing is not None:
            outcome = await self.store.reject_suggestion(
                guild_id, found.id, moderator_id, "already in the catalog", self.clock()
            )
            if outcome.outcome == "already" and outcome.suggestion is not None:
                return _decision(_suggestion(outcome.suggestion), "already")
            return catalog_answers.Decision(
                found.id, "duplicate", "rejected", found.member_id, existing
            )
        values = self._resource_values(merged, level, topics, kind)
        values |= {"added_by": moderator_id, "suggestion_id": found.id}
        keys = addition_rules.keys_of(identifiers.identity(merged))
        for _attempt in range(5):
            values["resource_id"] = await self._free_id(merged.title, guild_id)
            try:
                decided = await self.store.approve_suggestion(
                    guild_id, found.id, moderator_id, values, keys, self.clock()
                )
            except ResourceIdTaken:
                continue
            break
        else:  # pragma: no cover - five ids taken in a row by racing approvals
            raise ServiceError("could not name the new resource; try again")
        self.server_views.forget(guild_id)
        after = _suggestion(decided.suggestion) if decided.suggestion else found
        if decided.outcome == "missing":
            raise catalog_answers.UnknownSuggestion(
                f"there is no suggestion #{suggestion_id} in this server"
            )
        if decided.outcome == "already":
            return _decision(after, "already")
        resource = addition_rules.addition_resource(decided.resource) if decided.resource else None
        if decided.outcome == "duplicate":
            return catalog_answers.Decision(
                found.id, "duplicate", after.status, after.member_id, resource
            )
        return catalog_answers.Decision(found.id, "approved", "approved", after.member_id, resource)

    async def reject(
        self,
        guild_id: int,
        suggestion_id: int,
        moderator_id: int,
        reason: str | None = None,
        *,
        seen: catalog_answers.Suggestion | None = None,
    ) -> catalog_answers.Decision:
        """Reject a pending suggestion; the answer carries the suggester's id and the reason,
        for the face to tell them privately. A second rejection answers `already`; `seen`
        as for `approve`."""
        check_snowflake(moderator_id, "moderator id")
        clean_reason = addition_rules.check_text(reason, "reason", addition_rules.MAX_NOTE)
        found = await self.suggestion(guild_id, suggestion_id, seen=seen)
        if found.status != "pending":
            return _decision(found, "already")
        decided = await self.store.reject_suggestion(
            guild_id, found.id, moderator_id, clean_reason, self.clock()
        )
        after = _suggestion(decided.suggestion) if decided.suggestion else found
        if decided.outcome != "decided":
            return _decision(after, "already")
        return catalog_answers.Decision(
            found.id, "rejected", "rejected", after.member_id, reason=clean_reason
        )

    # --- adding directly -----------------------------------------------------------------------

    async def add_to_catalog(
        self,
        guild_id: int,
        moderator_id: int,
        link_text: str | None = None,
        *,
        level: str | None = None,
        topics: Sequence[str] | None = None,
        kind: str | None = None,
        title: str | None = None,
        authors: str | Sequence[str] | None = None,
        year: int | str | None = None,
        description: str | None = None,
    ) -> catalog_answers.AddOutcome:
        """A moderator adds a resource directly: fetched from `link_text`, with typed details
        overriding or standing in for what could not be fetched (`DetailsNeeded` when there
        is neither). Duplicates answer with the existing entry."""
        check_snowflake(guild_id, "server id")
        check_snowflake(moderator_id, "moderator id")
        typed = _typed_details(title, authors, year, description)
        problem = None
        if link_text is not None and link_text.strip():
            link = addition_rules.check_link(link_text)
            from_link = addition_rules.link_details(link)
            existing = await self._existing(guild_id, from_link)
            if existing is not None:
                return catalog_answers.AddOutcome("duplicate", existing)
            fetched = await self.fetcher.fetch(link)
            if not isinstance(fetched, fetched_details.FetchedDetails):
                problem = _usable_failure(fetched)
                base = from_link
            else:
                base = _merged(fetched, from_link)
            found = _merged(typed, base)
            if not found.title:
                raise catalog_answers.DetailsNeeded(
                    f"the link's details could not be fetched ({problem or 'no title'}): "
                    "give at least a title",
                    link=link,
                    problem=problem or "no title found",
                )
        elif typed.title:
            found = typed
        else:
            raise ServiceError("give a link, or at least a title")
        existing = await self._existing(guild_id, found)
        if existing is not None:
            return catalog_answers.AddOutcome("duplicate", existing, problem)
        _page_items, total = await self.store.server_resources_page(guild_id, 0, 0)
        if total >= self.catalog_limits.additions_per_server:
            raise self._limit("additions")
        values = self._resource_values(found, level, topics, kind)
        values |= {"added_by": moderator_id, "suggestion_id": None}
        keys = addition_rules.keys_of(identifiers.identity(found))
        stored: StoredServerResource | None = None
        created = False
        for _attempt in range(5):
            values["resource_id"] = await self._free_id(str(values["title"]), guild_id)
            try:
                stored, created = await self.store.add_server_resource(
                    guild_id, values, keys, self.clock()
                )
            except ResourceIdTaken:
                continue
            break
        if stored is None:  # pragma: no cover - five ids taken in a row by racing adds
            raise ServiceError("could not name the new resource; try again")
        self.server_views.forget(guild_id)
        return catalog_answers.AddOutcome(
            "added" if created else "duplicate", addition_rules.addition_resource(stored), problem
        )

    def _resource_values(
        self,
        found: fetched_details.FetchedDetails,
        level: str | None,
        topics: Sequence[str] | None,
        kind: str | None,
    ) -> dict[str, object]:
        """Checked columns of a new addition; what is not given comes from the classifier."""
        assert found.title is not None
        prefill = self.classify(found.title, found.description, url=found.url, kind=found.kind)
        chosen_topics = _topics(topics) or prefill.topics or ("deep-learning",)
        return {
            "title": found.title,
            "url": found.url,
            "authors": list(found.authors),
            "year": found.year,
            "kind": check_kind(kind) or prefill.kind,
            "level": check_level(level) or prefill.level,
            "topics": list(chosen_topics),
            "description": found.description,
        }

    async def _free_id(self, title: str, guild_id: int) -> str:
        wanted = addition_rules.addition_id(title, guild_id)
        taken = await self.store.resource_ids_like(wanted)
        taken |= {r.id for r in self.catalog if r.id.startswith(wanted)}
        return addition_rules.addition_id(title, guild_id, taken)

    # --- the server's additions ----------------------------------------------------------------

    async def remove_from_catalog(self, guild_id: int, text: str) -> Resource:
        """Remove one of the server's additions, named by id or title (the shipped catalog's
        resources cannot be removed from a server)."""
        check_snowflake(guild_id, "server id")
        additions = await self.server_additions_of(guild_id)
        wanted = text.strip() if isinstance(text, str) else ""
        if not wanted:
            raise UnknownResource("tell me which addition: give its id or its title")
        base = self.catalog.by_id(wanted)
        if base is not None:
            raise ServiceError(
                f"“{base.title}” is in the shipped catalog: only this server's additions "
                "can be removed"
            )
        if not additions:
            raise UnknownResource("this server has not added anything to its catalog yet")
        # Not `lookup(Catalog(...))`: its cache would keep every server's list alive.
        by_id = {r.id: r for r in additions}
        resolution = lookup_in(by_id.get, titles_of(additions), wanted[:200])
        target = resolution.resource
        if target is None:
            shown = " ".join(wanted.split())[:80]
            candidates = tuple(c.resource for c in resolution.candidates)[:5]
            raise UnknownResource(
                f"no addition of this server matches {shown!r}", candidates, query=shown
            )
        removed = await self.store.remove_server_resource(guild_id, target.id)
        self.server_views.forget(guild_id)
        if removed is None:
            raise UnknownResource(f"“{target.title}” was already removed", query=target.id)
        return addition_rules.addition_resource(removed)

    async def addition_choices(self, guild_id: int, current: str) -> list[Choice]:
        """Autocomplete over the server's own additions (all `/catalog remove` can remove),
        ranked by the same rule as every other resource option; the id is the value."""
        additions = await self.server_additions_of(check_snowflake(guild_id, "server id"))
        items = [(f"{' '.join(r.title.split()) or r.id} ({r.id})", r.id) for r in additions]
        return [Choice(name, value) for name, value in rank_choices(items, current)]

    async def server_additions(
        self, guild_id: int, offset: int = 0, limit: int = 10
    ) -> catalog_answers.AdditionsPage:
        """A page of the server's additions, newest first."""
        check_snowflake(guild_id, "server id")
        offset, limit = _page(offset, limit)
        stored, total = await self.store.server_resources_page(guild_id, offset, limit)
        return catalog_answers.AdditionsPage(
            tuple(addition_rules.addition_resource(s) for s in stored), offset, total
        )

    async def export_additions(self, guild_id: int) -> str:
        """The server's additions as catalog YAML in the shipped catalog's format (it passes
        `deepread catalog validate`): a starting point for a pull request to the catalog.

        Exported entries say `origin: curated` (moderators chose them by hand) and name
        `server-catalog` as their source, for the reviewer of such a pull request.
        """
        additions = await self.server_additions_of(check_snowflake(guild_id, "server id"))
        exported = [
            _exported(r)
            for r in additions
            # an addition the shipped catalog has since taken in is left out
            if self._base_identities().find(
                identifiers.identity(fetched_details.details(title=r.title, url=r.url))
            )
            is None
        ]
        return dump_catalog(exported)

    # --- the server's lifecycle ----------------------------------------------------------------

    async def guild_removed(self, guild_id: int) -> catalog_answers.GuildDeparture:
        """The bot left the server: its catalog is deleted after the grace period."""
        check_snowflake(guild_id, "server id")
        now = self.clock()
        await self.store.mark_departed(guild_id, now, now + self.catalog_limits.grace)
        due = await self.store.departure(guild_id)
        return catalog_answers.GuildDeparture(guild_id, due or now + self.catalog_limits.grace)

    async def guild_returned(self, guild_id: int) -> bool:
        """The bot is back in the server: its catalog stays (True if a deletion was pending)."""
        return await self.store.mark_returned(check_snowflake(guild_id, "server id"))

    async def purge_departed_guilds(
        self, now: dt.datetime | None = None
    ) -> catalog_answers.PurgeReport:
        """Delete the catalogs of servers the bot left more than the grace period ago."""
        when = now or self.clock()
        cleared = []
        for guild_id in await self.store.departed_due(when):
            cleared.append(await self.clear_server_catalog(guild_id))
        return catalog_answers.PurgeReport(tuple(cleared))

    async def clear_server_catalog(self, guild_id: int) -> catalog_answers.CatalogCleared:
        """Delete every addition and suggestion of the server (an admin's command, or the
        end of the grace period after the bot left)."""
        check_snowflake(guild_id, "server id")
        resources, suggestions = await self.store.clear_server_catalog(guild_id)
        self.server_views.forget(guild_id)
        return catalog_answers.CatalogCleared(guild_id, resources, suggestions)


def _usable_failure(failure: FetchFailure) -> str:
    """What could not be fetched, for a suggestion filed anyway; or `SuggestionRefused` for a
    failure that refuses the link (nothing is stored)."""
    if failure.reason.name in REFUSED_FAILURES:
        raise catalog_answers.SuggestionRefused(f"I cannot use that link: {failure.message}")
    return failure.message


def _page(offset: int, limit: int) -> tuple[int, int]:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ServiceError(f"invalid offset {offset!r}: give 0 or more")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise ServiceError(f"invalid page size {limit!r}: 1 to {MAX_PAGE}")
    return offset, limit


def _suggestion_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise catalog_answers.UnknownSuggestion(f"there is no suggestion #{value} in this server")
    return value


def _topics(values: Sequence[str] | None) -> tuple[str, ...]:
    if not values:
        return ()
    if isinstance(values, str):
        values = [values]
    chosen: list[str] = []
    for value in values:
        slug = check_topic(value)
        if slug and slug not in chosen:
            chosen.append(slug)
    if len(chosen) > addition_rules.MAX_TOPICS:
        raise ServiceError(f"too many topics: at most {addition_rules.MAX_TOPICS}")
    return tuple(chosen)


def _typed_details(
    title: str | None,
    authors: str | Sequence[str] | None,
    year: int | str | None,
    description: str | None,
) -> fetched_details.FetchedDetails:
    """What a moderator typed, checked (lengths, a plausible year) and cleaned."""
    clean_title = addition_rules.check_text(title, "title", addition_rules.MAX_TYPED_TITLE)
    clean_description = addition_rules.check_text(
        description, "description", addition_rules.MAX_TYPED_DESCRIPTION
    )
    found_year = None
    if year is not None and str(year).strip():
        found_year = fetched_details.year_of(year if isinstance(year, int) else str(year).strip())
        if found_year is None:
            raise ServiceError(f"invalid year {str(year)[:20]!r}: give one like 2017")
    return fetched_details.FetchedDetails(
        title=clean_title,
        authors=addition_rules.typed_authors(authors),
        year=found_year,
        description=clean_description,
    )


def _merged(
    first: fetched_details.FetchedDetails, second: fetched_details.FetchedDetails
) -> fetched_details.FetchedDetails:
    """`first`'s fields, falling back to `second`'s where `first` has none."""
    return fetched_details.FetchedDetails(
        title=first.title or second.title,
        authors=first.authors or second.authors,
        year=first.year or second.year,
        description=first.description or second.description,
        url=first.url or second.url,
        doi=first.doi or second.doi,
        arxiv_id=first.arxiv_id or second.arxiv_id,
        kind=first.kind or second.kind,
    )


def _details_of(stored: StoredSuggestion) -> fetched_details.FetchedDetails:
    return fetched_details.FetchedDetails(
        title=stored.title,
        url=stored.url,
        arxiv_id=stored.arxiv_id,
        doi=stored.doi,
    )


def _stored_arxiv(found: catalog_answers.Suggestion) -> str | None:
    return addition_rules.link_details(found.url).arxiv_id if found.url else None


def _stored_doi(found: catalog_answers.Suggestion) -> str | None:
    return addition_rules.link_details(found.url).doi if found.url else None


def _suggestion(stored: StoredSuggestion) -> catalog_answers.Suggestion:
    status = stored.status if stored.status in ("pending", "approved", "rejected") else "pending"
    return catalog_answers.Suggestion(
        id=stored.id,
        guild_id=stored.guild_id,
        member_id=stored.member_id,
        link=stored.link,
        note=stored.note,
        title=stored.title,
        authors=stored.authors,
        year=stored.year,
        description=stored.description,
        url=stored.url,
        kind=stored.kind,
        status=status,  # type: ignore[arg-type]
        created_at=stored.created_at,
        problem=stored.problem,
        reason=stored.reason,
        decided_by=stored.decided_by,
        decided_at=stored.decided_at,
        resource_id=stored.resource_id,
    )


def _decision(found: catalog_answers.Suggestion, outcome: str) -> catalog_answers.Decision:
    return catalog_answers.Decision(
        found.id,
        outcome,  # type: ignore[arg-type]
        found.status,
        found.member_id,
        reason=found.reason,
    )


def _exported(resource: Resource) -> Resource:
    return replace(
        resource,
        origin="curated",
        sources=(SourceRef(EXPORT_SOURCE),),
        level_source="curated",
    )
