"""Named cases on the real catalog (data/catalog.yaml), the ones the issue spells out."""

from __future__ import annotations

import pytest

from recommender.catalog import default_catalog_path, load_catalog
from recommender.engine import Engine

DROPOUT = "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting"


@pytest.fixture(scope="module")
def real() -> Engine:
    return Engine.from_catalog(load_catalog(default_catalog_path()))


def test_paper_dropout_is_srivastava_with_a_summary_of_its_abstract(real: Engine) -> None:
    match = real.paper("dropout").match
    assert match is not None
    paper = match.resource
    assert paper.id == DROPOUT and "Srivastava" in paper.authors[0]
    assert paper.description_source == "document"
    abstract = " ".join((paper.description or "").split())
    sentences = [s for s in match.summary.split(". ") if s]
    assert 2 <= len(sentences) <= 3
    assert all(s.rstrip(".") in abstract for s in sentences)
    assert "dropout" in match.summary.lower()


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("rnn beginner", "the-unreasonable-effectiveness-of-recurrent-neural-networks"),
        ("colah lstm", "understanding-lstm-networks"),
        ("what is the best book to learn deep learning?", "deep-learning-book"),
        ("dqn", "playing-atari-with-deep-reinforcement-learning"),
        ("boltzman machines guide", "a-practical-guide-to-training-restricted-boltzmann-machines"),
    ],
)
def test_recommend_named_cases(real: Engine, query: str, first: str) -> None:
    assert real.recommend(query).results[0].resource.id == first


def test_rnn_beginner_ranks_beginner_resources_first(real: Engine) -> None:
    results = real.recommend("rnn beginner", k=5).results
    levels = [r.resource.level for r in results]
    assert levels[0] == "beginner"
    assert levels == sorted(levels, key=["beginner", "intermediate", "advanced"].index)


def test_unknown_paper_offers_did_you_mean(real: Engine) -> None:
    answer = real.paper("Reinforcement Learning: An Intro duction")
    assert answer.match is None
    assert 1 <= len(answer.suggestions) <= 3
    assert answer.suggestions[0].title.startswith("Reinforcement Learning: An Introduction")


def test_paper_on_something_the_catalog_lacks_offers_nothing(real: Engine) -> None:
    answer = real.paper("batch lattice gauge chromodynamics")
    assert answer.match is None and answer.suggestions == ()


@pytest.mark.parametrize("topic", ["nonsense-topic", "quantum poetry", "topic"])
def test_path_on_words_the_catalog_lacks_is_empty(real: Engine, topic: str) -> None:
    # A stray filler word ("topic") must not turn into a path of unrelated resources.
    assert real.path(topic).steps == ()


def test_path_on_a_known_topic_climbs_levels(real: Engine) -> None:
    path = real.path("word2vec")
    assert path.topic_slug == "embeddings"
    assert len(path.steps) >= 3
