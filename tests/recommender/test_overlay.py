"""A server's additions over the shared engine: found, ranked with the base, base unchanged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from recommender.engine import Engine
from recommender.overlay import OverlayEngine, overlay
from recommender.personal import Profile
from recommender.resource import Resource
from recommender.results import UnknownResourceError

QUERIES = [
    "rnn beginner",
    "colah lstm",
    "karpathy",
    "boltzman machines",
    "dqn",
    "intro to ml",
    "advanced generative models",
    "what is the best book to learn deep learning?",
    "dropout",
    "how do lstms work",
    "papers on regularization",
    "convolutional networks course",
    "sourdough bread recipe",
]


def addition(rid: str, title: str, **fields: object) -> Resource:
    defaults: dict[str, object] = {
        "kind": "blog",
        "level": "beginner",
        "topics": ("rnn",),
        "description": None,
        "description_source": "curated",
    }
    defaults.update(fields)
    return Resource(id=rid, title=title, **defaults)  # type: ignore[arg-type]


ZORBLAX = addition(
    "srv-zorblax",
    "Zorblax Networks for Quantum Gardening",
    kind="paper",
    level="intermediate",
    topics=("rnn",),
    description="Zorblax is a recurrent network that schedules the watering of quantum gardens.",
)
GENTLE_RNN = addition(
    "srv-gentle-rnn",
    "A Gentle Tour of Recurrent Neural Networks and LSTMs",
    description="Walks through recurrent neural networks and LSTM cells with small drawings.",
)
SEQUEL = addition(
    "srv-lstm-sequel",
    "After Understanding LSTMs: Attention over Memory",
    kind="tutorial",
    level="advanced",
    prerequisites=("colah-understanding-lstms",),
    description="Builds on the LSTM post with attention over the memory cells.",
)


@pytest.fixture(scope="module")
def served(engine: Engine) -> OverlayEngine:
    return OverlayEngine(engine, [ZORBLAX, GENTLE_RNN, SEQUEL])


def ids(engine: Engine, query: str, **kw: object) -> list[str]:
    return [r.resource.id for r in engine.recommend(query, **kw).results]  # type: ignore[arg-type]


def answers(engine: Engine, query: str) -> list[str]:
    """Everything a query answers, as text: equal text means byte-identical answers."""
    return [
        repr(engine.recommend(query)),
        repr(engine.recommend(query, level="advanced", k=7)),
        repr(engine.recommend(query, kind="paper")),
        repr(engine.paper(query)),
        repr(engine.ask(query)),
    ]


# --- new words, exact titles, comparable scores -------------------------------------------------


def test_a_word_only_an_addition_holds_finds_it(engine: Engine, served: OverlayEngine) -> None:
    assert engine.recommend("zorblax").results == ()
    found = served.recommend("zorblax")
    assert [r.resource.id for r in found.results] == ["srv-zorblax"]
    assert "zorblax" in found.results[0].why


def test_a_new_word_is_not_corrected_into_a_base_word(engine: Engine) -> None:
    assert engine.parse("convolutionary").corrections  # the base takes it for a typo
    art = addition("srv-art", "Convolutionary Art", topics=("cnn",))
    served = OverlayEngine(engine, [art])
    assert served.parse("convolutionary").corrections == ()
    assert ids(served, "convolutionary")[0] == "srv-art"


def test_typos_of_new_words_are_corrected_to_them(served: OverlayEngine) -> None:
    parsed = served.parse("zorblaxx")
    assert parsed.corrections == (("zorblaxx", "zorblax"),)
    assert ids(served, "zorblaxx") == ["srv-zorblax"]


def test_exact_title_of_an_addition_ranks_it_first(served: OverlayEngine) -> None:
    for resource in (GENTLE_RNN, ZORBLAX, SEQUEL):
        assert ids(served, resource.title)[0] == resource.id, resource.title


def test_additions_rank_among_base_resources(engine: Engine, served: OverlayEngine) -> None:
    """Scores are comparable: an addition about RNNs joins the RNN results, the base's best
    keep their scores, and nothing unrelated gets in."""
    base = {
        r.resource.id: r.score for r in engine.recommend("recurrent neural networks", k=20).results
    }
    merged = served.recommend("recurrent neural networks", k=20)
    got = {r.resource.id: r.score for r in merged.results}
    assert "srv-gentle-rnn" in list(got)[:5]
    assert "srv-zorblax" in got  # says "recurrent network" in its description
    shared = [rid for rid in got if rid in base]
    assert shared and all(got[rid] == base[rid] for rid in shared)
    assert merged.total >= engine.recommend("recurrent neural networks").total + 2
    assert "srv-gentle-rnn" not in ids(served, "reinforcement learning atari")


def test_filters_levels_exclusions_and_profiles_see_additions(served: OverlayEngine) -> None:
    assert ids(served, "lstm memory attention", kind="tutorial")[0] == "srv-lstm-sequel"
    assert "srv-gentle-rnn" not in ids(served, "recurrent networks", exclude=["srv-gentle-rnn"])
    first = served.recommend("lstm beginner").results[0]
    assert first.resource.level == "beginner"
    profile = Profile(positives=("srv-gentle-rnn", "karpathy-unreasonable-rnn"))
    assert served.recommend("networks", profile=profile, k=3).results


def test_more_additions_than_catalog_entries_sharing_a_new_word(engine: Engine) -> None:
    """A new word in every one of many additions still weighs positively (as in a fit)."""
    many = [
        addition(f"srv-{i}", f"Wuzzle notes {i}", description="Wuzzle tricks for wuzzles.")
        for i in range(3 * len(engine.resources))
    ]
    served = OverlayEngine(engine, many)
    found = served.recommend("wuzzle", k=5)
    assert found.total == len(many)
    assert all(r.score > 0 for r in found.results)
    _, weights = served.query_vector(served.parse("wuzzle tricks"))
    assert weights.size == 3 and (weights > 0).all()  # wuzzl, trick, "wuzzl trick"


# --- the base stays the base ------------------------------------------------------------------


def test_no_additions_is_the_base_itself(engine: Engine) -> None:
    assert overlay(engine, ()) is engine


def test_an_empty_overlay_answers_exactly_as_the_base(engine: Engine) -> None:
    empty = OverlayEngine(engine, ())
    for query in QUERIES:
        assert answers(empty, query) == answers(engine, query), query
    for rid in ("dropout-srivastava-2014", "colah-understanding-lstms"):
        assert repr(empty.similar(rid)) == repr(engine.similar(rid))
        assert repr(empty.path(rid)) == repr(engine.path(rid))
    assert repr(empty.path("rnn")) == repr(engine.path("rnn"))


def test_unrelated_additions_leave_base_answers_byte_identical(engine: Engine) -> None:
    noise = [
        addition(
            f"srv-noise-{i}",
            f"Frobnicating the Wuzzle {i}",
            topics=("community",),
            description=f"Glimmering quux number {i} for the wuzzle frobnicator.",
        )
        for i in range(20)
    ]
    served = OverlayEngine(engine, noise)
    for query in QUERIES:
        assert answers(served, query) == answers(engine, query), query
    for rid in ("dropout-srivastava-2014", "karpathy-unreasonable-rnn", "cs231n"):
        assert repr(served.similar(rid)) == repr(engine.similar(rid)), rid
    for topic in ("rnn", "deep learning", "lecun-efficient-backprop"):
        assert repr(served.path(topic)) == repr(engine.path(topic)), topic


def test_the_base_engine_is_not_changed(engine: Engine) -> None:
    before = (len(engine.resources), len(engine.vocabulary), len(engine.terms), len(engine.row))
    rows = {slug: mask.copy() for slug, mask in engine.topic_rows.items()}
    OverlayEngine(engine, [ZORBLAX, GENTLE_RNN])
    after = (len(engine.resources), len(engine.vocabulary), len(engine.terms), len(engine.row))
    assert before == after
    assert all(np.array_equal(rows[s], m) for s, m in engine.topic_rows.items())
    assert "srv-zorblax" not in engine.row
    assert engine.parse("zorblaxx").corrections == ()  # the base parser learnt nothing


# --- paper, ask, similar, path, lookup ----------------------------------------------------------


def test_paper_answers_with_an_addition(served: OverlayEngine) -> None:
    answer = served.paper("zorblax quantum gardening")
    assert answer.match is not None
    assert answer.match.resource.id == "srv-zorblax"
    assert answer.match.summary.startswith("Zorblax is a recurrent network")
    assert served.paper("dropout").match.resource.id == "dropout-srivastava-2014"  # type: ignore[union-attr]


def test_ask_quotes_an_additions_description(served: OverlayEngine) -> None:
    answer = served.ask("what is zorblax?")
    assert answer.passages
    assert answer.passages[0].resource.id == "srv-zorblax"
    assert "quantum gardens" in answer.passages[0].text


def test_similar_goes_both_ways(served: OverlayEngine) -> None:
    like_addition = [r.resource.id for r in served.similar("srv-gentle-rnn")]
    assert like_addition and "srv-gentle-rnn" not in like_addition
    assert set(like_addition) & {"karpathy-unreasonable-rnn", "colah-understanding-lstms"}
    like_base = [r.resource.id for r in served.similar("colah-understanding-lstms", k=10)]
    assert "srv-gentle-rnn" in like_base or "srv-lstm-sequel" in like_base
    with pytest.raises(UnknownResourceError):
        served.similar("srv-nowhere")


def test_topic_path_includes_additions_by_level(engine: Engine) -> None:
    # a resource named like the topic ranks among its members, at its own level
    lead = addition(
        "srv-rnn-course",
        "Recurrent Neural Networks: a Course",
        kind="course",
        level="intermediate",
        description="A course on recurrent neural networks (RNNs), LSTMs and GRUs.",
    )
    path = OverlayEngine(engine, [lead]).path("rnn")
    stages = {step.resource.id: step.stage for step in path.steps}
    assert stages.get("srv-rnn-course") == "intermediate"
    order = [step.stage for step in path.steps if step.stage != "basics"]
    assert order == sorted(order, key=["beginner", "intermediate", "advanced"].index)


def test_an_additions_path_follows_its_base_prerequisites(
    engine: Engine, served: OverlayEngine
) -> None:
    before = [s.resource.id for s in engine.path("colah-understanding-lstms").steps]
    steps = [s.resource.id for s in served.path("srv-lstm-sequel").steps]
    assert steps == [*before, "srv-lstm-sequel"]


def test_lookup_and_resource_find_additions(served: OverlayEngine, engine: Engine) -> None:
    assert served.resource("srv-zorblax") == ZORBLAX
    assert served.resource("dropout-srivastava-2014") == engine.resource("dropout-srivastava-2014")
    assert served.resource("srv-nowhere") is None
    assert served.lookup("srv-zorblax").resource == ZORBLAX
    assert served.lookup("zorblax networks for quantum gardening").resource == ZORBLAX
    assert served.lookup("Zorblax Netwroks for Quantum Gardenning").resource == ZORBLAX
    assert served.lookup("understanding lstm networks").resource.id == "colah-understanding-lstms"  # type: ignore[union-attr]
    assert engine.lookup("zorblax networks").resource is None
    assert served.lookup("").resource is None


def test_former_ids_of_additions_resolve(engine: Engine) -> None:
    renamed = replace(GENTLE_RNN, former_ids=("srv-old-name", "cs231n"))
    served = OverlayEngine(engine, [renamed])
    assert served.resource("srv-old-name") == renamed
    assert served.resource("cs231n").id == "cs231n"  # type: ignore[union-attr]  # base keeps its id


# --- additions that cannot or can barely be indexed --------------------------------------------


def test_additions_that_cannot_be_indexed_are_rejected_not_fatal(engine: Engine) -> None:
    additions = [
        addition("", "No id"),
        addition("dropout-srivastava-2014", "Takes a base id"),
        addition("srv-ok", "A fine addition about wuzzles"),
        addition("srv-ok", "The same id again"),
        addition("srv-kind", "Strange kind", kind="podcastish"),
        addition("srv-level", "Strange level", level="expert"),
    ]
    served = OverlayEngine(engine, additions)
    assert [r.id for r in served.additions] == ["srv-ok"]
    assert [(r.resource_id, r.reason) for r in served.rejected] == [
        ("", "empty id"),
        ("dropout-srivastava-2014", "id already in use"),
        ("srv-ok", "id already in use"),
        ("srv-kind", "unknown kind 'podcastish'"),
        ("srv-level", "unknown level 'expert'"),
    ]
    assert served.resource("dropout-srivastava-2014") == engine.resource("dropout-srivastava-2014")
    assert ids(served, "wuzzles") == ["srv-ok"]


HOSTILE = [
    addition("srv-emoji", "🔥🔥🔥 🧠", description=""),
    addition("srv-empty", "", description=None, topics=()),
    addition("srv-long", "Long " * 1000, description="word " * 5000, topics=("unknown-topic",)),
    addition(
        "srv-markdown",
        "**bold** [click](https://evil.example) @everyone <@123>",
        url="https://evil.example/x?y=1",
        authors=("@here", "Robert'); DROP TABLE students;--"),
        description="`code` ||spoiler|| > quote\n\n# heading. It says things. We do.",
        description_source="document",
    ),
    addition("srv-sql", "'; SELECT * FROM users; --", description="1=1 OR 'a'='a'"),
]


@pytest.mark.parametrize(
    "query",
    ["🔥", "**bold**", "@everyone", "'; SELECT * FROM users; --", "long word", "x" * 5000, ""],
)
def test_hostile_additions_and_queries_never_crash(engine: Engine, query: str) -> None:
    served = OverlayEngine(engine, HOSTILE)
    assert not served.rejected
    served.recommend(query)
    served.recommend(query, level="beginner", kind="blog")
    served.paper(query)
    served.ask(query)
    served.path(query)
    served.lookup(query)
    for resource in HOSTILE:
        served.similar(resource.id)
        served.path(resource.id)
        served.summary(resource)


def test_hostile_additions_are_still_found_by_their_words(engine: Engine) -> None:
    served = OverlayEngine(engine, HOSTILE)
    assert "srv-markdown" in ids(served, "bold click")
    assert served.lookup("srv-emoji").resource == HOSTILE[0]
    assert served.recommend("🔥").results == ()


# --- the shipped catalog --------------------------------------------------------------------


def test_real_catalog_answers_unchanged_and_an_addition_found() -> None:
    """Over the shipped catalog and the judged bench queries: additions about something else
    change no answer, and an addition is found by its own words and its title."""
    import yaml

    from recommender.catalog import default_catalog_path, load_catalog

    bench = Path(__file__).resolve().parents[2] / "bench" / "queries.yaml"
    queries = [q["query"] for q in yaml.safe_load(bench.read_text(encoding="utf-8"))["queries"]]
    real = Engine.from_catalog(load_catalog(default_catalog_path()))
    noise = [
        addition(f"srv-noise-{i}", f"Wuzzle Frobnication {i}", topics=("community",))
        for i in range(10)
    ]
    served = OverlayEngine(real, noise)
    for query in queries[:40]:
        assert repr(served.recommend(query)) == repr(real.recommend(query)), query
        assert repr(served.paper(query)) == repr(real.paper(query)), query
    served = OverlayEngine(real, [*noise, ZORBLAX])
    assert ids(served, "zorblax") == ["srv-zorblax"]
    assert ids(served, ZORBLAX.title)[0] == "srv-zorblax"


def test_additions_over_an_empty_catalog() -> None:
    from recommender.index import build_index

    empty = Engine((), build_index(()))
    served = OverlayEngine(empty, [ZORBLAX])
    assert ids(served, "zorblax") == ["srv-zorblax"]
    assert served.paper("zorblax quantum gardening").match is not None
    assert served.ask("what is zorblax").passages
    assert served.similar("srv-zorblax") == ()
    assert [s.resource.id for s in served.path("rnn").steps] == ["srv-zorblax"]
    assert served.lookup("zorblax networks").resource == ZORBLAX


def test_an_overlay_serves_without_scikit_learn_or_scipy(tmp_path: Path) -> None:
    """Fit offline, serve arrays: building and querying an overlay over a cached index
    imports neither (only personal ranking, as for the base, does)."""
    import subprocess
    import sys

    from recommender.catalog import load_catalog

    fixture = Path(__file__).parent / "fixtures" / "catalog.yaml"
    Engine.from_catalog(load_catalog(fixture), tmp_path)  # writes the cached index
    script = f"""
import sys
from recommender.loading import open_catalog
from recommender.overlay import overlay
from recommender.resource import Resource
base = open_catalog({str(fixture)!r}, {str(tmp_path)!r}).engine
extra = Resource(id="srv-x", title="Zorblax gardens", kind="blog", level="beginner",
                 topics=("rnn",), description="Zorblax grows gardens.")
engine = overlay(base, [extra])
assert engine.recommend("zorblax").results[0].resource.id == "srv-x"
engine.paper("zorblax"); engine.ask("what is zorblax"); engine.similar("srv-x"); engine.path("rnn")
engine.lookup("zorblax gardens")
print(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy")))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
