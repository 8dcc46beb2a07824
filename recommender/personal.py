"""Personal ranking from what a reader saved (positives) and dismissed (negatives).

As arxiv-sanity does: a per-user linear SVM over the TF-IDF rows, positives against
everything else, `class_weight="balanced"` because a reader has a handful of positives among
hundreds of resources, and a small C (0.01) so that a few examples give a smooth preference
rather than a memorised list. With a single positive an SVM has nothing to generalise from,
so similarity to that one resource stands in.

scipy and scikit-learn are imported inside `preference`, only when a reader has a history:
an anonymous answer never pays the second or so that importing them takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from recommender.index import CsrArrays

if TYPE_CHECKING:
    import scipy.sparse as sp

SVM_C = 0.01
NEGATIVE_SAMPLE_WEIGHT = 3.0
"""A dismissal says more than "not saved yet": it counts as three unlabelled resources."""


@dataclass(frozen=True, slots=True)
class Profile:
    """Resource ids a reader read or saved (`positives`) and dismissed (`negatives`)."""

    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.positives and not self.negatives


def _scale(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; a constant vector becomes all zeros (it prefers nothing)."""
    low, high = float(values.min(initial=0.0)), float(values.max(initial=0.0))
    if high - low < 1e-9:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def _similarity(matrix: sp.csr_matrix, rows: Sequence[int]) -> np.ndarray:
    """Highest cosine of each resource with any of `rows` (rows are L2-normalised)."""
    sims = matrix @ matrix[list(rows)].T
    return np.asarray(sims.max(axis=1).todense(), dtype=np.float32).ravel()


def preference(
    rows: CsrArrays, positives: Sequence[int], negatives: Sequence[int]
) -> np.ndarray | None:
    """How much the reader would like each resource, in [0, 1]; None without any signal."""
    pos = sorted(set(positives))
    neg = sorted(set(negatives) - set(pos))
    if not pos and not neg:
        return None
    matrix = rows.to_scipy()
    if len(pos) >= 2:
        from sklearn import config_context
        from sklearn.svm import LinearSVC

        labels = np.zeros(matrix.shape[0], dtype=np.int8)
        labels[pos] = 1
        weights = np.ones(matrix.shape[0], dtype=np.float64)
        weights[neg] = NEGATIVE_SAMPLE_WEIGHT
        svm = LinearSVC(class_weight="balanced", C=SVM_C, tol=1e-5, max_iter=5000)
        # The inputs are ours and known good (finite TF-IDF rows, fixed parameters): skipping
        # scikit-learn's checks of them took a fit from about 4 ms to 2.5 ms of CPU, and a
        # member's first question after a mark pays for one.
        with config_context(assume_finite=True, skip_parameter_validation=True):
            svm.fit(matrix, labels, sample_weight=weights)
            scores = svm.decision_function(matrix)
        return _scale(np.asarray(scores, dtype=np.float32))
    raw = np.zeros(matrix.shape[0], dtype=np.float32)
    if pos:
        raw += _similarity(matrix, pos)
    if neg:
        raw -= 0.5 * _similarity(matrix, neg)
    return _scale(raw)
