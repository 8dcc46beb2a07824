"""The rule every answer obeys: a result holds the query's meaningful words (query.matches).

Generic words (`networks`, `learning`, `recipe`, `tuned`) never carry a match alone; a stem
collision never counts; a query about something the catalog lacks gets nothing, in recommend,
paper, ask and path alike.
"""

from __future__ import annotations

import numpy as np
import pytest

from recommender.catalog import default_catalog_path, load_catalog
from recommender.engine import Engine
from recommender.index import row_terms
from recommender.query import matches, meaningful_stems, needed
from recommender.text import stem

OFF_DOMAIN = ["sourdough bread recipe", "tax law", "quantum poetry", "income tax returns"]


@pytest.fixture(scope="module")
def real() -> Engine:
    return Engine.from_catalog(load_catalog(default_catalog_path()))


def test_generic_words_do_not_count_while_meaningful_ones_are_there(engine: Engine) -> None:
    assert meaningful_stems(engine.parse("sourdough bread recipe")) == (
        stem("sourdough"),
        stem("bread"),
    )
    assert meaningful_stems(engine.parse("recurrent neural networks")) == (stem("recurrent"),)
    # Only generic words: then they are what the query is about, all of them.
    assert meaningful_stems(engine.parse("neural networks")) == (stem("neural"), stem("network"))


def test_needed_words() -> None:
    assert [needed(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 2, 3, 4, 4]


def test_matches_on_stems_and_other_spellings(engine: Engine) -> None:
    present = {stem("recurrent"), stem("neural"), stem("network")}
    assert matches(engine.parse("rnn"), present)  # most of "recurrent neural network"
    assert matches(engine.parse("recurrent networks"), present)
    assert not matches(engine.parse("recurrent zebras"), present)  # both of two are needed
    assert not matches(engine.parse("sourdough bread recipe"), {stem("recipe")})
    assert not matches(engine.parse("fine tuning"), {stem("tuned")})


def test_matching_rows_agree_with_the_rule_row_by_row(engine: Engine) -> None:
    for query in ["rnn", "lstm networks", "dropout", "neural networks", "recipe", "tax law"]:
        parsed = engine.parse(query)
        rows = engine.matching(parsed)
        for row in range(len(engine.resources)):
            present = {engine.terms[int(i)] for i in row_terms(engine.index.matrix, row)[0]}
            assert rows[row] == matches(parsed, present), (query, engine.resources[row].id)


@pytest.mark.parametrize("query", OFF_DOMAIN)
def test_off_domain_queries_get_nothing_anywhere(real: Engine, query: str) -> None:
    assert real.recommend(query).results == ()
    answer = real.paper(query)
    assert answer.match is None and answer.suggestions == ()
    assert real.ask(query).passages == ()
    assert real.path(query).steps == ()


def test_fine_tuning_is_not_matched_by_tuned_alone(real: Engine) -> None:
    ids = [r.resource.id for r in real.recommend("fine tuning", k=10).results]
    assert "adaptive-step-size-for-online-temporal-difference-learning" not in ids


def test_a_generic_word_alone_answers_only_where_it_is_held(real: Engine) -> None:
    results = real.recommend("recipe", k=10).results
    assert results and all(
        "recipe" in f"{r.resource.title} {r.resource.description}".lower() for r in results
    )


@pytest.mark.parametrize(
    ("query", "absent"),
    [
        ("transformers", "deep-learning-made-easier-by-linear-transformations-in-perceptrons"),
        ("adam", "training-restricted-boltzmann-machines-on-word-observations"),
    ],
)
def test_stem_collisions_never_count(real: Engine, query: str, absent: str) -> None:
    parsed = real.parse(query)
    assert not real.matching(parsed)[real.row[absent]]
    assert absent not in [r.resource.id for r in real.recommend(query, k=20).results]


def test_matching_is_empty_for_a_query_without_words(engine: Engine) -> None:
    assert not np.any(engine.matching(engine.parse("beginner")))
