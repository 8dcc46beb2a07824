"""Read-only views of a big shared base plus a small addition, without copying the base.

A server's overlay (overlay.py) answers over "the catalog + its own few additions". Copying
the catalog's vocabulary, term list or posting lists for each of thousands of servers would
cost megabytes and milliseconds per server; these views cost a pointer to the base and the
addition's own data. The base comes first everywhere: its keys win, its rows and terms keep
their numbers, and the addition's are numbered after them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar, overload

import numpy as np

from recommender.index import CsrArrays

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class LayeredMapping(Mapping[K, V]):
    """`base` then `extra`; a key of both is the base's. Iterates the base's keys first.

    `extra` should hold only new keys (then `len` is exact without a scan); the overlay
    makes sure of it.
    """

    __slots__ = ("base", "extra")

    def __init__(self, base: Mapping[K, V], extra: Mapping[K, V]) -> None:
        self.base = base
        self.extra = extra

    def __getitem__(self, key: K) -> V:
        try:
            return self.base[key]
        except KeyError:
            return self.extra[key]

    def __contains__(self, key: object) -> bool:
        return key in self.base or key in self.extra

    def __iter__(self) -> Iterator[K]:
        yield from self.base
        yield from (k for k in self.extra if k not in self.base)

    def __len__(self) -> int:
        return len(self.base) + len(self.extra)


class JoinedSequence(Sequence[T]):
    """`base` followed by `extra`, indexed as one sequence (terms, passages)."""

    __slots__ = ("base", "extra")

    def __init__(self, base: Sequence[T], extra: Sequence[T]) -> None:
        self.base = base
        self.extra = extra

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...

    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return [*self.base, *self.extra][i]
        n = len(self.base)
        if i < 0:
            i += n + len(self.extra)
        if 0 <= i < n:
            return self.base[i]
        if i < 0:
            raise IndexError(i)
        return self.extra[i - n]

    def __len__(self) -> int:
        return len(self.base) + len(self.extra)

    def __iter__(self) -> Iterator[T]:
        yield from self.base
        yield from self.extra


class PaddedRows(Mapping[str, np.ndarray]):
    """Per-topic row masks (or weights) of the base, each extended by the addition's rows:
    `extra` gives the addition's values of a topic, zeros when it has none. Concatenated on
    access (two small arrays), so an overlay holds only its own rows."""

    __slots__ = ("base", "extra", "size")

    def __init__(
        self, base: Mapping[str, np.ndarray], extra: Mapping[str, np.ndarray], size: int
    ) -> None:
        self.base = base
        self.extra = extra
        self.size = size

    def __getitem__(self, key: str) -> np.ndarray:
        head = self.base[key]
        tail = self.extra.get(key)
        if tail is None:
            tail = np.zeros(self.size, dtype=head.dtype)
        return np.concatenate([head, tail])

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


@dataclass(frozen=True, eq=False)
class TermBlock:
    """Posting lists of a few rows over a big term space: only the terms the rows hold, as
    sorted term ids with one slice of (row, weight) each. The term-major twin of a small
    CSR matrix whose term space is the base's plus new terms, without an `indptr` the size
    of the base's vocabulary."""

    terms: np.ndarray  # sorted distinct term ids
    indptr: np.ndarray  # term slot → slice of rows/data
    rows: np.ndarray
    data: np.ndarray
    n_rows: int

    @classmethod
    def from_rows(cls, matrix: CsrArrays) -> TermBlock:
        """The transpose of a rows × terms matrix (rows L2-normalised, as scored)."""
        n_rows = matrix.shape[0]
        owners = np.repeat(np.arange(n_rows, dtype=np.int32), np.diff(matrix.indptr))
        order = np.argsort(matrix.indices, kind="stable")
        sorted_terms = matrix.indices[order]
        terms, starts = np.unique(sorted_terms, return_index=True)
        indptr = np.append(starts, sorted_terms.size).astype(np.int32)
        return cls(terms.astype(np.int32), indptr, owners[order], matrix.data[order], n_rows)

    def _slots(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in `ids`, term slots) of the ids this block holds."""
        at = np.searchsorted(self.terms, ids)
        inside = at < self.terms.size
        hit = np.zeros(ids.size, dtype=bool)
        hit[inside] = self.terms[at[inside]] == ids[inside]
        return np.flatnonzero(hit), at[hit]

    def score(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Dot product of a query (term ids + weights) with each row (see index.score)."""
        if ids.size == 0 or self.terms.size == 0:
            return np.zeros(self.n_rows, dtype=np.float32)
        positions, slots = self._slots(ids)
        if slots.size == 0:
            return np.zeros(self.n_rows, dtype=np.float32)
        starts, ends = self.indptr[slots], self.indptr[slots + 1]
        rows = np.concatenate([self.rows[a:b] for a, b in zip(starts, ends, strict=True)])
        values = np.concatenate(
            [self.data[a:b] * w for a, b, w in zip(starts, ends, weights[positions], strict=True)]
        )
        return np.bincount(rows, weights=values, minlength=self.n_rows).astype(np.float32)

    def postings(self, term: int) -> np.ndarray:
        """Rows holding a term."""
        at = int(np.searchsorted(self.terms, term))
        if at >= self.terms.size or int(self.terms[at]) != term:
            return np.zeros(0, dtype=np.int64)
        return self.rows[self.indptr[at] : self.indptr[at + 1]]


def vectorise(
    rows: Sequence[Sequence[str]],
    term_of: Mapping[str, int],
    idf: Callable[[np.ndarray], np.ndarray],
    n_terms: int,
) -> CsrArrays:
    """Rows of features as sublinear-tf × idf vectors, L2-normalised, term ids sorted: the
    weighting of the fitted index (index.build_index), with numpy alone. Features without
    an id in `term_of` are dropped; a row with none stays empty (it matches nothing)."""
    flat = np.fromiter((term_of.get(f, -1) for features in rows for f in features), dtype=np.int64)
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), [len(f) for f in rows])
    known = flat >= 0
    # one key per (row, term): np.unique sorts them by row, then term, and counts them
    keys, counts = np.unique(owner[known] * n_terms + flat[known], return_counts=True)
    row_of, ids = np.divmod(keys, n_terms)
    data = (1.0 + np.log(counts.astype(np.float32))) * idf(ids)
    norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=len(rows)))
    data = (data / np.where(norms > 0, norms, 1.0)[row_of]).astype(np.float32)
    per_row = np.bincount(row_of, minlength=len(rows))
    indptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int32)
    return CsrArrays(data, ids.astype(np.int32), indptr, (len(rows), n_terms))
