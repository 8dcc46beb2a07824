"""The TF-IDF index over a catalog: one row per resource, one per description sentence.

Settings are for a catalog of hundreds, not for 30,000 arXiv abstracts: `min_df=1` (a word in
one title, like "dropout", must stay searchable), sublinear tf, unigrams + bigrams of Snowball
stems, English stop words. Fields are weighted by repetition before the sublinear tf: a title
word counts like ~2 description words, an author or a site name like ~1.7.

Only plain arrays survive fitting (vocabulary, idf, CSR matrices as their three arrays), so
queries are vectorised and scored here with numpy alone and the index can be cached with
numpy/json (see cache.py). Fit offline, serve arrays: scikit-learn and scipy are imported by
`build_index` only, so a command answering from a cached index never pays for importing them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np

from recommender.resource import Resource
from recommender.text import (
    content_stems,
    equivalent_stems,
    standalone_passages,
    stem,
    with_bigrams,
    words,
)
from recommender.vocabulary import KINDS, LEVELS, topic_label

if TYPE_CHECKING:
    import scipy.sparse as sp

TITLE_WEIGHT = 3
AUTHOR_WEIGHT = 2
HOST_WEIGHT = 2
_GENERIC_HOST_PARTS = frozenset(
    [
        "www",
        "com",
        "org",
        "net",
        "edu",
        "io",
        "gov",
        "html",
        "htm",
        "php",
        "pdf",
        "ac",
        "uk",
        "co",
        "de",
        "fr",
        "ch",
        "ca",
        "nl",
        "fi",
        "be",
        "us",
        "au",
        "cc",
        "me",
        "github",
        "blogspot",
        "wordpress",
        "static",
        "files",
        "people",
        "users",
        "homes",
        "home",
        "web",
        "papers",
        "pubs",
    ]
)
_HANDLE_HOSTS = frozenset({"github.com", "twitter.com", "x.com", "medium.com", "youtube.com"})


@dataclass(frozen=True, eq=False)
class CsrArrays:
    """A sparse matrix in CSR form as its three arrays and its shape: all that scoring reads
    (see `score`, `row_terms`) and the two products personal ranking needs (`times`,
    `transposed_times`), without scipy: serving never imports it."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def from_scipy(cls, matrix: sp.spmatrix | sp.sparray) -> CsrArrays:
        csr = matrix.tocsr()
        rows, columns = csr.shape
        return cls(csr.data, csr.indices, csr.indptr, (int(rows), int(columns)))

    @cached_property
    def _products_of(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What the two products read, made once: the values in float64, their columns and
        rows as native indices, the rows holding any value and where each of those starts."""
        counts = np.diff(self.indptr)
        filled = np.flatnonzero(counts).astype(np.intp)
        row_of = np.repeat(np.arange(self.shape[0], dtype=np.intp), counts)
        columns = self.indices.astype(np.intp)
        starts = self.indptr[filled].astype(np.intp)
        return self.data.astype(np.float64), columns, row_of, filled, starts

    def times(self, vector: np.ndarray) -> np.ndarray:
        """The matrix times a dense vector (one value per column), in float64: each row's
        products summed by `np.add.reduceat` over the rows that hold values."""
        values, columns, _, filled, starts = self._products_of
        out = np.zeros(self.shape[0], dtype=np.float64)
        if filled.size:
            out[filled] = np.add.reduceat(values * vector.take(columns), starts)
        return out

    def transposed_times(self, vector: np.ndarray) -> np.ndarray:
        """The transposed matrix times a dense vector (one value per row), in float64."""
        values, columns, row_of, _, _ = self._products_of
        products = values * vector.take(row_of)
        return np.bincount(columns, weights=products, minlength=self.shape[1])

    def dense_row(self, row: int) -> np.ndarray:
        """One row as a dense float64 vector (one value per column)."""
        out = np.zeros(self.shape[1], dtype=np.float64)
        columns, values = row_terms(self, row)
        out[columns] = values
        return out


@dataclass(frozen=True, eq=False)
class Index:
    """A fitted index: everything a query needs, as arrays that can be saved and loaded."""

    ids: tuple[str, ...]
    vocabulary: Mapping[str, int]
    idf: np.ndarray
    matrix: CsrArrays  # resources × terms, rows L2-normalised, term ids sorted in each row
    by_term: CsrArrays  # terms × resources (the transpose, for scoring a few terms)
    name_by_term: CsrArrays  # terms × resources over title, authors and site only
    surface: Mapping[str, str]  # stem → the word people wrote most often for it
    words: tuple[str, ...]  # the catalog's surface words, most frequent first (typo targets)
    passages: tuple[str, ...]  # description sentences, for `ask`
    passage_owner: np.ndarray  # passage → resource row
    passage_by_term: CsrArrays  # terms × passages, passage rows L2-normalised
    levels: np.ndarray  # resource → index into LEVELS
    kinds: np.ndarray  # resource → index into KINDS
    prior: np.ndarray  # resource → small query-independent weight (how often it is cited)

    def __len__(self) -> int:
        return len(self.ids)


def host_words(resource: Resource) -> list[str]:
    """Site and handle words of a URL: `colah` from colah.github.io, `hinton` from /~hinton/."""
    if not resource.url or not resource.host:
        return []
    out = [w for w in words(resource.host.replace(".", " ")) if w not in _GENERIC_HOST_PARTS]
    path = urlsplit(resource.url if "://" in resource.url else f"http://{resource.url}").path
    first = path.strip("/").split("/", 1)[0]
    if first.startswith("~") or (resource.host in _HANDLE_HOSTS and first):
        out += words(first.lstrip("~@").replace(".", " "))
    return out


def _phrase_features(phrases: Sequence[tuple[str, ...]]) -> list[str]:
    return [f for phrase in phrases for f in with_bigrams(phrase)]


def resource_features(resource: Resource) -> tuple[list[str], list[str]]:
    """(features, surface words) of one resource; features repeat to weight their field."""
    title_words = words(resource.title)
    desc_words = words(resource.description or "")
    author_words = [w for name in resource.authors for w in words(name)]
    site_words = host_words(resource)
    topic_words = [w for slug in resource.topics for w in words(topic_label(slug))]
    title = content_stems(title_words)
    desc = content_stems(desc_words)
    features: list[str] = with_bigrams(title) * TITLE_WEIGHT
    features += with_bigrams(desc)
    features += [stem(w) for w in author_words] * AUTHOR_WEIGHT
    features += [stem(w) for w in site_words] * HOST_WEIGHT
    features += content_stems(topic_words)
    features.append(stem(resource.kind))
    features += _phrase_features(equivalent_stems(title + desc))
    surface = title_words + desc_words + author_words + site_words + topic_words
    return features, surface


def name_features(resource: Resource) -> list[str]:
    """The short fields that name a resource: a query naming it should find it first, however
    long its abstract (which dilutes the title in the full row)."""
    title = content_stems(words(resource.title))
    people = [stem(w) for name in resource.authors for w in words(name)]
    site = [stem(w) for w in host_words(resource)]
    return with_bigrams(title) + people + site + _phrase_features(equivalent_stems(title))


def resource_passages(resource: Resource) -> list[str]:
    """What `ask` may quote from a resource: a description written for the catalog is one
    passage (one to three sentences meant to be read together: "The foundation of every later
    VAE variant." means nothing alone); a document's abstract gives its sentences, each with
    the ones before it that it leans on (text.standalone_passages)."""
    if not resource.description:
        return []
    if resource.description_source == "curated":
        return [" ".join(resource.description.split())]
    return standalone_passages(resource.description)


def sentence_features(text: str) -> list[str]:
    stems = content_stems(words(text))
    return with_bigrams(stems) + _phrase_features(equivalent_stems(stems))


def weigh(
    vocabulary: Mapping[str, int], idf: np.ndarray, features: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Known features as (term ids, L2-normalised tf-idf weights); unknown ones are dropped."""
    pairs = [(vocabulary[f], w) for f, w in features.items() if f in vocabulary and w > 0]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    ids = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
    raw = np.fromiter((w for _, w in pairs), dtype=np.float32, count=len(pairs))
    weights = raw * idf[ids]
    return ids, weights / np.float32(np.linalg.norm(weights))


def score(by_term: CsrArrays, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cosine of a query (term ids + weights) with every row: the query terms' posting lists
    summed by `np.bincount`, straight on the CSR arrays (no scipy objects per query)."""
    n = by_term.shape[1]
    if ids.size == 0:
        return np.zeros(n, dtype=np.float32)
    indptr, indices, data = by_term.indptr, by_term.indices, by_term.data
    starts, ends = indptr[ids], indptr[ids + 1]
    rows = np.concatenate([indices[a:b] for a, b in zip(starts, ends, strict=True)])
    values = np.concatenate([data[a:b] * w for a, b, w in zip(starts, ends, weights, strict=True)])
    return np.bincount(rows, weights=values, minlength=n).astype(np.float32)


def top_rows(key: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """The n rows with the highest key, best first; ties go to the earlier row (stable)."""
    if n <= 0 or rows.size == 0:
        return rows[:0]
    values = key[rows]
    if rows.size > n:
        threshold = np.partition(values, rows.size - n)[rows.size - n]
        above = rows[values > threshold]
        ties = rows[values == threshold][: n - above.size]
        rows = np.concatenate([above, ties])
    order = np.lexsort((rows, -key[rows]))
    return rows[order]


def row_terms(matrix: CsrArrays, row: int) -> tuple[np.ndarray, np.ndarray]:
    """(term ids, weights) of one row, as views of the CSR arrays."""
    a, b = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[a:b], matrix.data[a:b]


def _rows_matrix(
    rows: Sequence[list[str]], vocabulary: Mapping[str, int], idf: np.ndarray
) -> sp.csr_matrix:
    """Sublinear-tf × idf rows, L2-normalised, for texts outside the fitted set (names,
    passages): the same weighting as the fitted rows, computed on whole arrays at once."""
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    indptr: list[int] = [0]
    indices: list[int] = []
    counts: list[int] = []
    for features in rows:
        tally = Counter(f for f in features if f in vocabulary)
        indices.extend(vocabulary[f] for f in tally)
        counts.extend(tally.values())
        indptr.append(len(indices))
    ids = np.array(indices, dtype=np.int32)
    data = (1.0 + np.log(np.array(counts, dtype=np.float32))) * idf[ids]
    matrix = sp.csr_matrix((data, ids, indptr), shape=(len(rows), len(vocabulary)))
    if not rows:  # a catalog without descriptions has no passages (sklearn refuses 0 rows)
        return sp.csr_matrix(matrix, dtype=np.float32)
    matrix = sp.csr_matrix(normalize(matrix, norm="l2", copy=False), dtype=np.float32)
    matrix.sort_indices()
    return matrix


def _surface_maps(surfaces: Sequence[list[str]]) -> tuple[dict[str, str], tuple[str, ...]]:
    counts: Counter[str] = Counter(w for s in surfaces for w in s if not w.isdigit())
    by_stem: dict[str, str] = {}
    for word, _ in counts.most_common():
        by_stem.setdefault(stem(word), word)
    return by_stem, tuple(w for w, _ in counts.most_common() if len(w) >= 3)


def _empty_index() -> Index:
    """The index of an empty catalog: every query simply finds nothing."""
    empty = CsrArrays(
        data=np.zeros(0, dtype=np.float32),
        indices=np.zeros(0, dtype=np.int32),
        indptr=np.zeros(1, dtype=np.int32),
        shape=(0, 0),
    )
    none = np.zeros(0, dtype=np.int8)
    return Index(
        ids=(),
        vocabulary={},
        idf=np.zeros(0, dtype=np.float32),
        matrix=empty,
        by_term=empty,
        name_by_term=empty,
        surface={},
        words=(),
        passages=(),
        passage_owner=np.zeros(0, dtype=np.int32),
        passage_by_term=empty,
        levels=none,
        kinds=none,
        prior=np.zeros(0, dtype=np.float32),
    )


def build_index(resources: Sequence[Resource]) -> Index:
    """Fit the vectorizer on the catalog and precompute every matrix a query touches.

    The only place that needs scikit-learn and scipy, imported here: serving loads the arrays
    from the cache and never imports them (importing sklearn alone takes about a second).
    """
    if not resources:
        return _empty_index()
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    analysed = [resource_features(r) for r in resources]
    vectorizer = TfidfVectorizer(
        analyzer=lambda features: features,  # already stemmed, weighted features
        sublinear_tf=True,
        min_df=1,
        norm="l2",
        dtype=np.float32,
    )
    matrix = sp.csr_matrix(vectorizer.fit_transform([f for f, _ in analysed]), dtype=np.float32)
    matrix.sort_indices()  # explain.py looks terms up in a row by binary search
    vocabulary = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
    idf = np.asarray(vectorizer.idf_, dtype=np.float32)
    passages: list[str] = []
    owners: list[int] = []
    for row, resource in enumerate(resources):
        for passage in resource_passages(resource):
            passages.append(passage)
            owners.append(row)
    passage_matrix = _rows_matrix([sentence_features(p) for p in passages], vocabulary, idf)
    names = _rows_matrix([name_features(r) for r in resources], vocabulary, idf)
    surface, vocab_words = _surface_maps([s for _, s in analysed])
    cited = np.array([len(r.sources) + (1 if r.description else 0) for r in resources])
    return Index(
        ids=tuple(r.id for r in resources),
        vocabulary=vocabulary,
        idf=idf,
        matrix=CsrArrays.from_scipy(matrix),
        by_term=CsrArrays.from_scipy(matrix.T.tocsr()),
        name_by_term=CsrArrays.from_scipy(names.T.tocsr()),
        surface=surface,
        words=vocab_words,
        passages=tuple(passages),
        passage_owner=np.array(owners, dtype=np.int32),
        passage_by_term=CsrArrays.from_scipy(passage_matrix.T.tocsr()),
        levels=np.array([LEVELS.index(r.level) for r in resources], dtype=np.int8),
        kinds=np.array([KINDS.index(r.kind) for r in resources], dtype=np.int8),
        prior=(np.log1p(cited) / max(1.0, float(np.log1p(cited.max(initial=1))))).astype(
            np.float32
        ),
    )
