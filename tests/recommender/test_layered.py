"""The views an overlay is made of: weighting as the fit, scoring as a dense product."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from recommender.engine import Engine
from recommender.index import CsrArrays, name_features, resource_features
from recommender.layered import (
    JoinedSequence,
    LayeredMapping,
    PaddedRows,
    TermBlock,
    vectorise,
)
from recommender.overlay import OverlayEngine


def dense(matrix: CsrArrays) -> np.ndarray:
    out = np.zeros(matrix.shape, dtype=np.float32)
    for row in range(matrix.shape[0]):
        a, b = matrix.indptr[row], matrix.indptr[row + 1]
        out[row, matrix.indices[a:b]] = matrix.data[a:b]
    return out


def test_vectorise_weighs_as_the_fitted_index(engine: Engine) -> None:
    """Names vectorised with numpy equal the index's own name rows (fitted with sklearn)."""
    index = engine.index
    rows = [name_features(r) for r in engine.resources]
    ours = vectorise(rows, index.vocabulary, lambda ids: index.idf[ids], len(index.vocabulary))
    fitted = dense(index.name_by_term).T
    np.testing.assert_allclose(dense(ours), fitted, atol=1e-6)
    for row in range(ours.shape[0]):  # term ids sorted within each row, as explain needs
        a, b = ours.indptr[row], ours.indptr[row + 1]
        assert list(ours.indices[a:b]) == sorted(ours.indices[a:b])


def test_vectorise_keeps_empty_rows_empty() -> None:
    out = vectorise([["a", "b", "a"], [], ["zzz"]], {"a": 0, "b": 1}, np.ones_like, 2)
    assert list(out.indptr) == [0, 2, 2, 2]
    np.testing.assert_allclose(np.linalg.norm(out.data), 1.0, rtol=1e-6)


def test_term_block_scores_as_a_dense_product() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.random((6, 40)) * (rng.random((6, 40)) < 0.2)
    indptr = np.concatenate([[0], np.cumsum((matrix > 0).sum(axis=1))])
    rows = CsrArrays(
        matrix[matrix > 0].astype(np.float32),
        np.nonzero(matrix)[1].astype(np.int32),
        indptr.astype(np.int32),
        (6, 40),
    )
    block = TermBlock.from_rows(rows)
    ids = np.array([1, 5, 7, 39, 12], dtype=np.int64)
    weights = rng.random(5).astype(np.float32)
    query = np.zeros(40)
    query[ids] = weights
    np.testing.assert_allclose(block.score(ids, weights), matrix @ query, rtol=1e-5)
    for term in range(40):
        assert list(block.postings(term)) == list(np.flatnonzero(matrix[:, term]))
    assert block.score(np.array([100], dtype=np.int64), np.ones(1, np.float32)).sum() == 0


def test_an_addition_copying_a_resource_scores_exactly_as_it(engine: Engine) -> None:
    """The strongest sense of "comparable": a copy of a catalog entry under a new id gets the
    entry's own row and name row, so any query scores both the same."""
    original = engine.resource("colah-understanding-lstms")
    assert original is not None
    copy = replace(original, id="srv-copy", former_ids=())
    served = OverlayEngine(engine, [copy])
    assert len(served.terms) == len(engine.terms)  # no new word
    a, b = engine.row["colah-understanding-lstms"], served.row["srv-copy"]
    ids_a, w_a = served.row_terms(a)
    ids_b, w_b = served.row_terms(b)
    assert list(ids_a) == list(ids_b)
    np.testing.assert_allclose(w_a, w_b, atol=1e-6)
    for query in ("lstm", "understanding lstm networks colah", "recurrent memory gates"):
        ids, weights = served.query_vector(served.parse(query))
        whole, names = served.resource_scores(ids, weights), served.name_scores(ids, weights)
        assert whole[b] == pytest.approx(whole[a], abs=1e-6)
        assert names[b] == pytest.approx(names[a], abs=1e-6)
    assert len(resource_features(copy)[0]) == len(resource_features(original)[0])


def test_layered_mapping_prefers_the_base_and_lists_it_first() -> None:
    both = LayeredMapping({"a": 1, "b": 2}, {"c": 3})
    assert both["a"] == 1 and both["c"] == 3 and "c" in both and "d" not in both
    assert list(both) == ["a", "b", "c"] and len(both) == 3
    assert both.get("d") is None
    with pytest.raises(KeyError):
        both["d"]


def test_joined_sequence_indexes_as_one() -> None:
    joined = JoinedSequence(["a", "b"], ["c"])
    assert [joined[i] for i in range(3)] == ["a", "b", "c"]
    assert joined[-1] == "c" and joined[-3] == "a" and joined[1:] == ["b", "c"]
    assert list(joined) == ["a", "b", "c"] and len(joined) == 3
    for bad in (3, -4):
        with pytest.raises(IndexError):
            joined[bad]


def test_padded_rows_extend_each_topic() -> None:
    rows = PaddedRows({"rnn": np.array([True, False])}, {"rnn": np.array([True])}, 1)
    other = PaddedRows({"cnn": np.array([False, True])}, {}, 2)
    assert list(rows["rnn"]) == [True, False, True]
    assert list(other["cnn"]) == [False, True, False, False]
    assert list(other) == ["cnn"] and len(other) == 1
