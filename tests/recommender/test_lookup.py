"""Resolving what a person typed to one resource, or asking "did you mean"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.catalog import Catalog
from recommender.lookup import (
    MAX_SUGGESTIONS,
    MIN_SCORE,
    ResolveError,
    lookup,
    normalize,
    resolve,
)
from recommender.resource import Resource


def _r(rid: str, title: str) -> Resource:
    return Resource(id=rid, title=title, kind="paper", level="beginner", topics=("deep-learning",))


CATALOG = Catalog(
    [
        _r("attention", "Attention Is All You Need"),
        _r("bert", "BERT: Pre-training of Deep Bidirectional Transformers"),
        _r("resnet", "Deep Residual Learning for Image Recognition"),
        _r("cs231n", "CS231n: Convolutional Neural Networks for Visual Recognition"),
        _r("dl-book", "Deep Learning"),
        _r("dl-nature", "Deep learning (Nature review)"),
        _r("twin-a", "Neural Turing Machines"),
        _r("twin-b", "Neural Turing Machines"),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("attention", "attention"),  # id
        ("  RESNET ", "resnet"),  # id, any case and spacing
        ("Attention Is All You Need", "attention"),  # exact title
        ("attention is all you need!", "attention"),  # punctuation and case ignored
        ("atention is al you need", "attention"),  # typos
        ("deep learning", "dl-book"),  # exact title beats titles that contain it
        ("residual learning", "resnet"),  # the only title containing the words
        ("bert pretraining", "bert"),  # a lone good fuzzy match
    ],
)
def test_resolves_ids_titles_and_typos(text: str, expected: str) -> None:
    assert resolve(CATALOG, text).id == expected


def test_several_titles_containing_the_words_are_ambiguous() -> None:
    result = lookup(CATALOG, "deep")
    assert result.resource is None and result.ambiguous
    assert {c.resource.id for c in result.candidates} >= {"dl-book", "dl-nature", "resnet"}
    assert "did you mean" in result.message() and "dl-nature" in result.message()


def test_identical_titles_are_ambiguous_never_a_guess() -> None:
    with pytest.raises(ResolveError) as info:
        resolve(CATALOG, "neural turing machines")
    assert {c.resource.id for c in info.value.resolution.candidates} == {"twin-a", "twin-b"}


@pytest.mark.parametrize("text", ["zzzz qqqq", "", "   ", "!!!"])
def test_nothing_matches_is_a_clear_message(text: str) -> None:
    result = lookup(CATALOG, text)
    assert result.resource is None and not result.ambiguous
    with pytest.raises(ResolveError, match=r"no resource matches|give a resource id"):
        resolve(CATALOG, text)


def test_normalize() -> None:
    assert normalize("  Naïve  Bayes: A—Review! ") == "naive bayes a review"


def test_every_unique_title_resolves_to_its_resource_in_any_case() -> None:
    counts: dict[str, int] = {}
    for r in CATALOG:
        counts[normalize(r.title)] = counts.get(normalize(r.title), 0) + 1
    for r in CATALOG:
        if counts[normalize(r.title)] == 1:
            assert resolve(CATALOG, r.title.upper()).id == r.id
            assert resolve(CATALOG, r.title.lower() + " ").id == r.id


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=40))
def test_lookup_never_raises_and_is_consistent(text: str) -> None:
    result = lookup(CATALOG, text)
    if result.resource is not None:
        assert result.resource.id in CATALOG and not result.candidates
    else:
        assert len(result.candidates) <= MAX_SUGGESTIONS
        assert all(c.resource.id in CATALOG and c.score >= MIN_SCORE for c in result.candidates)
    assert result.message()
