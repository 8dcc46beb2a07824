"""Finding reading: recommend, paper, ask, similar, path, resolve and autocomplete choices.

A mixin of `Service` (same object, store, catalog and engine), kept apart from the reading
state half. Every method takes an optional `user_id`: with one, the answer is that user's
(what they finished or dismissed left out, their history in the ranking, their status shown);
without one, it is anonymous. Every method also takes an optional `guild_id`: with one, the
server's own additions are searched with the base catalog (`Resource.added_by_server` marks
them); without one (the terminal, DMs), only the base catalog. Both faces call these and
nothing else, so `/recommend` and `deepread recommend --user` cannot disagree.

The synchronous helpers (`resolve`, `resource_choices`, `path_resources`) use the server's
view as last loaded by any asynchronous question (autocomplete cannot wait for a database);
a view not loaded yet is loaded in the background for the next keystroke.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.service.answers import (
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
from bot.service.server_views import ServerView, ServerViews
from bot.service.user_views import UserViews
from bot.service.validation import (
    ServiceError,
    UnknownResource,
    check_kind,
    check_level,
    check_query,
    check_snowflake,
)
from bot.store.records import StoredEntry, StoredUser
from recommender import fuzzy
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.paths import prerequisite_path
from recommender.personal import Profile
from recommender.resource import Resource
from recommender.results import Answer as EngineAnswer
from recommender.results import PaperAnswer as EnginePaperAnswer
from recommender.results import Recommendations as EngineRecommendations
from recommender.text import words
from recommender.vocabulary import TOPICS, topic_label

if TYPE_CHECKING:
    from bot.store import Store

T = TypeVar("T")

MAX_RESULTS = 50
"""At most this many results per request (a page of `recommend`, `similar`)."""
MAX_CHOICES = 25
"""Discord shows at most 25 autocomplete choices; the CLI has no use for more either."""
MAX_TYPED = 200
"""Only this much of typed text is compared: a 6,000-character paste matches nothing more."""
HIDDEN = ("done", "dismissed")
"""Statuses whose resources a user is not recommended again."""


@dataclass(frozen=True, slots=True)
class UserView:
    """What discovery needs to know about a user: preferences, statuses, history profile."""

    user: StoredUser | None
    statuses: dict[str, str]
    profile: Profile
    entries: tuple[StoredEntry, ...] = ()
    """Every entry, most recently updated first (as the store returns them)."""

    @property
    def hidden(self) -> tuple[str, ...]:
        return tuple(rid for rid, status in self.statuses.items() if status in HIDDEN)

    def marked(self, entry: StoredEntry, now: dt.datetime) -> UserView:
        """The view after this process stored `entry` (a mark made at `now`): what a reload
        would return, without the reload. A user row the mark created has no preferences."""
        user = self.user if self.user is not None else StoredUser(entry.user_id, None, None, now)
        entries = sorted(
            (*(e for e in self.entries if e.resource_id != entry.resource_id), entry),
            key=_newest_first,
        )
        statuses = {e.resource_id: e.status for e in entries}
        return UserView(user, statuses, profile_of(entries), tuple(entries))


def _newest_first(entry: StoredEntry) -> tuple[float, str]:
    """The store's order of a user's entries: updated_at descending, then resource id."""
    return -entry.updated_at.timestamp(), entry.resource_id


ANONYMOUS = UserView(None, {}, Profile())


def profile_of(entries: Sequence[StoredEntry]) -> Profile:
    """What the recommender may learn from a history: liked (done/saved/reading), dismissed."""
    liked = tuple(e.resource_id for e in entries if e.status in ("done", "saved", "reading"))
    dismissed = tuple(e.resource_id for e in entries if e.status == "dismissed")
    return Profile(liked, dismissed)


async def off_loop(work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run ranking in a worker thread. It takes about a millisecond, but a personal model
    fitted on a long history (or a slow catalog) must not hold the event loop that
    acknowledges every other member's interaction."""
    return await asyncio.to_thread(work, *args, **kwargs)


