"""A server's own resources on top of the shared catalog, searchable without a rebuild.

Each Discord server may add resources (approved suggestions) to the catalog. Refitting the
index per server would take seconds and a copy of every matrix; instead an `OverlayEngine`
is the base `Engine`'s answers over "base rows + the server's rows":

- the additions are vectorised in the base's term space with the base's IDF, the same
  sublinear tf and L2 norm as fitted rows, so their cosines are comparable with the base's
  and one ranking merges both;
- words (and bigrams) the base has never seen get local term ids after the base's, with
  the IDF the fit gives a term found in that many documents of the base, so a query of a
  new word finds the addition (and the parser no longer "corrects" it into a base word);
- the base's arrays, vocabulary and posting lists are shared, never copied: the overlay
  holds only its own rows (`layered.py`), and builds in milliseconds with numpy alone.

Every `Engine` method (`recommend`, `paper`, `ask`, `similar`, `path`, `lookup`,
`resource`) works unchanged on an overlay, because the engine reads its index only through
a few methods (`resource_scores`, `postings`, `row_terms`, ...) that the overlay answers
block by block. Base rows keep their row numbers and come first, so ties still go to the
base and, when no addition matches, the base's answers are the base engine's own.

Additions are leaves of the catalog's prerequisite graph: they count nothing towards the
base's "canonical paper" weights (a server cannot reorder the shared catalog), their own
prerequisites are honoured in paths, and an addition that cannot be indexed (empty id,
an id the catalog or an earlier addition holds, an unknown kind or level) is left out and
listed in `rejected` rather than failing the whole server.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from recommender.engine import PASSAGE_FULL_WORDS, Engine
from recommender.index import (
    CsrArrays,
    name_features,
    resource_features,
    resource_passages,
    sentence_features,
)
from recommender.layered import (
    JoinedSequence,
    LayeredMapping,
    PaddedRows,
    TermBlock,
    vectorise,
)
from recommender.lookup import titles_of
from recommender.query import ParsedQuery, QueryParser
from recommender.resource import Resource
from recommender.text import stem
from recommender.vocabulary import KINDS, LEVELS


@dataclass(frozen=True, slots=True)
class Rejected:
    """An addition left out of an overlay, and why (for the service to log or show)."""

    resource_id: str
    reason: str


@dataclass(frozen=True, eq=False)
class _BaseFacts:
    """What every overlay of one base needs and the base does not keep: computed once per
    base engine (a weak reference: a replaced catalog takes its facts with it)."""

    n_terms: int
    cited_scale: float  # the base's log1p(most cited), the prior's denominator
    words: frozenset[str]


_FACTS: weakref.WeakKeyDictionary[Engine, _BaseFacts] = weakref.WeakKeyDictionary()


def _cited(resource: Resource) -> int:
    return len(resource.sources) + (1 if resource.description else 0)


def _facts(base: Engine) -> _BaseFacts:
    facts = _FACTS.get(base)
    if facts is None:
        most = max((_cited(r) for r in base.resources), default=1)
        facts = _BaseFacts(
            n_terms=len(base.terms),
            cited_scale=max(1.0, math.log1p(most)),
            words=frozenset(base.index.words),
        )
        _FACTS[base] = facts
    return facts


def screen(base: Engine, additions: Iterable[Resource]) -> tuple[list[Resource], list[Rejected]]:
    """The additions an overlay can index, in order, and those it must leave out."""
    kept: list[Resource] = []
    rejected: list[Rejected] = []
    taken: set[str] = set()
    for resource in additions:
        rid = resource.id
        reason = None
        if not rid or not rid.strip():
            reason = "empty id"
        elif rid in base.row or rid in taken:
            reason = "id already in use"
        elif resource.kind not in KINDS:
            reason = f"unknown kind {resource.kind!r}"
        elif resource.level not in LEVELS:
            reason = f"unknown level {resource.level!r}"
        if reason is not None:
            rejected.append(Rejected(rid, reason))
            continue
        kept.append(resource)
        taken.add(rid)
    return kept, rejected


class OverlayEngine(Engine):
    """An `Engine` over a shared base engine plus a server's additions (see module doc).

    Built with `OverlayEngine(base, additions)`; the base is neither copied nor changed.
    """

    def __init__(self, base: Engine, additions: Iterable[Resource]) -> None:
        kept, rejected = screen(base, additions)
        facts = _facts(base)
        self.base = base
        self.additions: tuple[Resource, ...] = tuple(kept)
        self.rejected: tuple[Rejected, ...] = tuple(rejected)
        nb, m = len(base.resources), len(kept)
        self._n_base = nb
        self._n_base_terms = facts.n_terms
        self.resources = base.resources + self.additions

        analysed = [resource_features(r) for r in kept]
        known = base.vocabulary
        df = Counter(f for features, _ in analysed for f in set(features) if f not in known)
        new_terms = sorted(df)
        local = {term: facts.n_terms + i for i, term in enumerate(new_terms)}
        self._local_idf = np.array(
            [math.log((1 + nb) / (1 + df[t])) + 1.0 for t in new_terms], dtype=np.float32
        )
        self.vocabulary = LayeredMapping(known, local)
        self.terms = JoinedSequence(base.terms, new_terms)
        n_terms = facts.n_terms + len(new_terms)

        passages: list[str] = []
        owners: list[int] = []
        for row, resource in enumerate(kept):
            for passage in resource_passages(resource):
                passages.append(passage)
                owners.append(nb + row)
        self._matrix = vectorise([f for f, _ in analysed], self.vocabulary, self._idf, n_terms)
        self._whole = TermBlock.from_rows(self._matrix)
        names = vectorise([name_features(r) for r in kept], self.vocabulary, self._idf, n_terms)
        self._names = TermBlock.from_rows(names)
        sentences = [sentence_features(p) for p in passages]
        self._passages = TermBlock.from_rows(
            vectorise(sentences, self.vocabulary, self._idf, n_terms)
        )
        self._local_passages = tuple(passages)
        self.passages = JoinedSequence(base.passages, self._local_passages)
        self.passage_owner = np.concatenate(
            [base.passage_owner, np.array(owners, dtype=base.passage_owner.dtype)]
        )

        local_rows: dict[str, int] = {}
        for i, resource in enumerate(kept):
            local_rows[resource.id] = nb + i
        for i, resource in enumerate(kept):  # a renamed addition keeps its old id
            for former in resource.former_ids:
                if former not in base.row and former not in local_rows:
                    local_rows[former] = nb + i
        self.row = LayeredMapping(base.row, local_rows)

        surfaces: Counter[str] = Counter(
            w for _, surface in analysed for w in surface if not w.isdigit()
        )
        local_surface: dict[str, str] = {}
        for word, _ in surfaces.most_common():
            s = stem(word)
            if s in local and s not in local_surface:
                local_surface[s] = word
        self.surface = LayeredMapping(base.surface, local_surface)
        new_words = [w for w, _ in surfaces.most_common() if len(w) >= 3 and w not in facts.words]
        self.parser = QueryParser(new_words, self.vocabulary, base=base.parser)

        topics: dict[str, np.ndarray] = {}
        for i, resource in enumerate(kept):
            for slug in resource.topics:
                if slug in base.topic_rows:
                    topics.setdefault(slug, np.zeros(m, dtype=bool))[i] = True
        self.topic_rows = PaddedRows(base.topic_rows, topics, m)
        # Additions lead nothing: no base paper is "canonical" because of a server's list.
        self.topic_canonical = PaddedRows(base.topic_canonical, {}, m)
        self.canonical = np.concatenate([base.canonical, np.zeros(m, dtype=np.float32)])
        self.historical = np.concatenate(
            [base.historical, np.array([bool(r.historical) for r in kept], dtype=bool)]
        )
        self.levels = np.concatenate(
            [base.levels, np.array([LEVELS.index(r.level) for r in kept], dtype=base.levels.dtype)]
        )
        self.kinds = np.concatenate(
            [base.kinds, np.array([KINDS.index(r.kind) for r in kept], dtype=base.kinds.dtype)]
        )
        cited = np.array([_cited(r) for r in kept], dtype=np.float32)
        prior = np.minimum(1.0, np.log1p(cited) / np.float32(facts.cited_scale))
        self.prior = np.concatenate([base.prior, prior.astype(np.float32)])

    def __repr__(self) -> str:
        return f"OverlayEngine({len(self.additions)} additions over {self._n_base} resources)"

    # --- the index, block by block -------------------------------------------------------------

    def _idf(self, ids: np.ndarray) -> np.ndarray:
        """IDF of term ids in the joint term space: the base's, then the new terms'."""
        base_idf = self.base.index.idf
        out = np.empty(ids.size, dtype=np.float32)
        old = ids < self._n_base_terms
        out[old] = base_idf[ids[old]]
        out[~old] = self._local_idf[ids[~old] - self._n_base_terms]
        return out

    def _split(self, ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        old = ids < self._n_base_terms
        return ids[old], weights[old]

    def query_vector(self, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
        """Known features (the base's or the additions') as term ids and L2-normalised
        tf-idf weights: `index.weigh` over the joint term space."""
        vocabulary = self.vocabulary
        pairs = [
            (vocabulary[f], w) for f, w in parsed.features.items() if f in vocabulary and w > 0
        ]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        raw = np.fromiter((w for _, w in pairs), dtype=np.float32, count=len(pairs))
        weights = raw * self._idf(ids)
        return ids, weights / np.float32(np.linalg.norm(weights))

    def resource_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        head = self.base.resource_scores(*self._split(ids, weights))
        return np.concatenate([head, self._whole.score(ids, weights)])

    def name_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        head = self.base.name_scores(*self._split(ids, weights))
        return np.concatenate([head, self._names.score(ids, weights)])

    def passage_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        head = self.base.passage_scores(*self._split(ids, weights))
        return np.concatenate([head, self._passages.score(ids, weights)])

    def row_terms(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        if row < self._n_base:
            return self.base.row_terms(row)
        local = row - self._n_base
        a, b = self._matrix.indptr[local], self._matrix.indptr[local + 1]
        return self._matrix.indices[a:b], self._matrix.data[a:b]

    def postings(self, term: int) -> np.ndarray:
        tail = self._whole.postings(term) + self._n_base
        if term >= self._n_base_terms:
            return tail
        return np.concatenate([self.base.postings(term), tail])

    def row_matrix(self) -> CsrArrays:
        """Base rows and then the additions' (a copy, made only for personal ranking)."""
        head, tail = self.base.row_matrix(), self._matrix
        indptr = np.concatenate([head.indptr, tail.indptr[1:] + head.indptr[-1]])
        return CsrArrays(
            np.concatenate([head.data, tail.data]),
            np.concatenate([head.indices, tail.indices.astype(head.indices.dtype)]),
            indptr.astype(head.indptr.dtype),
            (len(self.resources), len(self.terms)),
        )

    @cached_property
    def _passage_weight(self) -> np.ndarray:
        lengths = np.fromiter((len(p.split()) for p in self._local_passages), dtype=np.float32)
        tail = np.sqrt(np.minimum(1.0, lengths / PASSAGE_FULL_WORDS))
        return np.concatenate([self.base._passage_weight, tail.astype(np.float32)])

    @cached_property
    def titles(self) -> Mapping[str, str]:
        return LayeredMapping(self.base.titles, titles_of(self.additions))

    def summary(self, resource: Resource) -> str:
        """Summaries weigh sentences by the base's IDF (new words simply count for nothing)."""
        return self.base.summary(resource)


def overlay(base: Engine, additions: Sequence[Resource]) -> Engine:
    """The engine answering over `base` + `additions`: the base itself when there are none."""
    if not additions:
        return base
    return OverlayEngine(base, additions)
