"""What the service needs from the recommender, as structural types (no import of the engine).

`recommender.engine.Engine` fits `RecommenderLike` as it is: `recommend(...)` returns a
`Recommendations` whose `results` hold (resource, score, why), and `path(topic)` returns a
`LearningPath` whose `steps` hold resources. Tests pass small fakes of the same shape.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from recommender.resource import Resource


@dataclass(frozen=True, slots=True)
class ReadingProfile:
    """What the recommender may learn from a user: liked (done/saved/reading) and dismissed.

    Same fields as `recommender.personal.Profile`, which the engine reads.
    """

    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.positives and not self.negatives


class RecommendationLike(Protocol):
    @property
    def resource(self) -> Resource: ...

    @property
    def score(self) -> float: ...

    @property
    def why(self) -> str: ...


class RecommendationsLike(Protocol):
    @property
    def results(self) -> Sequence[RecommendationLike]: ...


class RecommenderLike(Protocol):
    """The engine's `recommend`, as the service calls it."""

    def recommend(
        self,
        query: str,
        level: str | None = None,
        kind: str | None = None,
        k: int = 5,
        exclude: Collection[str] = (),
        profile: Any = None,
    ) -> RecommendationsLike: ...


class PathStepLike(Protocol):
    @property
    def resource(self) -> Resource: ...


class LearningPathLike(Protocol):
    @property
    def topic(self) -> str: ...

    @property
    def steps(self) -> Sequence[PathStepLike]: ...


@runtime_checkable
class PathPlannerLike(Protocol):
    """The engine's `path(topic)`: when the recommender has it, progress follows its paths."""

    def path(self, topic: str) -> LearningPathLike: ...
