"""What the engine answers: frozen dataclasses, safe to share and to turn into JSON or embeds."""

from __future__ import annotations

from dataclasses import dataclass

from recommender.query import ParsedQuery
from recommender.resource import Resource


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One ranked resource; `why` says in a few words what matched (terms, topics, level)."""

    resource: Resource
    score: float
    why: str


@dataclass(frozen=True, slots=True)
class Recommendations:
    """A page of results; `total` counts every candidate, so a caller can offer "More"."""

    query: ParsedQuery
    results: tuple[Recommendation, ...]
    total: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class PaperMatch:
    resource: Resource
    score: float
    why: str
    summary: str
    related: tuple[Resource, ...]


@dataclass(frozen=True, slots=True)
class PaperAnswer:
    """The best-matching paper, or None with up to three "did you mean" resources."""

    query: str
    match: PaperMatch | None
    suggestions: tuple[Resource, ...] = ()


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of a resource's description that answers a question, with its source."""

    text: str
    resource: Resource
    score: float


@dataclass(frozen=True, slots=True)
class Answer:
    """Cited passages, best first; empty means "I don't know"."""

    question: str
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class PathStep:
    """One stop on a learning path: `stage` is basics/beginner/intermediate/advanced."""

    resource: Resource
    stage: str
    reason: str


@dataclass(frozen=True, slots=True)
class LearningPath:
    topic: str
    topic_slug: str | None
    steps: tuple[PathStep, ...]


class UnknownResourceError(LookupError):
    """An id that is not in the catalog; `suggestions` are the closest ids."""

    def __init__(self, resource_id: str, suggestions: tuple[str, ...] = ()) -> None:
        hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"no resource with id {resource_id!r}{hint}")
        self.resource_id = resource_id
        self.suggestions = suggestions
