"""The controlled vocabulary: consistent with itself, and it knows the modern areas."""

from __future__ import annotations

import pytest

from recommender.catalog import default_catalog_path, load_catalog
from recommender.engine import Engine
from recommender.query import match_topics
from recommender.text import content_stems, stem, words
from recommender.vocabulary import (
    ACRONYMS,
    LEVELS,
    STEM_EXCEPTIONS,
    TOPIC_PREREQUISITES,
    TOPIC_SLUGS,
    TOPICS,
)

MODERN_TOPICS = [
    "transformers",
    "attention",
    "language-models",
    "llm",
    "prompting",
    "alignment",
    "fine-tuning",
    "rag",
    "mixture-of-experts",
    "gans",
    "diffusion",
    "normalizing-flows",
    "vae",
    "vision-transformers",
    "self-supervised",
    "contrastive-learning",
    "multimodal",
    "normalization",
    "gnn",
    "interpretability",
    "deep-rl",
    "efficiency",
]


@pytest.fixture(scope="module")
def real() -> Engine:
    return Engine.from_catalog(load_catalog(default_catalog_path()))


def test_topics_are_unique_and_prerequisites_name_topics() -> None:
    assert len(set(TOPIC_SLUGS)) == len(TOPIC_SLUGS)
    assert set(MODERN_TOPICS) <= set(TOPIC_SLUGS)
    for topic, needs in TOPIC_PREREQUISITES.items():
        assert topic in TOPIC_SLUGS and set(needs) <= set(TOPIC_SLUGS), topic
        assert topic not in needs


def test_topic_prerequisites_have_no_cycle() -> None:
    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(
            need == goal or (need not in seen and reaches(need, goal, seen | {need}))
            for need in TOPIC_PREREQUISITES.get(start, ())
        )

    for topic in TOPIC_PREREQUISITES:
        assert not reaches(topic, topic), topic


@pytest.mark.parametrize(
    ("acronym", "words_of_expansion"),
    [
        ("llm", "large language model"),
        ("gpt", "generative pre-trained transformer"),
        ("bert", "bidirectional encoder representations from transformers"),
        ("vit", "vision transformer"),
        ("rlhf", "reinforcement learning from human feedback"),
        ("lora", "low-rank adaptation"),
        ("rag", "retrieval-augmented generation"),
        ("ddpm", "denoising diffusion probabilistic model"),
        ("clip", "contrastive language-image pre-training"),
        ("ppo", "proximal policy optimization"),
        ("gnn", "graph neural network"),
        ("moe", "mixture of experts"),
    ],
)
def test_modern_acronyms(acronym: str, words_of_expansion: str) -> None:
    assert ACRONYMS[acronym] == words_of_expansion


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("transformers", "transformers"),
        ("llms", "llm"),
        ("rlhf", "alignment"),
        ("lora fine-tuning", "fine-tuning"),
        ("stable diffusion", "diffusion"),
        ("vision transformer", "vision-transformers"),
        ("graph neural networks", "gnn"),
        ("mixture of experts", "mixture-of-experts"),
        ("layer normalization", "normalization"),
    ],
)
def test_queries_name_modern_topics(query: str, topic: str) -> None:
    assert topic in match_topics(content_stems(words(query)))


def test_stem_exceptions_keep_colliding_words_apart() -> None:
    assert stem("transformers") == stem("transformer") != stem("transformations")
    assert stem("adam") != stem("adams")
    assert stem("normalisation") == stem("normalization") != stem("normal")
    assert set(STEM_EXCEPTIONS.values()) <= {stem(w) for w in STEM_EXCEPTIONS}


@pytest.mark.parametrize("topic", ["transformers", "diffusion", "gnn", "vae", "llm", "gans"])
def test_a_modern_path_climbs_from_beginner_to_advanced(real: Engine, topic: str) -> None:
    path = real.path(topic)
    assert path.topic_slug == topic
    reading = [s for s in path.steps if s.stage != "basics"]
    levels = [LEVELS.index(s.resource.level) for s in reading]
    assert levels[0] == 0 and max(levels) == 2, [s.resource.id for s in reading]
    assert {s.resource.level for s in reading} == set(LEVELS)


def test_every_topic_of_the_vocabulary_has_a_label_and_terms() -> None:
    for topic in TOPICS:
        assert topic.label and topic.terms, topic.slug
