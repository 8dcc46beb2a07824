"""Real databases for the store's tests: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.

Every database is built by running the real Alembic migrations, so the tests exercise the
schema users get. `make test` (tests/postgres.sh) starts a throwaway PostgreSQL when it can.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.service import Service
from bot.store import Store
from bot.store.engine import make_engine
from bot.store.migrate import upgrade_database
from recommender.catalog import Catalog
from recommender.resource import Resource

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
NO_PG = "TEST_DATABASE_URL is not set: PostgreSQL variant skipped (make test sets it up)"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=NO_PG)],
    ),
]


async def reset_postgres(url: str) -> None:
    """An empty `public` schema, so each test starts from the migrations alone."""
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all (SQLite file or reset PostgreSQL schema)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'deepread.db'}"
    await reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
async def database_url(empty_database_url: str) -> str:
    """A database at the newest revision, built by the real migrations."""
    await upgrade_database(empty_database_url)
    return empty_database_url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    async with Store.open(database_url) as opened:
        yield opened


def resource(
    rid: str,
    title: str,
    *,
    kind: str = "paper",
    level: str = "beginner",
    topics: tuple[str, ...] = ("deep-learning",),
    prerequisites: tuple[str, ...] = (),
    url: str | None = None,
    authors: tuple[str, ...] = (),
    year: int | None = None,
) -> Resource:
    return Resource(
        id=rid,
        title=title,
        kind=kind,
        level=level,
        topics=topics,
        prerequisites=prerequisites,
        url=url,
        authors=authors,
        year=year,
    )


def small_catalog() -> Catalog:
    """Eight resources over three levels and a few topics, with a prerequisite chain."""
    return Catalog(
        [
            resource(
                "nn-basics",
                "Neural Networks and Deep Learning",
                kind="book",
                topics=("neural-networks", "deep-learning"),
                url="http://neuralnetworksanddeeplearning.com/",
                authors=("Michael Nielsen",),
                year=2015,
            ),
            resource(
                "backprop-calculus",
                "Calculus on Computational Graphs: Backpropagation",
                kind="blog",
                topics=("backpropagation",),
                url="https://colah.github.io/posts/2015-08-Backprop/",
            ),
            resource(
                "cs231n",
                "CS231n: Convolutional Neural Networks for Visual Recognition",
                kind="course",
                topics=("cnn", "computer-vision"),
                prerequisites=("nn-basics",),
                url="https://cs231n.github.io/",
            ),
            resource(
                "resnet",
                "Deep Residual Learning for Image Recognition",
                level="intermediate",
                topics=("cnn", "computer-vision"),
                prerequisites=("cs231n",),
                authors=("Kaiming He", "Xiangyu Zhang"),
                year=2015,
                url="https://arxiv.org/abs/1512.03385",
            ),
            resource(
                "attention",
                "Attention Is All You Need",
                level="advanced",
                topics=("nlp", "deep-learning"),
                authors=("Ashish Vaswani",),
                year=2017,
                url="https://arxiv.org/abs/1706.03762",
            ),
            resource(
                "lstm-post",
                "Understanding LSTM Networks",
                kind="blog",
                level="intermediate",
                topics=("rnn",),
                url="https://colah.github.io/posts/2015-08-Understanding-LSTMs/",
            ),
            resource(
                "dl-book",
                "Deep Learning",
                kind="book",
                level="intermediate",
                authors=("Ian Goodfellow", "Yoshua Bengio", "Aaron Courville"),
                year=2016,
            ),
            resource(
                "gan",
                "Generative Adversarial Nets",
                level="advanced",
                topics=("generative-models",),
                prerequisites=("dl-book",),
                year=2014,
            ),
        ]
    )


@pytest.fixture
def catalog() -> Catalog:
    """A fresh small catalog (the service fixture is built on this same object)."""
    return small_catalog()


@pytest.fixture
def make_resource() -> Callable[..., Resource]:
    """`resource(id, title, **fields)`: a Resource with test defaults."""
    return resource


class Clock:
    """A settable clock for the service (streaks and timestamps without sleeping)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
async def service(
    store: Store, catalog: Catalog, clock: Callable[[], dt.datetime]
) -> AsyncIterator[Service]:
    yield Service(store, catalog, None, clock=clock)