# The engine is immutable and its answers frozen: the same question asked in a burst (a study
# group right after a talk) is answered once. Each cache is bounded; an entry is a few KiB.


@functools.lru_cache(maxsize=512)
def _paper(engine: Engine, text: str) -> EnginePaperAnswer:
    return engine.paper(text)


@functools.lru_cache(maxsize=512)
def _ask(engine: Engine, text: str, k: int) -> EngineAnswer:
    return engine.ask(text, k=k)


@functools.lru_cache(maxsize=1024)
def _everyones(
    engine: Engine, text: str, level: str | None, kind: str | None, k: int, offset: int
) -> EngineRecommendations:
    """The anonymous ranking (frozen results, safe to share; the engine is immutable)."""
    return engine.recommend(text, level=level, kind=kind, k=k, offset=offset)


@functools.lru_cache(maxsize=256)
def _personal(
    engine: Engine,
    text: str,
    level: str | None,
    kind: str | None,
    k: int,
    offset: int,
    exclude: tuple[str, ...],
    profile: Profile,
) -> EngineRecommendations:
    """A member's ranking: the same question from the same history (a repeated command, the
    list's next page asked again) is ranked once; any mark changes the history, so the key."""
    return engine.recommend(
        text, level=level, kind=kind, k=k, offset=offset, exclude=exclude, profile=profile
    )


