"""Kind, level and topic rules."""

from __future__ import annotations

from recommender.ingest.classify import classify_kind, classify_level, classify_topics
from recommender.vocabulary import TOPIC_SLUGS


def test_level_rule() -> None:
    assert classify_level(3, "blog", "x", None) == ("advanced", "rating")
    assert classify_level(1, "paper", "x", None) == ("beginner", "rating")
    assert classify_level(None, "paper", "An Introduction to MCMC", None) == ("advanced", "curated")
    assert classify_level(None, "course", "x", "a start-from-scratch course") == (
        "beginner",
        "curated",
    )
    assert (
        classify_level(None, "blog", "A Step-by-Step Backpropagation Example", None)[0]
        == "beginner"
    )
    assert classify_level(None, "forum", "r/MachineLearning", None)[0] == "beginner"
    assert classify_level(None, "book", "An Introduction to Statistics", None)[0] == "intermediate"


def test_kind_rule() -> None:
    assert classify_kind(("paper", "book"), None, "Deep learning") == "book"  # strong hint wins
    assert classify_kind(("paper",), "https://www.youtube.com/watch?v=1", "Talk") == "video"
    assert classify_kind((), "https://colah.github.io/posts/x/", "Understanding LSTMs") == "blog"
    assert classify_kind(("paper",), "http://x.org/notes.pdf", "Notes on AdaGrad") == "tutorial"
    assert classify_kind(("paper",), "http://x.org/a.pdf", "Semantic hashing") == "paper"
    assert classify_kind((), None, "Something") == "website"


def test_topics_rule() -> None:
    topics = classify_topics(
        "Improved Semantic Representations From Tree-Structured Long Short-Term Memory Networks",
        None,
        ["Thought Vectors"],
    )
    assert "rnn" in topics and "embeddings" in topics
    assert "memory-networks" not in topics  # "memory" inside "long short-term memory"
    assert classify_topics("Zzz", None, []) == ("deep-learning",)
    assert classify_topics("Yoshua Bengio", None, ["Researchers' Personal Websites"]) == (
        "research-practice",
    )
    for topic in classify_topics("Dropout for CNN image text speech RL GPU", "x", ["Dialog"]):
        assert topic in TOPIC_SLUGS
