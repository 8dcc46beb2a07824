"""The service both faces use: validation, recommendations, progress, export, forgetting."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from bot.service import Service
from bot.service.validation import ServiceError, UnknownResource
from recommender.catalog import Catalog
from recommender.personal import Profile as ReadingProfile
from recommender.resource import Resource

if TYPE_CHECKING:
    from tests.bot.conftest import Clock

USER = 123456789012345678


@dataclass(frozen=True)
class Scored:
    resource: Resource
    score: float
    why: str = "matched"


@dataclass(frozen=True)
class Query:
    text: str
    level: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Page:
    """Shaped like recommender.results.Recommendations."""

    results: tuple[Scored, ...]
    total: int
    query: Query


@dataclass(frozen=True)
class Step:
    resource: Resource
    stage: str = "beginner"
    reason: str = "on the topic"


@dataclass(frozen=True)
class Path:
    topic: str
    steps: tuple[Step, ...]
    topic_slug: str | None = None


class FakeRecommender:
    """Ranks the catalog by id, honours `exclude` and `level`, and records what it was given."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.calls: list[dict[str, Any]] = []

    def recommend(
        self,
        query: str,
        level: str | None = None,
        kind: str | None = None,
        k: int = 5,
        exclude: Collection[str] = (),
        profile: Any = None,
        offset: int = 0,
    ) -> Page:
        self.calls.append(
            {"query": query, "level": level, "exclude": set(exclude), "profile": profile}
        )
        pool = sorted(
            (r for r in self.catalog if r.id not in exclude and level in (None, r.level)),
            key=lambda r: r.id,
        )
        page = tuple(Scored(r, 1.0 / (i + 1)) for i, r in enumerate(pool))[offset : offset + k]
        return Page(page, len(pool), Query(query, level, kind))


class FakePlanner(FakeRecommender):
    """Also plans paths, like Engine.path: here, the topic's resources hardest first."""

    def path(self, topic: str) -> Path:
        if topic == "nothing-here":
            raise LookupError(topic)
        members = [r for r in self.catalog if topic in r.topics]
        return Path(topic, tuple(Step(r) for r in reversed(members)))


