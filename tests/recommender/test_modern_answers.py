"""Modern topics lead with the canonical works of their area (the real catalog)."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.catalog import default_catalog_path, load_catalog
from recommender.engine import Engine, canonical_weights, descendants
from recommender.resource import Resource


@pytest.fixture(scope="module")
def real() -> Engine:
    return Engine.from_catalog(load_catalog(default_catalog_path()))


def ids(engine: Engine, query: str, k: int = 5) -> list[str]:
    return [r.resource.id for r in engine.recommend(query, k=k).results]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("transformers", "attention-is-all-you-need"),
        ("bert", "bert"),
        ("gpt", "gpt-1-generative-pretraining"),
        ("diffusion", "ddpm"),
        ("adam", "adam-optimizer"),
        ("gans", "generative-adversarial-nets"),
        ("attention", "attention-is-all-you-need"),
        ("lora", "lora-low-rank-adaptation"),
        ("rag", "retrieval-augmented-generation"),
        ("ppo", "ppo-proximal-policy-optimization"),
    ],
)
def test_recommend_leads_with_the_canonical_work(real: Engine, query: str, first: str) -> None:
    assert ids(real, query)[0] == first


def test_transformers_also_offers_the_best_explainer(real: Engine) -> None:
    assert "illustrated-transformer" in ids(real, "transformers")


def test_llm_leads_with_the_large_language_model_papers(real: Engine) -> None:
    top = ids(real, "llm", k=3)
    assert "gpt-3-few-shot-learners" in top
    assert all("llm" in real.resources[real.row[rid]].topics for rid in top)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("attention is all you need", "attention-is-all-you-need"),
        ("adam", "adam-optimizer"),
        ("bert", "bert"),
        ("gpt", "gpt-1-generative-pretraining"),
        ("diffusion", "ddpm"),
        ("transformers", "attention-is-all-you-need"),
        ("language models are few-shot learners", "gpt-3-few-shot-learners"),
    ],
)
def test_paper_names_the_canonical_paper(real: Engine, query: str, expected: str) -> None:
    match = real.paper(query).match
    assert match is not None and match.resource.id == expected


def test_path_transformers_goes_from_the_illustrated_transformer_to_the_paper(
    real: Engine,
) -> None:
    steps = [s for s in real.path("transformers").steps if s.stage != "basics"]
    order = [s.resource.id for s in steps]
    assert "illustrated-transformer" in order and "attention-is-all-you-need" in order
    assert order.index("illustrated-transformer") < order.index("attention-is-all-you-need")
    assert steps[0].resource.level == "beginner"


def test_canonical_weight_counts_what_builds_on_a_paper() -> None:
    def paper(rid: str, *needs: str, kind: str = "paper") -> Resource:
        return Resource(rid, rid, kind, "advanced", ("ai",), prerequisites=needs)

    resources = [
        paper("root"),
        paper("child", "root"),
        paper("grandchild", "child"),
        paper("explainer", kind="blog"),
        paper("reader", "explainer"),
    ]
    built_on = descendants(resources, {r.id: i for i, r in enumerate(resources)})
    assert built_on[0].tolist() == [1, 2] and 3 not in built_on  # a blog is not counted
    weights = canonical_weights(built_on, len(resources))
    assert weights[0] == 1.0 and 0 < weights[1] < 1.0
    assert weights[2] == 0.0 and weights[3] == 0.0  # nothing builds on it / not a paper
    members = np.array([False, True, True, False, False])
    assert canonical_weights(built_on, len(resources), members)[1] == 1.0
    assert not canonical_weights(built_on, len(resources), members, min_count=3).any()
