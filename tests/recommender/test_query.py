"""Query parsing: acronyms, level and kind words, filler, typos, and input that is no query."""

from __future__ import annotations

import pytest

from recommender.engine import Engine
from recommender.query import MAX_QUERY_CHARS, QueryError, check_query, clean_query, coverage
from recommender.text import stem


def test_level_word_inside_topic(engine: Engine) -> None:
    parsed = engine.parse("rnn beginner")
    assert parsed.level == "beginner"
    assert parsed.terms == ("rnn",)
    assert "rnn" in parsed.topics


def test_intro_to_ml(engine: Engine) -> None:
    parsed = engine.parse("intro to ml")
    assert parsed.level == "beginner"
    assert parsed.terms == ("ml",)
    assert "ml-basics" in parsed.topics


def test_advanced_generative_models(engine: Engine) -> None:
    parsed = engine.parse("advanced generative models")
    assert parsed.level == "advanced"
    assert "generative-models" in parsed.topics


def test_acronym_expands_both_ways(engine: Engine) -> None:
    parsed = engine.parse("lstm")
    assert parsed.features[stem("lstm")] == 1.0
    # the expansion is searched too, with a lower weight than the typed word
    assert 0 < parsed.features["long short"] < 1.0
    assert 0 < parsed.features[stem("memory")] < 1.0


def test_kind_words_and_filler(engine: Engine) -> None:
    parsed = engine.parse("what is the best book to learn deep learning?")
    assert parsed.kind == "book"
    assert parsed.level is None
    assert parsed.terms == ("deep", "learning")


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("reccurent", "recurrent"),
        ("convolutonal", "convolutional"),
        ("boltzman", "boltzmann"),
        ("karpaty", "karpathy"),
        ("beginer", "beginner"),
    ],
)
def test_typos_are_corrected_against_the_catalog(engine: Engine, typo: str, fixed: str) -> None:
    parsed = engine.parse(f"{typo} networks")
    assert (typo, fixed) in parsed.corrections


def test_known_words_are_not_corrected(engine: Engine) -> None:
    assert engine.parse("dropout regularization").corrections == ()
    assert engine.parse("reinforcment learning").corrections == ()  # same stem as "reinforcement"


def test_explicit_level_and_kind_win(engine: Engine) -> None:
    parsed = engine.parse("advanced rnn videos", level="beginner", kind="blog")
    assert (parsed.level, parsed.kind) == ("beginner", "blog")
    with pytest.raises(ValueError, match="unknown level"):
        engine.parse("rnn", level="expert")
    with pytest.raises(ValueError, match="unknown kind"):
        engine.parse("rnn", kind="podcast")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("🎉🤖", "no words"),
        ("rnn\x00beginner", "control characters"),
        ("x" * 5000, "too long"),
    ],
)
def test_check_query_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        check_query(text)


def test_clean_query_cuts_and_strips() -> None:
    assert clean_query("  rnn \x07 beginner\n") == "rnn beginner"
    assert len(clean_query("a" * 5000)) == MAX_QUERY_CHARS
    assert check_query("  lstm  ") == "lstm"


def test_corrections_keep_the_first_letter_and_need_a_close_match(engine: Engine) -> None:
    assert engine.parse("bert").corrections == ()  # not "robert"
    assert engine.parse("cooking").corrections == ()
    assert engine.parse("reccurent").corrections == (("reccurent", "recurrent"),)


def test_coverage_needs_a_word_typed_as_is(engine: Engine) -> None:
    present = {stem("recurrent"), stem("network")}
    assert coverage(engine.parse("recurrent networks"), present) == 1.0
    assert coverage(engine.parse("reccurent netwrks"), present) == 1.0  # all corrected: fine
    assert coverage(engine.parse("recurrent zebras"), present) == 0.5
    # only the corrected word matches while the word typed as-is does not: no match
    assert coverage(engine.parse("zebras reccurent"), present) == 0.0
    assert coverage(engine.parse("rnn"), present | {stem("neural")}) == 1.0


def test_british_spelling_folds_onto_american() -> None:
    assert stem("regularisation") == stem("regularization")
    assert stem("normalisations") == stem("normalizations")
