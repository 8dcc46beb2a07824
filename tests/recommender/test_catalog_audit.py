"""The close reading of the catalog (issue 10, section 5): each finding fixed, by rule where a
rule could do it, and tested."""

from __future__ import annotations

import re
import unicodedata

import pytest

from recommender.catalog import Catalog, default_catalog_path, load_catalog
from recommender.engine import Engine
from recommender.ingest.markdown_page import parse_markdown_page
from recommender.ingest.text import normalise_name
from recommender.lookup import lookup
from recommender.resource import Resource

RETIRED_HOSTS = (
    "class.coursera.org",
    "deeplearning.net",
    "datatau.com",
    "arxiv-sanity.com",
    "machinelearning.wustl.edu",
    "eprints.pascal-network.org",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(default_catalog_path())


def get(catalog: Catalog, rid: str) -> Resource:
    resource = catalog.by_id(rid)
    assert resource is not None, rid
    return resource


def test_dettmers_gpu_posts_are_two_resources(catalog: Catalog) -> None:
    data = get(catalog, "how-to-parallelize-deep-learning-on-gpus-part-1-2-data-parallelism")
    model = get(catalog, "how-to-parallelize-deep-learning-on-gpus-part-2-2-model-parallelism")
    assert data.title.endswith("Part 1/2: Data Parallelism") and "data-parallelism" in str(data.url)
    assert model.title.endswith("Part 2/2: Model Parallelism") and "model-parallelism" in str(
        model.url
    )
    old = "how-to-parallelize-deep-learning-on-gpus-part-1-2-data-parallelism-part-2-2"
    assert catalog.by_id(old) is data  # the merged entry's id still resolves


def test_nvidia_nutshell_posts_are_two_resources(catalog: Catalog) -> None:
    core = get(catalog, "deep-learning-in-a-nutshell-core-concepts")
    history = get(catalog, "deep-learning-in-a-nutshell-history-and-training")
    assert core.title == "Deep Learning in a Nutshell: Core Concepts"
    assert history.title == "Deep Learning in a Nutshell: History and Training"
    assert core.url != history.url and core.authors == history.authors == ("Tim Dettmers",)


@pytest.mark.parametrize(
    ("rid", "kind"),
    [
        ("convnets-in-practice", "video"),
        ("recurrent-neural-networks-from-stanford-s-cs224d-2016", "video"),
        ("learning-meanings-for-sentences", "tutorial"),
        ("learning-deep-architectures-for-ai", "book"),
    ],
)
def test_kinds(catalog: Catalog, rid: str, kind: str) -> None:
    assert get(catalog, rid).kind == kind


def test_cs231n_lectures_are_titled_alike(catalog: Catalog) -> None:
    assert get(catalog, "convnets-in-practice").title.startswith("CS231n lecture 11:")


def test_topics(catalog: Catalog) -> None:
    cdbn = get(catalog, "convolutional-deep-belief-networks-for-scalable-unsupervised-learning-of")
    assert "computer-vision" in cdbn.topics and "embeddings" not in cdbn.topics
    stack = get(catalog, "transition-based-dependency-parsing-with-stack-long-short-term-memory")
    assert "memory-networks" not in stack.topics
    assert "computer-vision" in get(catalog, "92-45-on-cifar-10-in-torch").topics
    assert "community" in get(catalog, "machine-learning-on-quora").topics


def test_author_names_are_normalised(catalog: Catalog) -> None:
    for resource in catalog:
        for name in resource.authors:
            assert unicodedata.normalize("NFKC", name) == name, (resource.id, name)
            assert not re.search(r"\b[A-Z]\s+[A-Z][a-z]", name), (resource.id, name)
    dropout = get(catalog, "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting")
    assert "I. Sutskever" in dropout.authors
    assert normalise_name("Geoﬀrey Hinton") == "Geoffrey Hinton"


def test_hochreiter_thesis_is_his_alone(catalog: Catalog) -> None:
    assert get(catalog, "untersuchungen-zu-dynamischen-neuronalen-netzen").authors == (
        "Sepp Hochreiter",
    )


def test_et_al_is_said_as_such(catalog: Catalog) -> None:
    splicing = get(
        catalog, "the-human-splicing-code-reveals-new-insights-into-the-genetic-determinants-of"
    )
    assert not splicing.authors_complete and splicing.byline.endswith("et al.")
    for rid in (
        "improved-semantic-representations-from-tree-structured-long-short-term-memory",
        "neural-turing-machines",
        "towards-ai-complete-question-answering-a-set-of-prerequisite-toy-tasks",
    ):
        assert not get(catalog, rid).authors_complete, rid


def test_a_document_saying_et_al_gives_an_incomplete_list() -> None:
    page = "**[A Paper](http://example.org/a.pdf)**; Jane Doe et al. 2015  Introduces things.\n"
    (mention,) = parse_markdown_page(page, "page")
    assert mention.authors == ("Jane Doe",) and not mention.authors_complete
    page = "**[B Paper](http://example.org/b.pdf)**; Jane Doe and John Roe\n"
    (mention,) = parse_markdown_page(page, "page")
    assert mention.authors_complete


def test_the_nyu_course_id_is_fixed_and_the_old_one_resolves(catalog: Catalog) -> None:
    assert "yann-lecun-s-nyu-couse" not in catalog.ids()
    course = get(catalog, "yann-lecun-s-nyu-course")
    assert catalog.by_id("yann-lecun-s-nyu-couse") is course
    assert lookup(catalog, "yann-lecun-s-nyu-couse").resource is course


def test_paragraph_vector_is_described_right(catalog: Catalog) -> None:
    text = get(catalog, "distributed-representations-of-sentences-and-documents").description or ""
    assert "jointly" in text and "averages" not in text


def test_greedy_layer_wise_year_agrees_with_its_description(catalog: Catalog) -> None:
    paper = get(catalog, "greedy-layer-wise-training-of-deep-networks")
    assert paper.year == 2007 and "2007" in (paper.description or "")


def test_kdnuggets_is_for_beginners(catalog: Catalog) -> None:
    assert get(catalog, "kdnuggets-data-science-hub").level == "beginner"


@pytest.mark.parametrize(
    "rid",
    [
        "theano",
        "torch",
        "lasagne",
        "deeplearning-net-a-portal-for-theano-pylearn",
        "geoff-hinton-s-neural-networks-class-on-coursera",
        "deep-learning-course-at-udacity",
        "92-45-on-cifar-10-in-torch",
        "training-and-investigating-residual-nets",
        "generating-faces-with-torch",
        "reinforcement-learning-an-introduction",
    ],
)
def test_historical_resources_say_so(catalog: Catalog, rid: str) -> None:
    assert get(catalog, rid).historical


def test_links_on_retired_hosts_are_marked(catalog: Catalog) -> None:
    for resource in catalog:
        host = resource.host or ""
        if any(host == h or host.endswith("." + h) for h in RETIRED_HOSTS):
            assert resource.historical or resource.alternative_url, resource.id
            if resource.alternative_url:
                assert resource.link == resource.alternative_url


def test_a_beginner_gets_the_current_equivalent_before_a_historical_one() -> None:
    old = Resource(
        "theano-tutorial",
        "Deep learning framework tutorial",
        "tutorial",
        "beginner",
        ("frameworks",),
        description="A tutorial that trains a network step by step.",
        historical="development ended in 2017",
    )
    new = Resource(
        "pytorch-tutorial",
        "Deep learning framework tutorial",
        "tutorial",
        "beginner",
        ("frameworks",),
    )
    engine = Engine.from_catalog(Catalog([old, new]))
    ranked = [
        r.resource.id for r in engine.recommend("framework tutorial", level="beginner").results
    ]
    assert ranked == ["pytorch-tutorial", "theano-tutorial"]


def test_the_engine_answers_for_a_former_id(catalog: Catalog) -> None:
    engine = Engine.from_catalog(catalog)
    similar = engine.similar("yann-lecun-s-nyu-couse", k=3)
    assert similar and all(r.resource.id != "yann-lecun-s-nyu-course" for r in similar)
