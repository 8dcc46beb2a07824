"""What the service answers to discovery questions: frozen dataclasses both faces render.

They carry catalog `Resource`s (plain frozen data) plus what only the service knows: the
user's status of each resource, and how many more results there really are. A face turns
them into an embed or a table; it never asks the engine for anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.resource import Resource

CATALOG_SCOPE = "The catalog holds deep-learning reading, from the classics to 2025."
"""What the catalog covers: said with every "nothing on that yet", so an empty answer reads as
a gap in the catalog, not as a broken bot."""


def nothing_on(query: str) -> str:
    """The one wording both faces use when the catalog lacks a topic."""
    shown = " ".join(query.split())[:100]
    return f"nothing in the catalog on “{shown}” yet"


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended resource; `why` says in a few words what matched."""

    resource: Resource
    score: float
    why: str = ""


@dataclass(frozen=True, slots=True)
class Recommendations:
    """A page of recommendations for `query` (level and kind as understood).

    `remaining` counts the results after this page that a next page would really show (the
    user's finished and dismissed resources are already left out of it).
    """

    query: str
    level: str | None
    kind: str | None
    results: tuple[Recommendation, ...]
    offset: int
    remaining: int

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.results)


@dataclass(frozen=True, slots=True)
class PaperCard:
    """A resource with its summary and three related ones; `status` is the user's, if any."""

    resource: Resource
    summary: str
    related: tuple[Resource, ...]
    score: float | None = None
    why: str = ""
    status: str | None = None


@dataclass(frozen=True, slots=True)
class PaperAnswer:
    """The best-matching paper's card, or None with up to three "did you mean" resources."""

    query: str
    card: PaperCard | None
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
class Similar:
    """Resources like `source`, best first (without what the user finished or dismissed)."""

    source: Resource
    results: tuple[Recommendation, ...]


@dataclass(frozen=True, slots=True)
class PathStep:
    """One stop on a learning path; `status` is the user's (None: untouched or anonymous)."""

    resource: Resource
    stage: str
    reason: str
    status: str | None = None

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True, slots=True)
class LearningPath:
    """A topic's reading path, basics first; `label` is what to call it on screen."""

    topic: str
    topic_slug: str | None
    label: str
    steps: tuple[PathStep, ...]

    @property
    def finished(self) -> int:
        return sum(1 for s in self.steps if s.done)


@dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: what to show, and the value to send back."""

    name: str
    value: str
