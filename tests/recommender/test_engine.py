"""Ranking invariants and named cases on the fixture catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from recommender import engine as engine_module
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.personal import Profile, preference
from recommender.results import UnknownResourceError


def ids(engine: Engine, query: str, **kw: object) -> list[str]:
    return [r.resource.id for r in engine.recommend(query, **kw).results]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("rnn beginner", "karpathy-unreasonable-rnn"),
        ("colah lstm", "colah-understanding-lstms"),
        ("karpathy", "karpathy-unreasonable-rnn"),
        ("boltzman machines", "hinton-rbm-practical-guide"),
        ("dqn", "mnih-atari-dqn"),
        ("intro to ml", "ng-machine-learning-coursera"),
        ("advanced generative models", "openai-generative-models"),
    ],
)
def test_named_cases(engine: Engine, query: str, expected_first: str) -> None:
    assert ids(engine, query)[0] == expected_first


def test_best_book_question_returns_books_first(engine: Engine) -> None:
    found = engine.recommend("what is the best book to learn deep learning?", k=3)
    assert [r.resource.kind for r in found.results][:2] == ["book", "book"]
    assert "goodfellow-deep-learning-book" in [r.resource.id for r in found.results]


def test_level_ranks_that_level_first_and_labels_the_rest(engine: Engine) -> None:
    results = engine.recommend("rnn", level="beginner", k=5).results
    levels = [r.resource.level for r in results]
    assert levels[0] == "beginner"
    assert levels == sorted(levels, key=["beginner", "intermediate", "advanced"].index)
    for rec in results:
        if rec.resource.level != "beginner":
            assert "fewer than 5 beginner" in rec.why


def test_explicit_kind_filters(engine: Engine) -> None:
    results = engine.recommend("neural networks", kind="paper", k=10).results
    assert results and all(r.resource.kind == "paper" for r in results)


def test_exclude_is_honoured(engine: Engine) -> None:
    first = ids(engine, "recurrent neural networks", k=3)
    again = ids(engine, "recurrent neural networks", k=3, exclude=first)
    assert not set(first) & set(again)


def test_order_is_deterministic_and_paging_is_consistent(engine: Engine) -> None:
    whole = ids(engine, "neural networks", k=10)
    assert whole == ids(engine, "neural networks", k=10)
    assert ids(engine, "neural networks", k=5) + ids(engine, "neural networks", k=5, offset=5) == (
        whole
    )
    assert engine.recommend("neural networks", k=3).total >= 10


def test_every_result_says_why(engine: Engine) -> None:
    results = engine.recommend("reccurent networks").results
    assert results
    assert all(r.why for r in results)
    assert "for “reccurent”" in results[0].why


def test_nothing_to_search_gives_nothing(engine: Engine) -> None:
    assert engine.recommend("the of and").results == ()
    assert engine.recommend("zzzzqqq").results == ()


def test_kind_word_alone_lists_that_kind(engine: Engine) -> None:
    results = engine.recommend("books", k=3).results
    assert {r.resource.kind for r in results} == {"book"}


def test_paper_dropout(engine: Engine) -> None:
    answer = engine.paper("dropout")
    assert answer.match is not None
    assert answer.match.resource.id == "dropout-srivastava-2014"
    assert "Srivastava" in answer.match.resource.authors[0]
    summary = answer.match.summary
    assert 2 <= summary.count(". ") + 1 <= 3
    assert all(
        sentence.strip() in answer.match.resource.description.replace("\n", " ")
        for sentence in summary.split(". ")
        if sentence
    )  # type: ignore[union-attr]
    assert len(answer.match.related) == 3
    assert answer.match.resource not in answer.match.related


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("batch norm", "batch-normalization-ioffe-2015"),
        ("droput", "dropout-srivastava-2014"),
        ("atari dqn", "mnih-atari-dqn"),
        ("neural turing machine", "graves-neural-turing-machines"),
    ],
)
def test_paper_named_cases(engine: Engine, query: str, expected: str) -> None:
    match = engine.paper(query).match
    assert match is not None and match.resource.id == expected


def test_paper_without_abstract_says_so(engine: Engine) -> None:
    match = engine.paper("neural turing machines").match
    assert match is not None and match.summary == "No summary available."


def test_paper_weak_match_is_not_an_answer(engine: Engine) -> None:
    answer = engine.paper("quantum chromodynamics lattice")
    assert answer.match is None
    # One meaningful word of four ("batch") is no match, and no "did you mean" either: the
    # query is about something the catalog lacks.
    answer = engine.paper("batch lattice gauge chromodynamics")
    assert answer.match is None and answer.suggestions == ()
    # A title spelt wrongly is offered by its spelling.
    answer = engine.paper("Reinforcement Learning: An Intro duction")
    assert answer.match is None
    assert [r.id for r in answer.suggestions] == ["sutton-barto-rl-book"]


def test_ask_cites_passages(engine: Engine) -> None:
    answer = engine.ask("how do lstms work")
    assert 1 <= len(answer.passages) <= 3
    top = answer.passages[0]
    assert top.text in " ".join((top.resource.description or "").split())
    assert "lstm" in top.text.lower()
    assert len({p.resource.id for p in answer.passages}) == len(answer.passages)


def test_ask_says_i_dont_know(engine: Engine) -> None:
    assert engine.ask("what is the capital of burkina faso").passages == ()


def test_similar(engine: Engine) -> None:
    similar = [r.resource.id for r in engine.similar("colah-understanding-lstms", k=3)]
    assert "colah-understanding-lstms" not in similar
    assert {"de-freitas-rnn-lstm-lecture", "karpathy-unreasonable-rnn"} & set(similar)
    with pytest.raises(UnknownResourceError, match="did you mean"):
        engine.similar("colah-understanding-lstm")


def test_path_goes_basics_then_up_in_level(engine: Engine) -> None:
    path = engine.path("rnn")
    assert path.topic_slug == "rnn"
    stages = [s.stage for s in path.steps]
    order = ["basics", "beginner", "intermediate", "advanced"]
    assert stages == sorted(stages, key=order.index)
    positions = {s.resource.id: i for i, s in enumerate(path.steps)}
    # a resource's prerequisites come before it
    for step in path.steps:
        for pre in step.resource.prerequisites:
            if pre in positions:
                assert positions[pre] < positions[step.resource.id]
    assert "nielsen-nndl-book" in positions
    assert engine.path("generative models").topic_slug == "generative-models"
    assert engine.path("🤖").steps == ()


def test_a_readers_preference_is_learned_once_for_all_their_questions(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    fits: list[tuple[int, ...]] = []

    def counted(rows: Any, positives: Any, negatives: Any) -> Any:
        fits.append(tuple(positives))
        return preference(rows, positives, negatives)

    monkeypatch.setattr(engine_module, "preference", counted)
    engine_module._preference.cache_clear()
    liked = Profile(positives=("mnih-atari-dqn", "sutton-barto-rl-book"))
    first = ids(engine, "books", profile=liked, k=1)
    ids(engine, "networks", profile=liked, k=3)
    assert first == ids(engine, "books", profile=liked, k=1) and len(fits) == 1
    ids(engine, "books", profile=Profile(positives=("mnih-atari-dqn",)), k=1)
    assert len(fits) == 2  # another history is another preference
    cached = engine_module._preference(engine, liked)
    assert cached is not None and not cached.flags.writeable  # shared: nobody may change it


def test_personal_ranking(engine: Engine) -> None:
    liked = Profile(positives=("mnih-atari-dqn", "sutton-barto-rl-book"))
    top = ids(engine, "books", profile=liked, k=1)
    assert top == ["sutton-barto-rl-book"]
    one = Profile(positives=("colah-understanding-lstms",))
    ranked = ids(engine, "networks", profile=one, k=3, exclude=one.positives)
    assert "colah-understanding-lstms" not in ranked
    assert set(ranked) & {
        "de-freitas-rnn-lstm-lecture",
        "karpathy-unreasonable-rnn",
        "zaremba-rnn-regularization",
        "lipton-critical-review-rnn",
    }
    disliked = Profile(negatives=("goodfellow-deep-learning-book",))
    assert ids(engine, "book", profile=disliked, k=3)[-1] == "goodfellow-deep-learning-book"


def test_cache_round_trip(catalog: Catalog, engine: Engine, tmp_path: Path) -> None:
    built = Engine.from_catalog(catalog, cache_dir=tmp_path)
    files = list(tmp_path.glob("index-*.npz"))
    assert len(files) == 1
    loaded = Engine.from_catalog(catalog, cache_dir=tmp_path)
    assert loaded.index is not built.index
    for query in ("rnn beginner", "dropout", "karpathy"):
        assert ids(loaded, query) == ids(engine, query)
    assert loaded.ask("how do lstms work") == engine.ask("how do lstms work")
    files[0].write_bytes(b"not a zip")  # a corrupt cache is rebuilt, not fatal
    assert ids(Engine.from_catalog(catalog, cache_dir=tmp_path), "dropout") == ids(
        engine, "dropout"
    )
    changed = Catalog(catalog.resources[:-1])
    Engine.from_catalog(changed, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("index-*.npz"))) == 1
    assert not list(tmp_path.glob(".tmp-*"))


def test_empty_catalog_answers_nothing(tmp_path: Path) -> None:
    empty = Engine.from_catalog(Catalog([]), cache_dir=tmp_path)
    assert empty.recommend("rnn").results == ()
    assert empty.recommend("books").results == ()
    assert empty.paper("dropout").match is None
    assert empty.ask("how do lstms work").passages == ()
    assert empty.path("rnn").steps == ()
    assert Engine.from_catalog(Catalog([]), cache_dir=tmp_path).recommend("x").results == ()