async def _nothing_written(service: Service) -> None:
    assert await service.store.count_entries() == 0
    assert await service.store.get_user(USER) is None


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"resource_id": "nope", "status": "done"}, "unknown resource 'nope'"),
        ({"resource_id": "resnet", "status": "finished-ish"}, "invalid status 'finished-ish'"),
        ({"resource_id": "resnet", "status": "done", "rating": 6}, "invalid rating 6"),
        ({"resource_id": "resnet", "status": "done", "rating": 0}, "invalid rating 0"),
        ({"resource_id": "resnet", "status": "done", "rating": True}, "invalid rating True"),
    ],
)
async def test_bad_marks_are_refused_and_write_nothing(
    service: Service, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        await service.mark(USER, **kwargs)
    await _nothing_written(service)


@pytest.mark.parametrize("user_id", [0, -5, 2**63, "42"])
async def test_invalid_user_ids_are_refused(service: Service, user_id: Any) -> None:
    with pytest.raises(ServiceError, match="invalid user id"):
        await service.mark(user_id, "resnet", "done")
    with pytest.raises(ServiceError, match="invalid user id"):
        await service.progress(user_id)


async def test_an_unknown_user_gets_defaults_not_errors(service: Service) -> None:
    assert await service.reading_list(USER) == []
    prefs = await service.preferences(USER)
    assert (prefs.default_level, prefs.timezone) == (None, "UTC")
    report = await service.progress(USER)
    assert report.counts.done == 0 and report.streak.current == 0 and report.recent == ()
    assert [lv.total for lv in report.by_level] == [3, 3, 2]
    assert "Nothing here yet." in await service.export(USER, "md")
    assert json.loads(await service.export(USER, "json")) == []
    data = await service.export_all(USER)
    assert (data["entries"], data["created_at"]) == ([], None)
    forgot = await service.forget(USER)
    assert (forgot.existed, forgot.entries_deleted) == (False, 0)
    await _nothing_written(service)


# --- marking and the reading list -------------------------------------------------------------


async def test_marking_is_idempotent_and_aliases_work(service: Service, clock: Clock) -> None:
    first = await service.mark(USER, "resnet", "read", rating=5)
    assert (first.entry.status, first.entry.rating, first.changed) == ("done", 5, True)
    assert first.entry.resource is not None and first.entry.title == first.entry.resource.title
    clock.advance(hours=1)
    again = await service.mark(USER, "resnet", "done")
    assert (again.changed, again.previous_status, again.entry.rating) == (False, "done", 5)
    assert again.entry.done_at == first.entry.done_at
    await service.mark(USER, "cs231n", "save")
    assert again.message.endswith("was already done.")
    moved = await service.mark(USER, "cs231n", "reading")
    assert moved.message == (
        "Marked “CS231n: Convolutional Neural Networks for Visual Recognition” (cs231n) "
        "as reading (was saved)."
    )
    await service.mark(USER, "cs231n", "saved")
    clock.advance(minutes=1)
    await service.mark(USER, "attention", "reading")
    await service.mark(USER, "gan", "dismiss")
    listing = await service.reading_list(USER)
    assert [(e.resource_id, e.status) for e in listing] == [
        ("attention", "reading"),
        ("cs231n", "saved"),
        ("resnet", "done"),
    ]


async def test_the_view_kept_after_marks_is_what_the_database_holds(
    service: Service, clock: Clock
) -> None:
    await service.user_view(USER)  # kept before the first mark: no user row yet
    for rid, status in (("resnet", "done"), ("cs231n", "saved"), ("resnet", "done")):
        await service.mark(USER, rid, status)
        clock.advance(minutes=1)
    await service.mark(USER, "attention", "reading", rating=4)
    await service.mark(USER, "cs231n", "dismissed")
    kept = await service.user_view(USER)
    assert kept == await service.load_user_view(USER)
    assert [e.resource_id for e in kept.entries] == ["attention", "cs231n", "resnet"]
    assert kept.hidden == ("cs231n", "resnet") and kept.user is not None


async def test_marking_by_title_looks_up_neither_entries_nor_additions(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    async def load(user_id: int) -> Any:
        asked.append("entries")
        raise AssertionError("a typed title needs no entries")

    async def additions(ids: Any) -> Any:
        asked.append("additions")
        raise AssertionError("a typed title is not an addition's id")

    monkeypatch.setattr(service, "load_user_view", load)
    monkeypatch.setattr(service, "additions_by_id", additions)
    service.user_views.clear()
    marked = await service.mark_text(
        USER, "  Deep Residual Learning for Image Recognition ", "done"
    )
    assert marked.entry.resource_id == "resnet" and asked == []


async def test_history_survives_a_resource_leaving_the_catalog(
    service: Service, catalog: Catalog
) -> None:
    await service.mark(USER, "resnet", "done", rating=4)
    service.catalog = Catalog([r for r in catalog if r.id != "resnet"])
    (entry,) = await service.reading_list(USER)
    assert (entry.title, entry.resource, entry.rating) == (
        "Deep Residual Learning for Image Recognition",
        None,
        4,
    )
    again = await service.mark(USER, "resnet", "dismissed")
    assert again.entry.status == "dismissed"
    with pytest.raises(UnknownResource):
        await service.mark(USER + 1, "resnet", "done")
    report = await service.progress(USER)
    assert report.counts.dismissed == 1
    assert "no longer in the catalog" in await service.export(USER, "md", include_dismissed=True)


# --- recommendations --------------------------------------------------------------------------


async def test_recommendations_exclude_read_and_dismissed_and_pass_the_profile(
    service: Service,
) -> None:
    fake = FakeRecommender(service.catalog)
    service.recommender = fake
    await service.mark(USER, "attention", "done")
    await service.mark(USER, "backprop-calculus", "dismissed")
    await service.mark(USER, "cs231n", "saved")
    await service.mark(USER, "dl-book", "reading")
    results = await service.recommend_for_user(USER, "deep learning", k=3)
    ids = [r.resource.id for r in results]
    assert ids == ["cs231n", "dl-book", "gan"]
    assert results[0].why == "matched" and results[0].score == 1.0
    call = fake.calls[-1]
    assert call["exclude"] == {"attention", "backprop-calculus"}
    profile = call["profile"]
    assert isinstance(profile, ReadingProfile) and not profile.empty
    assert set(profile.positives) == {"attention", "cs231n", "dl-book"}
    assert profile.negatives == ("backprop-calculus",)


async def test_default_level_preference_applies_unless_a_level_is_given(service: Service) -> None:
    service.recommender = FakeRecommender(service.catalog)
    await service.set_preferences(USER, default_level="Advanced")
    assert {r.resource.level for r in await service.recommend_for_user(USER)} == {"advanced"}
    chosen = await service.recommend_for_user(USER, level="beginner")
    assert {r.resource.level for r in chosen} == {"beginner"}
    with pytest.raises(ServiceError, match="invalid level 'expertish'"):
        await service.recommend_for_user(USER, level="expertish")
    with pytest.raises(ServiceError, match="invalid kind 'podcast'"):
        await service.recommend_for_user(USER, kind="podcast")
    with pytest.raises(ServiceError, match="invalid count 0"):
        await service.recommend_for_user(USER, k=0)


async def test_recommending_without_a_recommender_is_a_clear_error(service: Service) -> None:
    with pytest.raises(ServiceError, match="not available"):
        await service.recommend_for_user(USER)


# --- progress ---------------------------------------------------------------------------------


async def test_progress_totals_topics_levels_streak_and_path(
    service: Service, clock: Clock
) -> None:
    await service.set_preferences(USER, timezone="America/New_York")
    # 2026-03-08 and 03-09 evening in New York are already the next day in UTC.
    clock.now = dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.UTC)  # 19:30 in New York, 8 March
    await service.mark(USER, "nn-basics", "done", rating=4)
    clock.now = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)  # 21:00 in New York, 9 March
    await service.mark(USER, "cs231n", "done", rating=5)
    await service.mark(USER, "resnet", "reading")
    await service.mark(USER, "gan", "dismissed")
    clock.now = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)  # 10 March, nothing yet today
    report = await service.progress(USER, path="resnet")
    assert (report.counts.done, report.counts.reading, report.counts.dismissed) == (2, 1, 1)
    assert (report.streak.current, report.streak.longest) == (2, 2)
    assert report.streak.last_day == dt.date(2026, 3, 9)
    assert report.mean_rating == 4.5
    levels = {lv.level: (lv.done, lv.total) for lv in report.by_level}
    assert levels == {"beginner": (2, 3), "intermediate": (0, 3), "advanced": (0, 2)}
    topics = {t.topic: (t.done, t.in_progress, t.total) for t in report.by_topic}
    assert topics["cnn"] == (1, 1, 2) and topics["neural-networks"] == (1, 0, 1)
    assert "generative-models" not in topics  # dismissed is not progress
    assert report.path is not None
    assert [s.resource_id for s in report.path.steps] == ["nn-basics", "cs231n", "resnet"]
    assert (report.path.done, report.path.total, report.path.percent) == (2, 3, 66.7)
    assert report.path.next_step is not None and report.path.next_step.resource_id == "resnet"
    assert [e.resource_id for e in report.recent] == ["resnet", "gan", "cs231n", "nn-basics"]
    clock.now = dt.datetime(2026, 3, 12, 14, 0, tzinfo=dt.UTC)
    assert (await service.progress(USER)).streak.current == 0


