"""The recommender: one Engine per catalog, answering pure calls with frozen dataclasses.

Built once (or loaded from the cache), then every call is a sparse dot product over a few
query terms, a top-k by `np.partition`, and a few lines of explanation for the k results:
no per-query loop over the catalog.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from recommender import explain, fuzzy
from recommender.cache import cache_file, load_index, save_index
from recommender.catalog import Catalog
from recommender.index import (
    CsrArrays,
    Index,
    build_index,
    row_terms,
    score,
    sentence_features,
    top_rows,
    weigh,
)
from recommender.lookup import Resolution, lookup_in, titles_of
from recommender.paths import PER_LEVEL, learning_path, prerequisite_path, resolve_topic
from recommender.personal import Profile, preference
from recommender.query import (
    PHRASE_SHARE,
    ParsedQuery,
    QueryParser,
    coverage,
    defined_subject,
    defines,
    match_topics,
    matches,
    meaningful_stems,
    needed,
    other_spellings,
)
from recommender.resource import Resource
from recommender.results import (
    Answer,
    LearningPath,
    PaperAnswer,
    PaperMatch,
    Passage,
    Recommendation,
    Recommendations,
    UnknownResourceError,
)
from recommender.summarize import NO_SUMMARY, summarize
from recommender.text import content_stems, stem, words
from recommender.vocabulary import KINDS, LEVELS, TOPIC_PREREQUISITES, TOPICS, topic_label

MIN_SCORE = 0.02
"""Below this cosine a resource shares only noise with the query and is not a result."""
RELEVANT_FRACTION = 0.3
"""A result within this fraction of the best score counts as relevant for level/kind grouping."""
NAME_WEIGHT = 0.4
"""Share of the score from title/authors/site alone (the rest from the whole resource)."""
TOPIC_BOOST = 0.08
PRIOR_WEIGHT = 0.05
"""How much being cited by several source documents counts, among resources that match."""
CANONICAL_WEIGHT = 0.1
"""How much being the work others build on counts, among resources that match: a resource
that many catalog entries name as a prerequisite ("Attention Is All You Need", BERT, DDPM) is
the canonical reading of its area and leads a plain topic query."""
CANONICAL_SCALE = 30
"""A paper that this many resources build on counts fully (fewer: less, on a log scale)."""
TOPIC_CANONICAL_WEIGHT = 0.2
"""More of the same within a topic the query names: `transformers` leads with the Transformer
paper, `gans` with Goodfellow et al., though their titles do not say the topic's name."""
MIN_CANONICAL_COUNT = 3
"""A topic's top paper needs this many resources of the topic built on it to lead the topic."""
HISTORICAL_PENALTY = 0.05
"""Taken off a historical resource's score (Theano, Lua Torch, a withdrawn course), so that a
current equivalent ranks above it."""
PROFILE_WEIGHT = 0.3
PAPER_MIN_SCORE = 0.12
PAPER_MIN_COVERAGE = 0.6
PAPER_PREFERENCE = 0.7
"""`paper` answers with a paper when it scores at least this fraction of the best resource."""
ASK_MIN_SCORE = 0.18
ASK_MIN_COVERAGE = 0.5
"""An answer must contain at least half of the question's own words (see query.coverage)."""
DEFINITION_BONUS = 1.5
"""A passage that defines what a "what is X" question asks about counts this much more."""
PASSAGE_FULL_WORDS = 10
"""Passages shorter than this many words are trusted less (score × sqrt(words / 10))."""
_TIER = 10.0


