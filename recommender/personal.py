"""Personal ranking from what a reader saved (positives) and dismissed (negatives).

As arxiv-sanity does: a per-user linear SVM over the TF-IDF rows, positives against
everything else, classes balanced because a reader has a handful of positives among hundreds
of resources, and a small C (0.01) so that a few examples give a smooth preference rather
than a memorised list. With a single positive an SVM has nothing to generalise from, so
similarity to that one resource stands in.

The SVM is LinearSVC's problem solved with numpy alone (linear_svm.py): a long-running bot
never imports scikit-learn or scipy to serve, and the class weights are scikit-learn's
"balanced" ones counted with the sample weights (as LinearSVC has counted them since
scikit-learn's pull request 30057, merged in February 2025; the installed 1.9 does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommender.index import CsrArrays
from recommender.linear_svm import decision_values

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


def _similarity(matrix: CsrArrays, rows: Sequence[int]) -> np.ndarray:
    """Highest cosine of each resource with any of `rows` (rows are L2-normalised)."""
    best = np.full(matrix.shape[0], -np.inf)
    for row in rows:
        np.maximum(best, matrix.times(matrix.dense_row(row)), out=best)
    return best.astype(np.float32)


def svm_costs(positive: np.ndarray, sample_weights: np.ndarray) -> np.ndarray:
    """Each row's cost in the SVM: C × its class's balanced weight × its sample weight.
    A class's weight is total weight / (2 × the class's weight), so both classes weigh the
    same in the loss however few the positives are."""
    total = float(sample_weights.sum())
    in_positive = float(sample_weights[positive].sum())
    class_weight = np.where(
        positive, total / (2.0 * in_positive), total / (2.0 * (total - in_positive))
    )
    costs: np.ndarray = SVM_C * class_weight * sample_weights
    return costs


def preference(
    rows: CsrArrays, positives: Sequence[int], negatives: Sequence[int]
) -> np.ndarray | None:
    """How much the reader would like each resource, in [0, 1]; None without any signal."""
    n = rows.shape[0]
    pos = sorted(set(positives))
    neg = sorted(set(negatives) - set(pos))
    if not pos and not neg:
        return None
    if 2 <= len(pos) < n:  # an SVM needs two positives and something to tell them from
        positive = np.zeros(n, dtype=bool)
        positive[pos] = True
        weights = np.ones(n, dtype=np.float64)
        weights[neg] = NEGATIVE_SAMPLE_WEIGHT
        scores = decision_values(rows, positive, svm_costs(positive, weights))
        return _scale(scores.astype(np.float32))
    raw = np.zeros(n, dtype=np.float32)
    if pos:
        raw += _similarity(rows, pos)
    if neg:
        raw -= 0.5 * _similarity(rows, neg)
    return _scale(raw)