async def test_progress_follows_the_recommenders_path_when_it_plans_them(
    service: Service,
) -> None:
    service.recommender = FakePlanner(service.catalog)
    await service.mark(USER, "resnet", "done")
    report = await service.progress(USER, path="cnn")
    assert report.path is not None
    assert [s.resource_id for s in report.path.steps] == ["resnet", "cs231n"]
    assert report.path.done == 1
    assert report.path.next_step is not None and report.path.next_step.resource_id == "cs231n"
    # A resource id is the resource's own prerequisite chain, whatever the planner does.
    chain = await service.progress(USER, path="resnet")
    assert chain.path is not None and chain.path.total == 3
    # A planner that knows nothing of the name: the catalog's own rules decide.
    with pytest.raises(ServiceError, match="unknown learning path"):
        await service.progress(USER, path="nothing-here")


async def test_progress_rejects_an_unknown_path(service: Service) -> None:
    with pytest.raises(ServiceError, match="unknown learning path 'cooking'"):
        await service.progress(USER, path="cooking")


# --- export -----------------------------------------------------------------------------------


async def _three(service: Service) -> None:
    await service.mark(USER, "attention", "done", rating=5)
    await service.mark(USER, "dl-book", "saved")
    await service.mark(USER, "gan", "dismissed")


