"""Discussion prompts by rule: thread names within Discord's limit, claims from summaries,
and a relation to what the group read."""

from __future__ import annotations

from recommender.discussion import THREAD_NAME_CHARS, claims, key_terms, prompts, thread_name
from recommender.engine import Engine
from recommender.resource import Resource
from recommender.text import stem, words


def _r(rid: str, title: str, *topics: str, prerequisites: tuple[str, ...] = ()) -> Resource:
    return Resource(
        id=rid, title=title, kind="paper", level="beginner", topics=topics,
        prerequisites=prerequisites,
    )  # fmt: skip


def test_thread_names_are_one_line_and_within_the_limit() -> None:
    assert thread_name(_r("a", "Attention\nIs\tAll\x00You Need")) == "Attention Is All You Need"
    long = thread_name(_r("b", "word " * 1000))
    assert len(long) == THREAD_NAME_CHARS and long.endswith("…")
    assert thread_name(_r("c", "\x07\x1b")) == "c"


def test_claims_are_whole_sentences_shortened_when_long() -> None:
    text = "We propose a residual framework for deep networks. Short. " + "x " * 300 + "end."
    found = claims(text)
    assert found[0] == "We propose a residual framework for deep networks."
    assert len(found) == 2 and len(found[1]) <= 200 and found[1].endswith("…")
    assert claims("No summary available.") == ()


def test_prompts_relate_to_a_prerequisite_the_group_read_then_to_a_shared_topic() -> None:
    target = _r("resnet", "ResNet", "cnn", prerequisites=("cs231n",))
    course = _r("cs231n", "CS231n", "cnn")
    other = _r("alexnet", "AlexNet", "cnn")
    built = prompts(target, ("residual", "shortcut"), ("It claims things well.",), [other, course])
    assert len(built) == 3
    assert built[0].startswith("Key terms: residual and shortcut.")
    assert "“It claims things well.”" in built[1]
    assert "builds on “CS231n”" in built[2]
    shared = prompts(target, (), (), [other])
    assert len(shared) == 2 and "“AlexNet” on Convolutional" in shared[0]


def test_key_terms_are_ideas_not_the_authors_names_or_years(engine: Engine) -> None:
    for row, resource in enumerate(engine.resources):
        terms = key_terms(engine, row)
        names = {stem(w) for w in words(" ".join(resource.authors))}
        for term in terms:
            parts = [stem(w) for w in words(term)]
            assert not any(p in names for p in parts), (resource.id, term)
            assert not any(p.isdigit() for p in parts), (resource.id, term)
    # a resource with authors still gets terms (its title and description)
    authored = next(r for r, res in enumerate(engine.resources) if res.authors)
    assert key_terms(engine, authored)
