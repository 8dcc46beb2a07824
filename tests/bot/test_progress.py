"""Pure progress arithmetic (streaks) and the one learning-path algorithm progress follows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.service.progress import streak
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.resource import Resource

D = dt.date(2026, 3, 10)


def learning_path(catalog: Catalog, name: str) -> list[str]:
    """The ids of the engine's path (the one algorithm `progress --path` follows); every
    resource gets a line of text so that the tiny catalog can be indexed."""
    described = Catalog(
        [replace(r, description=f"{r.title} explained.") for r in catalog.resources]
    )
    return [step.resource.id for step in Engine.from_catalog(described).path(name).steps]


def days(*offsets: int) -> list[dt.date]:
    return [D - dt.timedelta(days=o) for o in offsets]


@pytest.mark.parametrize(
    ("offsets", "current", "longest"),
    [
        ((), 0, 0),
        ((0,), 1, 1),
        ((0, 0, 1, 2), 3, 3),  # several finished on one day count once
        ((1, 2), 2, 2),  # today not over: yesterday's streak still stands
        ((2, 3, 4, 5), 0, 4),  # broken: a whole day without finishing anything
        ((0, 1, 5, 6, 7, 8), 2, 4),
    ],
)
def test_streak(offsets: tuple[int, ...], current: int, longest: int) -> None:
    result = streak(days(*offsets), D)
    assert (result.current, result.longest) == (current, longest)
    assert result.last_day == (D - dt.timedelta(days=min(offsets)) if offsets else None)


def test_topic_path_is_easiest_first_with_prerequisites_before(
    make_resource: Callable[..., Resource],
) -> None:
    resource = make_resource
    catalog = Catalog(
        [
            resource("adv", "Advanced", level="advanced", topics=("cnn",)),
            resource("mid", "Middle", level="intermediate", topics=("cnn",)),
            resource("intro-2", "Intro 2", topics=("cnn",), prerequisites=("intro-1",)),
            resource("intro-1", "Intro 1", topics=("cnn",)),
            resource("other", "Other topic", topics=("rnn",)),
        ]
    )
    assert learning_path(catalog, "cnn") == ["intro-1", "intro-2", "mid", "adv"]


def test_resource_path_is_its_prerequisite_chain(catalog: Catalog) -> None:
    assert learning_path(catalog, "resnet") == ["nn-basics", "cs231n", "resnet"]
    assert learning_path(catalog, "attention") == ["attention"]


def test_unknown_path_names_are_refused(catalog: Catalog) -> None:
    assert learning_path(catalog, "knitting") == []