async def test_markdown_export(service: Service) -> None:
    await _three(service)
    text = await service.export(USER, "markdown")
    assert text.startswith("# Reading list\n")
    assert "## Done (1)" in text and "## Saved (1)" in text and "Dismissed" not in text
    assert "- [x] [Attention Is All You Need](<https://arxiv.org/abs/1706.03762>)" in text
    assert "rated 5/5" in text and "done 2026-03-10" in text


async def test_bibtex_export_escapes_and_types_records(service: Service, catalog: Catalog) -> None:
    await _three(service)
    service.catalog = Catalog(
        [
            *catalog,
            Resource("odd", "Nets & {Braces}: 100% of_it", "blog", "beginner", ("ai",)),
        ]
    )
    await service.mark(USER, "odd", "saved")
    text = await service.export(USER, "bib")
    assert "@article{attention," in text and "@book{dl-book," in text and "@misc{odd," in text
    assert "author = {Ian Goodfellow and Yoshua Bengio and Aaron Courville}" in text
    assert r"title = {{Nets \& Braces: 100\% of\_it}}" in text
    assert text.count("{") == text.count("}")
    assert "gan" not in text


async def test_csv_and_json_exports_parse_back(service: Service) -> None:
    await _three(service)
    rows = list(csv.DictReader(io.StringIO(await service.export(USER, "csv"))))
    assert [(r["resource_id"], r["status"], r["rating"]) for r in rows] == [
        ("dl-book", "saved", ""),
        ("attention", "done", "5"),
    ]
    assert rows[1]["topics"] == "nlp;deep-learning"
    data = json.loads(await service.export(USER, "json", include_dismissed=True))
    assert {d["resource_id"]: d["status"] for d in data} == {
        "attention": "done",
        "dl-book": "saved",
        "gan": "dismissed",
    }
    with pytest.raises(ServiceError, match="unknown format 'pdf'"):
        await service.export(USER, "pdf")


async def test_export_all_then_forget_removes_everything(service: Service) -> None:
    await _three(service)
    await service.set_preferences(USER, default_level="intermediate", timezone="Europe/Paris")
    data = await service.export_all(USER)
    assert data["user_id"] == str(USER)
    assert data["preferences"] == {"default_level": "intermediate", "timezone": "Europe/Paris"}
    assert len(data["entries"]) == 3
    forgot = await service.forget(USER)
    assert (forgot.existed, forgot.entries_deleted) == (True, 3)
    await _nothing_written(service)
    assert (await service.preferences(USER)).timezone == "UTC"


# --- preferences and guild settings -----------------------------------------------------------


async def test_bad_preferences_write_nothing(service: Service) -> None:
    with pytest.raises(ServiceError, match="unknown time zone 'Mars/Olympus'"):
        await service.set_preferences(USER, timezone="Mars/Olympus")
    with pytest.raises(ServiceError, match="invalid level"):
        await service.set_preferences(USER, default_level="guru")
    await _nothing_written(service)