class DiscoveryMixin:
    """recommend / paper / ask / similar / path / resolve / choices (see `Service`)."""

    @property
    def store(self) -> Store:  # provided by `Service`
        raise NotImplementedError

    catalog: Catalog
    recommender: Engine | None

    # --- shared -----------------------------------------------------------------------------

    def engine(self) -> Engine:
        if self.recommender is None:
            raise ServiceError("recommendations are not available here (no recommender)")
        return self.recommender

    @property
    def server_views(self) -> ServerViews:  # provided by `Service`
        raise NotImplementedError

    async def _scope(self, guild_id: int | None) -> ServerView:
        """What the server searches: the base catalog plus its additions (base for None)."""
        if guild_id is not None:
            check_snowflake(guild_id, "server id")
        return await self.server_views.engine_for(guild_id)

    def _peek(self, guild_id: int | None) -> ServerView:
        """The server's view as last loaded, without waiting; warms it when never loaded."""
        if guild_id is None:
            return self.server_views.base
        check_snowflake(guild_id, "server id")
        view = self.server_views.peek(guild_id)
        if view.guild_id is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return view
            task = loop.create_task(self.server_views.engine_for(guild_id))
            _WARMING.add(task)
            task.add_done_callback(_warmed)
        return view

    def engine_of(self, view: ServerView) -> Engine:
        """The view's engine, or a ServiceError when this service has no recommender."""
        if view.engine is None:
            raise ServiceError("recommendations are not available here (no recommender)")
        return view.engine

    @property
    def user_views(self) -> UserViews[UserView]:  # provided by `Service`
        raise NotImplementedError

    async def user_view(self, user_id: int | None) -> UserView:
        """The member's preferences, statuses and history profile (hot: see `UserViews`)."""
        if user_id is None:
            return ANONYMOUS
        return await self.user_views.get(check_snowflake(user_id))

    async def load_user_view(self, user_id: int) -> UserView:
        user, entries = await self.store.user_and_entries(user_id)
        statuses = {e.resource_id: e.status for e in entries}
        return UserView(user, statuses, profile_of(entries), tuple(entries))

    def clean_query(self, text: str) -> str:
        """The query as the engine will read it, or ServiceError saying why it is not one."""
        return check_query(text)

    # --- recommend ----------------------------------------------------------------------------

    async def recommend(
        self,
        query: str,
        *,
        user_id: int | None = None,
        level: str | None = None,
        kind: str | None = None,
        k: int = 5,
        offset: int = 0,
        guild_id: int | None = None,
    ) -> Recommendations:
        """A page of recommendations: for a user, without what they finished or dismissed,
        ranked with their history, at their default level unless one is given (an empty
        query then ranks by their history alone)."""
        # For a user, no words at all means "what my history suggests"; anonymously it is
        # not a question.
        text = "" if user_id is not None and not query.strip() else check_query(query)
        if not 1 <= k <= MAX_RESULTS:
            raise ServiceError(f"invalid count {k}: ask for 1 to {MAX_RESULTS} results")
        if offset < 0:
            raise ServiceError(f"invalid offset {offset}: give 0 or more")
        level, kind = check_level(level), check_kind(kind)
        engine = self.engine_of(await self._scope(guild_id))
        view = await self.user_view(user_id)
        if level is None and view.user is not None:
            level = view.user.default_level
        if not view.hidden and view.profile.empty and engine is self.recommender:
            # Nothing personal to apply: the ranking is everyone's, and a burst of the same
            # question (a study group after a talk) is ranked once.
            found = _everyones(engine, text, level, kind, k, offset)
        else:
            found = await off_loop(
                _personal, engine, text, level, kind, k, offset, view.hidden, view.profile
            )
        results = tuple(Recommendation(r.resource, float(r.score), r.why) for r in found.results)
        remaining = max(0, found.total - offset - len(results))
        return Recommendations(
            found.query.text, found.query.level, found.query.kind, results, offset, remaining
        )

    async def has_anything_on(
        self,
        query: str,
        *,
        level: str | None = None,
        kind: str | None = None,
        guild_id: int | None = None,
    ) -> bool:
        """Whether the catalog has anything for the query at all (for anyone): tells "you have
        seen it all" from "nothing on this"."""
        found = await self.recommend(query, level=level, kind=kind, k=1, guild_id=guild_id)
        return bool(found.results)

    # --- paper ---------------------------------------------------------------------------------

    async def paper(
        self, query: str, *, user_id: int | None = None, guild_id: int | None = None
    ) -> PaperAnswer:
        """The paper `query` names (an id from autocomplete, or words of its title or topic),
        as a card; or "did you mean" suggestions."""
        scope = await self._scope(guild_id)
        picked = scope.resource(query.strip())
        if picked is not None:
            card = await self.card(picked.id, user_id=user_id, guild_id=guild_id)
            return PaperAnswer(query.strip(), card)
        text = check_query(query)
        engine = self.engine_of(scope)
        if engine is self.recommender:
            answer = _paper(engine, text)
        else:
            answer = await off_loop(engine.paper, text)
        if answer.match is None:
            return PaperAnswer(answer.query, None, answer.suggestions)
        match = answer.match
        view = await self.user_view(user_id)
        card = PaperCard(
            match.resource,
            match.summary,
            match.related,
            match.score,
            match.why,
            view.statuses.get(match.resource.id),
        )
        return PaperAnswer(answer.query, card)

    async def card(
        self, resource_id: str, *, user_id: int | None = None, guild_id: int | None = None
    ) -> PaperCard:
        """One resource's card: summary, three related, the user's status."""
        scope = await self._scope(guild_id)
        resource = scope.resource(resource_id)
        if resource is None:
            raise UnknownResource(f"unknown resource {resource_id!r}", query=resource_id)
        engine = self.engine_of(scope)

        def build() -> tuple[tuple[Resource, ...], str]:
            related = tuple(r.resource for r in engine.similar(resource.id, k=3))
            return related, engine.summary(resource)

        related, summary = await off_loop(build)
        view = await self.user_view(user_id)
        return PaperCard(resource, summary, related, status=view.statuses.get(resource.id))

    # --- ask -----------------------------------------------------------------------------------

    async def ask(self, question: str, *, k: int = 3, guild_id: int | None = None) -> Answer:
        """Cited passages that answer the question; none means "I don't know"."""
        text = check_query(question)
        engine = self.engine_of(await self._scope(guild_id))
        if engine is self.recommender:
            found = _ask(engine, text, k)
        else:
            found = await off_loop(engine.ask, text, k)
        passages = tuple(Passage(p.text, p.resource, p.score) for p in found.passages)
        return Answer(found.question, passages)

    # --- similar -------------------------------------------------------------------------------

    async def similar(
        self, text: str, *, user_id: int | None = None, k: int = 5, guild_id: int | None = None
    ) -> Similar:
        """Resources like the one `text` names (an id or a title); for a user, without what
        they finished or dismissed."""
        if not 1 <= k <= MAX_RESULTS:
            raise ServiceError(f"invalid count {k}: ask for 1 to {MAX_RESULTS} results")
        scope = await self._scope(guild_id)
        source = resolve_in(scope, text)
        engine = self.engine_of(scope)
        view = await self.user_view(user_id)
        found = await off_loop(engine.similar, source.id, k=k, exclude=view.hidden)
        results = tuple(Recommendation(r.resource, float(r.score), r.why) for r in found)
        return Similar(source, results)

    # --- path ----------------------------------------------------------------------------------

    def path_resources(
        self, name: str, *, guild_id: int | None = None
    ) -> tuple[str, str | None, tuple[PathStep, ...]]:
        """(label, topic slug, steps) of the one learning path for `name`: a resource id gives
        its prerequisites and then itself, anything else the topic's path."""
        return self._path_in(self._peek(guild_id), name)

    def _path_in(
        self, scope: ServerView, name: str
    ) -> tuple[str, str | None, tuple[PathStep, ...]]:
        target = scope.resource(name.strip())
        if target is not None:
            # A resource's own path needs only the catalog (no ranking): the same function
            # the engine uses, so both answer alike.
            resources = scope.resources
            rows = {r.id: i for i, r in enumerate(resources)}
            chain = prerequisite_path(resources, rows, rows[target.id])
            return target.title, None, tuple(PathStep(s.resource, s.stage, s.reason) for s in chain)
        try:
            planned = self.engine_of(scope).path(name)
        except (LookupError, ValueError):
            return " ".join(words(name)), None, ()
        slug = planned.topic_slug
        label = topic_label(slug) if slug else " ".join(words(planned.topic))
        steps = tuple(PathStep(s.resource, s.stage, s.reason) for s in planned.steps)
        return label, slug, steps

    async def path(
        self, topic: str, *, user_id: int | None = None, guild_id: int | None = None
    ) -> LearningPath:
        """A reading path, basics first, beginner to advanced; for a user, with their status
        of each step (✅ on what they finished)."""
        scope = await self._scope(guild_id)
        text = topic.strip() if scope.resource(topic.strip()) else check_query(topic)
        label, slug, steps = await off_loop(self._path_in, scope, text)
        view = await self.user_view(user_id)
        marked = tuple(
            PathStep(s.resource, s.stage, s.reason, view.statuses.get(s.resource.id)) for s in steps
        )
        return LearningPath(text, slug, label, marked)

    # --- resolving typed text ------------------------------------------------------------------

    def resolve(self, text: str, *, guild_id: int | None = None) -> Resource:
        """The resource `text` names: an id (from autocomplete) or a typed title, fuzzily
        (see `resolve_in`), among the base catalog and the server's additions."""
        return resolve_in(self._peek(guild_id), text)

    async def resolve_text(self, text: str, *, guild_id: int | None = None) -> Resource:
        """`resolve`, with the server's additions as they are now (not as last loaded)."""
        return resolve_in(await self._scope(guild_id), text)

    def resource_choices(
        self, current: str, *, kind: str | None = None, guild_id: int | None = None
    ) -> list[Choice]:
        """Autocomplete for a resource option: (title, id), an exact id first."""
        view = self._peek(guild_id)
        pool = [r for r in view.resources if kind is None or r.kind == kind]
        items = [(_label(r), r.id) for r in pool]
        ranked = rank_choices(items, current)
        exact = view.resource(current.strip())
        if exact is not None and (kind is None or exact.kind == kind):
            ranked = [(_label(exact), exact.id)] + [p for p in ranked if p[1] != exact.id]
        typed = " ".join(current.split())[:MAX_TYPED]
        if not ranked and typed:
            # Say so where the member is looking; sent as it is, it gets a friendly answer.
            return [Choice(_first_up(nothing_on(typed)), typed)]
        return [Choice(name, value) for name, value in ranked[:MAX_CHOICES]]

    def topic_choices(self, current: str) -> list[Choice]:
        """Autocomplete for a topic option: what is typed first (so "rnn beginner" can be
        sent as it is), then the vocabulary's topic labels (queries the engine understands)."""
        ranked = rank_choices([(t.label, t.label) for t in TOPICS], current)
        typed = " ".join(current.split())[:MAX_TYPED]
        if typed and typed not in {v for _, v in ranked}:
            name = typed
            if not ranked and not self._knows(typed):
                name = f"{typed} — {nothing_on(typed)}"
            ranked = [(name, typed), *ranked]
        return [Choice(name, value) for name, value in ranked[:MAX_CHOICES]]

    def _knows(self, text: str) -> bool:
        """Whether the catalog has anything on `text` (the cached anonymous ranking: cheap
        enough for autocomplete, which must answer within Discord's 3 s)."""
        if self.recommender is None:
            return True  # cannot tell: say nothing rather than something wrong
        try:
            query = check_query(text)
        except ServiceError:
            return True
        return bool(_everyones(self.recommender, query, None, None, 1, 0).results)


