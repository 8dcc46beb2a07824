"""The numpy SVM (linear_svm.py) against scikit-learn's LinearSVC on the same problems, and
personal ranking (personal.py) served without scikit-learn or scipy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from recommender.engine import Engine
from recommender.index import CsrArrays
from recommender.linear_svm import decision_values
from recommender.personal import NEGATIVE_SAMPLE_WEIGHT, SVM_C, preference, svm_costs


def _random_rows(rng: np.random.Generator, n: int, d: int, density: float) -> CsrArrays:
    """L2-normalised non-negative sparse rows, like TF-IDF rows (some rows may be empty)."""
    matrix = sp.random(n, d, density=density, format="csr", random_state=rng, dtype=np.float64)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    matrix = sp.csr_matrix(sp.diags(1.0 / norms) @ matrix, dtype=np.float32)
    matrix.sort_indices()
    return CsrArrays.from_scipy(matrix)


def _as_scipy(rows: CsrArrays) -> sp.csr_matrix:
    return sp.csr_matrix((rows.data, rows.indices, rows.indptr), shape=rows.shape)


def _liblinear(
    rows: CsrArrays, positive: np.ndarray, weights: np.ndarray, class_weight: dict[int, float]
) -> np.ndarray:
    """LinearSVC's decision values for the same problem: explicit class weights (so the
    comparison holds whichever way a scikit-learn version counts "balanced"), a tight tol."""
    svm = LinearSVC(C=SVM_C, class_weight=class_weight, tol=1e-9, max_iter=100_000)
    matrix = _as_scipy(rows)
    svm.fit(matrix, positive.astype(np.int8), sample_weight=weights)
    return np.asarray(svm.decision_function(matrix), dtype=np.float64)


def _class_weights(positive: np.ndarray, weights: np.ndarray) -> dict[int, float]:
    total, inside = float(weights.sum()), float(weights[positive].sum())
    return {1: total / (2 * inside), 0: total / (2 * (total - inside))}


@pytest.mark.parametrize("seed", range(8))
def test_the_decision_values_are_liblinears(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(20, 300)), int(rng.integers(30, 2000))
    rows = _random_rows(rng, n, d, density=float(rng.uniform(0.005, 0.1)))
    positive = np.zeros(n, dtype=bool)
    positive[rng.choice(n, int(rng.integers(2, max(3, n // 4))), replace=False)] = True
    weights = np.ones(n)
    weights[rng.choice(n, int(rng.integers(0, n // 5 + 1)), replace=False)] = NEGATIVE_SAMPLE_WEIGHT
    costs = svm_costs(positive, weights)
    balanced = _class_weights(positive, weights)
    assert np.allclose(costs, SVM_C * weights * np.where(positive, balanced[1], balanced[0]))

    ours = decision_values(rows, positive, costs)
    theirs = _liblinear(rows, positive, weights, _class_weights(positive, weights))
    spread = float(theirs.max() - theirs.min())
    assert np.abs(ours - theirs).max() <= 1e-4 * spread


def test_a_large_c_separates_and_matches_liblinear() -> None:
    """With a large cost few rows stay inside the margin: the active set changes between
    Newton steps, which the small C of personal ranking rarely exercises."""
    rng = np.random.default_rng(42)
    rows = _random_rows(rng, 120, 60, density=0.2)
    positive = np.zeros(120, dtype=bool)
    positive[:30] = True
    costs = np.full(120, 50.0)
    ours = decision_values(rows, positive, costs)
    svm = LinearSVC(C=50.0, tol=1e-10, max_iter=200_000).fit(
        _as_scipy(rows), positive.astype(np.int8)
    )
    theirs = svm.decision_function(_as_scipy(rows))
    assert np.abs(ours - theirs).max() <= 1e-3 * float(theirs.max() - theirs.min())
    assert ((ours > 0) == positive).mean() > 0.9


def test_one_class_alone_is_refused() -> None:
    rows = _random_rows(np.random.default_rng(0), 5, 8, density=0.5)
    with pytest.raises(ValueError, match="both classes"):
        decision_values(rows, np.ones(5, dtype=bool), np.ones(5))
    with pytest.raises(ValueError, match="one label"):
        decision_values(rows, np.ones(4, dtype=bool), np.ones(5))


def test_a_preference_over_the_engine_is_liblinears(engine: Engine) -> None:
    rows = engine.row_matrix()
    n = rows.shape[0]
    positives, negatives = [3, 17, 24], [5, 6]
    ours = preference(rows, positives, negatives)
    positive = np.zeros(n, dtype=bool)
    positive[positives] = True
    weights = np.ones(n)
    weights[negatives] = NEGATIVE_SAMPLE_WEIGHT
    theirs = _liblinear(rows, positive, weights, _class_weights(positive, weights))
    low, high = min(0.0, float(theirs.min())), max(0.0, float(theirs.max()))
    assert ours is not None
    assert np.abs(ours - (theirs - low) / (high - low)).max() <= 1e-4


def test_a_reader_who_read_everything_still_gets_a_preference(engine: Engine) -> None:
    rows = engine.row_matrix()
    everything = list(range(rows.shape[0]))
    found = preference(rows, everything, [])
    assert found is not None and found.shape == (rows.shape[0],)


def test_similarity_stands_in_for_one_positive(engine: Engine) -> None:
    rows = engine.row_matrix()
    found = preference(rows, [7], [])
    assert found is not None and int(np.argmax(found)) == 7
    cosines = _as_scipy(rows) @ _as_scipy(rows)[7].T
    expected = np.asarray(cosines.todense()).ravel()
    assert np.allclose(found, expected / expected.max(), atol=1e-6)


def test_personal_ranking_serves_without_scikit_learn_or_scipy(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "catalog.yaml"
    from recommender.catalog import load_catalog

    Engine.from_catalog(load_catalog(fixture), tmp_path)  # writes the cached index
    script = f"""
import sys
from recommender.loading import open_catalog
from recommender.personal import Profile
engine = open_catalog({str(fixture)!r}, {str(tmp_path)!r}).engine
liked = Profile(positives=("mnih-atari-dqn", "sutton-barto-rl-book"), negatives=("cs231n",))
assert engine.recommend("books", profile=liked).results
engine.recommend("networks", profile=Profile(positives=("colah-understanding-lstms",)))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy")))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