async def test_guild_settings_defaults_validation_and_updates(service: Service) -> None:
    guild = 2**62
    settings = await service.guild_settings(guild)
    assert (settings.enabled, settings.post_time, settings.timezone, settings.frequency) == (
        False,
        "09:00",
        "UTC",
        "daily",
    )
    with pytest.raises(ServiceError, match="choose a channel"):
        await service.update_guild_settings(guild, enabled=True)
    bad = [
        ({"post_time": "25:00"}, "invalid time"),
        ({"timezone": "Nowhere/City"}, "unknown time zone"),
        ({"topic": "knitting"}, "unknown topic"),
        ({"frequency": "hourly"}, "invalid frequency"),
        ({"colour": "blue"}, "unknown guild setting"),
        ({"channel_id": -1}, "invalid channel id"),
    ]
    for changes, message in bad:
        with pytest.raises(ServiceError, match=message):
            await service.update_guild_settings(guild, **changes)
    assert await service.store.get_guild(guild) is None  # nothing written
    updated = await service.update_guild_settings(
        guild, channel_id=77, post_time="7:05", timezone="Asia/Kolkata", topic="NLP", enabled=True
    )
    assert (updated.post_time, updated.topic, updated.enabled) == ("07:05", "nlp", True)
    assert [g.guild_id for g in await service.enabled_guilds()] == [guild]
    errored = await service.set_guild_error(guild, "Missing Access (50001)")
    assert errored.last_error == "Missing Access (50001)" and errored.channel_id == 77
    assert (await service.set_guild_error(guild, None)).last_error is None


async def test_rescheduling_or_re_enabling_moves_effective_from(
    service: Service, clock: Clock
) -> None:
    guild = 31
    first = await service.update_guild_settings(guild, channel_id=5, enabled=True)
    assert first.effective_from == clock.now
    clock.advance(hours=1)
    topic = await service.update_guild_settings(guild, topic="rnn")
    assert topic.effective_from == first.effective_from  # what is posted, not when
    clock.advance(hours=1)
    weekly = await service.update_guild_settings(guild, frequency="weekly", weekday=4)
    assert (weekly.weekday, weekly.effective_from) == (4, clock.now)
    clock.advance(hours=1)
    await service.update_guild_settings(guild, enabled=False)
    clock.advance(hours=1)
    back = await service.update_guild_settings(guild, enabled=True)
    assert back.effective_from == clock.now
    given = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    explicit = await service.update_guild_settings(guild, post_time="06:00", effective_from=given)
    assert explicit.effective_from == given
    for changes, message in [
        ({"weekday": 7}, "invalid weekday 7"),
        ({"effective_from": dt.datetime(2026, 1, 1)}, "timezone-aware"),
    ]:
        with pytest.raises(ServiceError, match=message):
            await service.update_guild_settings(guild, **changes)


async def test_read_counts_for_a_guilds_members(service: Service) -> None:
    await service.mark(1, "resnet", "done")
    await service.mark(2, "resnet", "done")
    await service.mark(2, "gan", "saved")
    assert await service.read_counts([1, 2, 3]) == {"resnet": 2}
    with pytest.raises(ServiceError, match="invalid user id"):
        await service.read_counts([0])


async def test_post_claims_through_the_service(service: Service) -> None:
    day = dt.date(2026, 3, 10)
    assert await service.claim_post(5, day, "resnet") is True
    assert await service.claim_post(5, day, "gan") is False
    assert await service.record_post_message(5, day, 999) is True
    assert await service.posted_resource_ids(5) == ["resnet"]
    assert await service.claim_post(5, day + dt.timedelta(days=1), None) is True
    assert await service.claim_post(5, day + dt.timedelta(days=2), "gan") is True
    assert await service.posted_resource_ids(5) == ["resnet", "gan"]  # oldest first
    assert len(await service.store.post_log(None, None)) == 3
    assert await service.release_post(5, day) is True
    assert await service.posted_resource_ids(5) == ["gan"]