def descendants(resources: Sequence[Resource], row: Mapping[str, int]) -> dict[int, np.ndarray]:
    """For each paper, the rows of every resource that names it as a prerequisite, directly or
    through others (empty for other kinds: explainers lead through their own words already).
    Only papers something names are walked, so a catalog without prerequisites costs nothing."""
    below: list[set[int]] = [set() for _ in resources]
    for i, resource in enumerate(resources):
        for pid in resource.prerequisites:
            if pid in row and row[pid] != i:
                below[row[pid]].add(i)
    out: dict[int, np.ndarray] = {}
    for start, resource in enumerate(resources):
        if resource.kind != "paper" or not below[start]:
            continue
        seen: set[int] = set()
        stack = list(below[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(below[node] - seen)
        seen.discard(start)
        out[start] = np.fromiter(sorted(seen), dtype=np.int64, count=len(seen))
    return out


def canonical_weights(
    built_on: dict[int, np.ndarray],
    size: int,
    members: np.ndarray | None = None,
    min_count: int = 0,
    scale: int = 1,
) -> np.ndarray:
    """0-1 per resource: how much of the catalog (or of `members`) builds on a paper, on a log
    scale up to the most built-on paper, or to `scale` resources if that is more (one paper
    building on another in a small catalog does not make it canonical). "Attention Is All You
    Need" is under BERT, GPT and most language-model papers. All zero when no paper has
    `min_count` such resources (no paper leads that part)."""
    counts = np.zeros(size, dtype=np.float32)
    for i, rows in built_on.items():
        if members is None or members[i]:
            counts[i] = rows.size if members is None else int(members[rows].sum())
    top = float(counts.max(initial=0.0))
    if top < max(1, min_count):
        return np.zeros(size, dtype=np.float32)
    weights: np.ndarray = np.log1p(counts) / np.float32(np.log1p(max(top, scale)))
    return weights.astype(np.float32)


@functools.lru_cache(maxsize=64)
def _preference(engine: Engine, profile: Profile) -> np.ndarray | None:
    """The reader's preference over the engine's resources (read-only). It depends on their
    history alone, not on the query, and with two liked resources or more it is a linear SVM
    fit (about 1.5 ms): a member's next question, or the next page, reuses it. At most 64
    are kept (each one float per resource)."""
    found = preference(
        engine.row_matrix(), engine._rows(profile.positives), engine._rows(profile.negatives)
    )
    if found is not None:
        found.setflags(write=False)
    return found


class Engine:
    """Search, summaries, answers, similar resources, paths and personal ranking."""

    def __init__(self, resources: Sequence[Resource], index: Index) -> None:
        self.resources = tuple(resources)
        self.index = index
        row = {r.id: i for i, r in enumerate(self.resources)}
        for i, resource in enumerate(self.resources):  # a renamed resource keeps its old id
            for former in resource.former_ids:
                row.setdefault(former, i)
        self.row: Mapping[str, int] = row
        self.parser = QueryParser(index.words, index.vocabulary)
        self.terms: Sequence[str] = sorted(index.vocabulary, key=index.vocabulary.__getitem__)
        self.topic_rows: Mapping[str, np.ndarray] = {
            t.slug: np.zeros(len(self.resources), dtype=bool) for t in TOPICS
        }
        for i, resource in enumerate(self.resources):
            for slug in resource.topics:
                if slug in self.topic_rows:
                    self.topic_rows[slug][i] = True
        built_on = descendants(self.resources, self.row)
        n = len(self.resources)
        self.canonical = canonical_weights(built_on, n, scale=CANONICAL_SCALE)
        # Within a topic, what builds on a paper inside that topic: `transformers` leads with
        # the Transformer paper, `rnn` is not taken over by the ancestors of the Transformer.
        self.topic_canonical: Mapping[str, np.ndarray] = {
            slug: canonical_weights(built_on, n, members, MIN_CANONICAL_COUNT) ** 2
            for slug, members in self.topic_rows.items()
        }
        self.historical = np.array([bool(r.historical) for r in self.resources], dtype=bool)
        # What the methods below read of the index, named here so that an overlay (overlay.py)
        # can answer with the same methods over "base rows + its own rows".
        self.vocabulary: Mapping[str, int] = index.vocabulary
        self.surface: Mapping[str, str] = index.surface
        self.levels: np.ndarray = index.levels
        self.kinds: np.ndarray = index.kinds
        self.prior: np.ndarray = index.prior
        self.passages: Sequence[str] = index.passages
        self.passage_owner: np.ndarray = index.passage_owner

    @cached_property
    def _passage_weight(self) -> np.ndarray:
        """A three-word sentence ("Introduces Tree LSTM.") wins any cosine but answers little."""
        lengths = np.fromiter((len(p.split()) for p in self.passages), dtype=np.float32)
        return np.sqrt(np.minimum(1.0, lengths / PASSAGE_FULL_WORDS))

    @classmethod
    def from_catalog(cls, catalog: Catalog, cache_dir: Path | str | None = None) -> Engine:
        """Fit the index, or load it from `cache_dir` when this exact catalog was seen before."""
        resources = catalog.resources
        ids = tuple(r.id for r in resources)
        path = cache_file(Path(cache_dir), catalog.content_hash) if cache_dir else None
        index = load_index(path, ids) if path else None
        if index is None:
            index = build_index(resources)
            if path:
                save_index(index, path)
        return cls(resources, index)

    # --- resources by id or title -------------------------------------------------------------

    @cached_property
    def titles(self) -> Mapping[str, str]:
        """id → normalised title, in catalog order (what `lookup` compares against)."""
        return titles_of(self.resources)

    def resource(self, resource_id: str) -> Resource | None:
        """The resource with this id (or former id), None when there is none."""
        row = self.row.get(resource_id)
        return None if row is None else self.resources[row]

    def lookup(self, text: str) -> Resolution:
        """What an id or a (fuzzy) title names among this engine's resources (see
        lookup.lookup, the same policy): an overlay's engine finds its additions too."""
        return lookup_in(self.resource, self.titles, text)

    # --- scoring ------------------------------------------------------------------------------

    def parse(self, query: str, level: str | None = None, kind: str | None = None) -> ParsedQuery:
        return self.parser.parse(query, level, kind)

    def query_vector(self, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
        return weigh(self.index.vocabulary, self.index.idf, parsed.features)

    def resource_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine of a query vector with every resource's whole row."""
        return score(self.index.by_term, ids, weights)

    def name_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine of a query vector with every resource's title, authors and site."""
        return score(self.index.name_by_term, ids, weights)

    def passage_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine of a query vector with every passage (see `passages`)."""
        return score(self.index.passage_by_term, ids, weights)

    def row_terms(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """(term ids, weights) of one resource's row, term ids sorted."""
        return row_terms(self.index.matrix, row)

    def postings(self, term: int) -> np.ndarray:
        """Rows holding a term (by term id)."""
        by_term = self.index.by_term
        return np.asarray(by_term.indices[by_term.indptr[term] : by_term.indptr[term + 1]])

    def row_matrix(self) -> CsrArrays:
        """Every resource's row (resources × terms), for personal ranking."""
        return self.index.matrix

    def text_scores(
        self, parsed: ParsedQuery, query: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """Cosine with each resource, plus a small boost for the topics the query names."""
        ids, weights = query if query is not None else self.query_vector(parsed)
        scores = (1.0 - NAME_WEIGHT) * self.resource_scores(ids, weights)
        scores += NAME_WEIGHT * self.name_scores(ids, weights)
        for slug in parsed.topics[:2]:
            scores = scores + self.topic_rows[slug] * (
                TOPIC_BOOST + TOPIC_CANONICAL_WEIGHT * self.topic_canonical[slug]
            )
        if PRIOR_WEIGHT:
            scores += PRIOR_WEIGHT * self.prior * (scores > 0)
        scores += (CANONICAL_WEIGHT * self.canonical - HISTORICAL_PENALTY * self.historical) * (
            scores > 0
        )
        return scores

    def _holding(self, word: str) -> np.ndarray:
        """Rows holding a stem, or most of one of its other spellings (see query.matches)."""
        n = len(self.resources)
        vocabulary = self.vocabulary

        def postings(term: str) -> np.ndarray:
            t = vocabulary.get(term)
            if t is None:
                return np.zeros(0, dtype=np.int64)
            return self.postings(t)

        held = np.zeros(n, dtype=bool)
        held[postings(word)] = True
        for core in other_spellings(word):
            count = np.zeros(n, dtype=np.int32)
            for part in core:
                count[postings(part)] += 1
            held |= count >= PHRASE_SHARE * len(core)
        return held

    def matching(self, parsed: ParsedQuery) -> np.ndarray:
        """Rows that hold the query's meaningful words: `query.matches`, for every row at once
        from the posting lists of a few words (no loop over the catalog)."""
        n = len(self.resources)
        required = meaningful_stems(parsed)
        if not required or n == 0:
            return np.zeros(n, dtype=bool)
        fixed = {stem(new) for _, new in parsed.corrections}
        held = [self._holding(word) for word in required]
        ok = np.sum(held, axis=0) >= needed(len(required))
        typed = [h for word, h in zip(required, held, strict=True) if word not in fixed]
        if typed:
            ok &= np.logical_or.reduce(typed)
        return np.asarray(ok, dtype=bool)

    def _rows(self, ids: Iterable[str]) -> list[int]:
        return [self.row[i] for i in ids if i in self.row]

    def recommend(
        self,
        query: str,
        level: str | None = None,
        kind: str | None = None,
        k: int = 5,
        exclude: Iterable[str] = (),
        profile: Profile | None = None,
        offset: int = 0,
    ) -> Recommendations:
        """Ranked resources. An explicit `kind` filters; a kind or level word ranks first.

        With a level, relevant resources at that level come first, then the neighbouring
        level(s), labelled in `why`; `offset` pages through the same ranking.
        """
        parsed = self.parse(query, level, kind)
        n = len(self.resources)
        pref = None
        if profile is not None and not profile.empty:
            pref = _preference(self, profile)
        query_vector = self.query_vector(parsed)
        if parsed.has_terms:
            base = self.text_scores(parsed, query_vector)
            mask = (base > MIN_SCORE) & self.matching(parsed)
            if pref is not None:
                base = base + PROFILE_WEIGHT * pref * mask
        elif pref is not None or parsed.level or parsed.kind:
            base = 0.01 * self.prior + (pref if pref is not None else 0.0)
            mask = np.ones(n, dtype=bool)
        else:
            return Recommendations(parsed, (), 0, offset)
        if kind is not None:
            mask &= self.kinds == KINDS.index(kind)
        mask[self._rows(exclude)] = False
        rows = np.flatnonzero(mask)
        if rows.size == 0:
            return Recommendations(parsed, (), 0, offset)
        best = float(base[rows].max())
        relevant = base >= RELEVANT_FRACTION * best if parsed.has_terms else np.ones(n, bool)
        tier = np.zeros(n, dtype=np.float32)
        if parsed.level:
            tier += np.abs(self.levels - LEVELS.index(parsed.level))
        if parsed.kind and kind is None:
            tier += 3.0 * (self.kinds != KINDS.index(parsed.kind))
        if parsed.level == LEVELS[0]:  # a beginner gets the current equivalent first
            tier += 0.5 * self.historical
        key = base - _TIER * np.where(relevant, tier, 7.0)
        offset, k = max(0, offset), max(0, k)
        top = top_rows(key, rows, offset + k)[offset:]
        results = tuple(
            Recommendation(
                self.resources[r],
                round(float(base[r]), 4),
                explain.why(self, parsed, query_vector, int(r), k, kind is None, pref),
            )
            for r in top
        )
        return Recommendations(parsed, results, int(rows.size), offset)

    # --- paper ---------------------------------------------------------------------------------

    def coverage(self, parsed: ParsedQuery, row: int) -> float:
        """Share of the query's own words that the resource contains (see query.coverage);
        0 when it lacks the query's meaningful words (see query.matches)."""
        present = {self.terms[int(i)] for i in self.row_terms(row)[0]}
        return coverage(parsed, present) if matches(parsed, present) else 0.0

    def paper(self, query: str) -> PaperAnswer:
        """The best-matching paper with a summary, or None and "did you mean" suggestions."""
        parsed = self.parse(query)
        if not parsed.has_terms or not self.resources:
            return PaperAnswer(parsed.text, None, ())
        scores = self.text_scores(parsed) * self.matching(parsed)
        papers = self.kinds == KINDS.index("paper")
        best_any = int(np.argmax(scores))
        best_paper = int(np.argmax(np.where(papers, scores, -1.0)))
        row = best_paper if scores[best_paper] >= PAPER_PREFERENCE * scores[best_any] else best_any
        if scores[row] >= PAPER_MIN_SCORE and self.coverage(parsed, row) >= PAPER_MIN_COVERAGE:
            # (scores are zero where the meaningful words are missing, so this is a match)
            resource = self.resources[row]
            match = PaperMatch(
                resource,
                round(float(scores[row]), 4),
                explain.why(self, parsed, self.query_vector(parsed), row, 1, False, None),
                self.summary(resource),
                tuple(rec.resource for rec in self.similar(resource.id, k=3)),
            )
            return PaperAnswer(parsed.text, match, ())
        return PaperAnswer(parsed.text, None, self.suggestions(parsed, scores))

    def summary(self, resource: Resource) -> str:
        """Abstract → extractive summary; a curated one-line description is shown as is."""
        if not resource.description:
            return NO_SUMMARY
        if resource.description_source == "curated":
            return " ".join(resource.description.split())
        return summarize(
            resource.description, self.index.vocabulary, self.index.idf, resource.title
        )

    def suggestions(self, parsed: ParsedQuery, scores: np.ndarray) -> tuple[Resource, ...]:
        """Up to three titles close to the query: weak matches first, then similar spelling."""
        rows = [int(r) for r in top_rows(scores, np.flatnonzero(scores > MIN_SCORE), 3)]
        titles = [r.title for r in self.resources]
        wanted = set(meaningful_stems(parsed))
        for row, _ in fuzzy.ranked(parsed.text, titles, cutoff=fuzzy.SPELLING, limit=3):
            # Spelt alike is not enough: the title must share one of the query's meaningful
            # words ("an intro duction" is not close to "An Analysis of ...").
            shared = wanted & set(content_stems(words(titles[row])))
            if row not in rows and shared:
                rows.append(int(row))
        return tuple(self.resources[r] for r in rows[:3])

    # --- ask, similar, path --------------------------------------------------------------------

    def ask(self, question: str, k: int = 3) -> Answer:
        """Passages from descriptions that answer the question, one per resource, cited."""
        parsed = self.parse(question)
        if not parsed.has_terms or not self.passages or k <= 0:
            return Answer(parsed.text, ())
        ids, weights = self.query_vector(parsed)
        passage = self.passage_scores(ids, weights)
        resource = self.text_scores(parsed, (ids, weights))
        combined = self._passage_weight * (0.75 * passage + 0.25 * resource[self.passage_owner])
        candidates = top_rows(combined, np.flatnonzero(combined >= ASK_MIN_SCORE), 20 * k)
        subject = defined_subject(parsed.text)
        if subject:  # "what is X": the passages that define X come first
            combined = combined.copy()
            for p in candidates:
                if defines(self.passages[p], subject):
                    combined[p] *= DEFINITION_BONUS
            candidates = top_rows(combined, candidates, candidates.size)
        found: list[Passage] = []
        owners: set[int] = set()
        for p in candidates:
            owner = int(self.passage_owner[p])
            text = self.passages[p]
            present = set(sentence_features(text))
            if (
                owner in owners
                or not matches(parsed, present)
                or coverage(parsed, present) < ASK_MIN_COVERAGE
            ):
                continue
            owners.add(owner)
            found.append(Passage(text, self.resources[owner], round(float(combined[p]), 4)))
            if len(found) == k:
                break
        return Answer(parsed.text, tuple(found))

    def similar(
        self, resource_id: str, k: int = 5, exclude: Iterable[str] = ()
    ) -> tuple[Recommendation, ...]:
        """Resources closest to one resource (cosine of their TF-IDF rows)."""
        row = self.row.get(resource_id)
        if row is None:
            close = fuzzy.close_names(resource_id, self.row)
            raise UnknownResourceError(resource_id, tuple(close))
        ids, weights = self.row_terms(row)
        sims = self.resource_scores(ids.astype(np.int64), weights)
        sims[row] = 0.0
        sims[self._rows(exclude)] = 0.0
        top = top_rows(sims, np.flatnonzero(sims > MIN_SCORE), k)
        return tuple(
            Recommendation(
                self.resources[r], round(float(sims[r]), 4), explain.shared(self, row, int(r))
            )
            for r in top
        )

    def path(self, topic: str) -> LearningPath:
        """The one learning path for `topic`: for a resource id, its prerequisites and then
        itself; otherwise one beginner resource for each of the topic's prerequisite topics,
        then the topic's members beginner → advanced, ranked by relevance. Without a known
        topic, the search results stand in (those holding at least half the query's words)."""
        row = self.row.get(topic.strip())
        if row is not None:
            resource = self.resources[row]
            return LearningPath(resource.id, None, prerequisite_path(self.resources, self.row, row))
        parsed = self.parse(topic)
        if not parsed.has_terms:
            return LearningPath(parsed.text, None, ())
        scores = self.text_scores(parsed)
        slug = resolve_topic(parsed, scores, self.topic_rows)
        key = scores + 0.05 * self.prior
        if slug is not None:
            members = np.flatnonzero(self.topic_rows[slug])
        else:
            # A path built on a stray word is worse than none.
            members = np.array(
                [
                    r
                    for r in np.flatnonzero(scores > MIN_SCORE)
                    if self.coverage(parsed, int(r)) >= 0.5
                ],
                dtype=np.int64,
            )
        ranked = [int(r) for r in top_rows(key, members, len(members))]
        basics: list[tuple[int, str]] = []
        used = set(ranked[:PER_LEVEL])
        for pre in TOPIC_PREREQUISITES.get(slug or "", ()):
            beginners = np.flatnonzero(self.topic_rows[pre] & (self.levels == 0))
            pick = [int(r) for r in top_rows(self.prior, beginners, 3) if int(r) not in used]
            if pick:
                used.add(pick[0])
                basics.append((pick[0], topic_label(pre)))
        label = topic_label(slug) if slug else " ".join(words(parsed.text))
        steps = learning_path(self.resources, ranked, basics, self.row, label)
        return LearningPath(parsed.text, slug, steps)


__all__ = ["Engine", "Profile", "match_topics", "top_rows"]