_WARMING: set[asyncio.Task[ServerView]] = set()
"""Background loads of servers' views (kept referenced until done, as asyncio asks)."""


def _warmed(task: asyncio.Task[ServerView]) -> None:
    _WARMING.discard(task)
    if not task.cancelled():
        task.exception()  # a failed warm-up is retried by the next question; not an error


def resolve_in(view: ServerView, text: str) -> Resource:
    """The resource `text` names in the view: an id (from autocomplete) or a typed title.

    The one rule for every face: an exact id or title, the only title containing the
    words, or a fuzzy match clearly ahead of the rest; otherwise `UnknownResource` with
    "did you mean" candidates (marking the wrong paper as read is worse than asking).
    """
    if not text.strip():
        raise UnknownResource("tell me which resource: give its id or its title")
    resolution = view.lookup(text[:MAX_TYPED])
    if resolution.resource is not None:
        return resolution.resource
    shown = " ".join(text.split())[:80]
    candidates = tuple(c.resource for c in resolution.candidates)[:5]
    if not candidates:
        raise UnknownResource(
            f"no resource matches {shown!r} (no resource with id {shown!r}, and no title "
            "close to it)",
            query=shown,
        )
    options = "; ".join(f"{r.id} ({r.title})" for r in candidates)
    raise UnknownResource(
        f"{shown!r} matches several resources; did you mean: {options}?",
        candidates,
        query=shown,
    )


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(resource: Resource) -> str:
    return " ".join(resource.title.split()) or resource.id


def rank_choices(items: list[tuple[str, str]], current: str) -> list[tuple[str, str]]:
    """The one autocomplete rule: (name, value) items whose name starts with / contains the
    text first, then fuzzy matches; at most 25."""
    wanted = fuzzy.normalize(current[:MAX_TYPED])
    if not wanted:
        return items[:MAX_CHOICES]
    names = [fuzzy.normalize(name) for name, _ in items]
    starts = [i for i, n in enumerate(names) if n.startswith(wanted)]
    contains = [i for i, n in enumerate(names) if wanted in n and not n.startswith(wanted)]
    chosen = starts + contains
    if len(chosen) < MAX_CHOICES:
        taken = set(chosen)
        for i, _score in fuzzy.ranked(wanted, names, cutoff=fuzzy.AUTOCOMPLETE, limit=MAX_CHOICES):
            if i not in taken:
                chosen.append(int(i))
                taken.add(int(i))
    return [items[i] for i in chosen[:MAX_CHOICES]]
