"""Summaries and passages that read well: no unresolved opening, no PDF artifacts, no copied
first-person blog text, and "what is X" answered by the sentence that defines X."""

from __future__ import annotations

import re

import pytest

from recommender.catalog import default_catalog_path, load_catalog
from recommender.engine import Engine
from recommender.ingest.build import build_resources, default_curation_path, default_sources_dir
from recommender.ingest.curation import load_curation
from recommender.ingest.text import clean_document_text
from recommender.query import defined_subject, defines
from recommender.resource import Resource
from recommender.summarize import NO_SUMMARY
from recommender.text import (
    leans_on_previous,
    opens_unresolved,
    split_sentences,
    standalone_passages,
)

FIRST_OR_SECOND_PERSON = re.compile(
    r"\b(?:I|I'm|I've|me|my|we|our|us|you|you're|you'll|your)\b", re.IGNORECASE
)
GLUED = ("amultilayered", "tomap", "TermMemory", "performancemarkedly", "selfcontained")


@pytest.fixture(scope="module")
def real() -> Engine:
    return Engine.from_catalog(load_catalog(default_catalog_path()))


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("It also acts as a regularizer.", True),
        ("We show that dropout improves the performance of neural networks.", True),
        ("However, overfitting is a serious problem in such networks.", True),
        ("Dropout is a technique for addressing this problem.", True),
        ("These tasks include language modeling and speech recognition.", True),
        ("In this paper, we present a general end-to-end approach.", False),
        ("This chapter is meant as a practical guide.", False),
        ("Dropout is a technique that randomly drops units during training.", False),
    ],
)
def test_what_leans_on_the_previous_sentence(sentence: str, leans: bool) -> None:
    assert leans_on_previous(sentence) is leans


def test_a_leaning_sentence_takes_the_previous_one_along() -> None:
    text = (
        "Large networks are slow to use at test time. Dropout is a technique for addressing "
        "this problem. We show that it works."
    )
    passages = standalone_passages(text)
    assert "Large networks are slow to use at test time. Dropout is a technique" in passages[1]
    assert all(not leans_on_previous(split_sentences(p)[0]) for p in passages)


def test_a_first_sentence_that_cannot_be_resolved_is_no_passage() -> None:
    assert standalone_passages("We present a method for things. It works well on data.") == []


def test_pdf_artifacts_are_cleaned() -> None:
    assert clean_document_text("achieved excel- lent results") == "achieved excellent results"
    assert clean_document_text("Fi- nally, we found") == "Finally, we found"
    assert clean_document_text("pre- and post-training") == "pre- and post-training"
    assert (
        clean_document_text("a Long Short-TermMemory (LSTM)") == "a Long Short-Term Memory (LSTM)"
    )
    assert clean_document_text("winner (GoogLeNet, 6.66% [29]).") == "winner (GoogLeNet, 6.66%)."
    assert clean_document_text("performance (5.1%, [22]) on it") == "performance (5.1%) on it"
    assert clean_document_text("as shown [3, 4-6] before") == "as shown before"


def test_the_catalog_has_no_pdf_artifacts() -> None:
    for resource in load_catalog(default_catalog_path()):
        text = resource.description or ""
        assert not re.search(r"[a-z]- (?!and\b|or\b|to\b)[a-z]{2,}", text), resource.id
        assert not re.search(r"\[\d+\]", text), resource.id
        assert not any(glued in text for glued in GLUED), resource.id


def test_every_text_fix_of_the_curation_is_used() -> None:
    _, report = build_resources(default_sources_dir(), load_curation(default_curation_path()))
    assert report.unused_text_fixes == []


def test_no_copied_blog_text_speaks_in_the_first_or_second_person() -> None:
    for resource in load_catalog(default_catalog_path()):
        if resource.description_source == "document" and resource.kind != "paper":
            assert not FIRST_OR_SECOND_PERSON.search(resource.description or ""), resource.id


def stands_alone(excerpt: str, resource: Resource) -> bool:
    """The excerpt's first sentence reads alone: the description's own first sentence opening
    resolved, or a later one that does not lean on the sentence before it."""
    sentences = split_sentences(resource.description or "")
    first = (split_sentences(excerpt) or [excerpt])[0]
    if sentences and first == sentences[0]:
        return not opens_unresolved(first)
    return not leans_on_previous(first)


def test_no_summary_of_a_paper_opens_with_an_unresolved_reference(real: Engine) -> None:
    for resource in real.resources:
        if resource.kind != "paper" or not resource.description:
            continue
        summary = real.summary(resource)
        assert summary != NO_SUMMARY, resource.id
        assert stands_alone(summary, resource), (resource.id, summary)


def test_no_passage_opens_with_an_unresolved_reference(real: Engine) -> None:
    for passage, owner in zip(real.index.passages, real.index.passage_owner, strict=True):
        assert stands_alone(passage, real.resources[int(owner)]), passage


def test_every_curated_description_opens_resolved(real: Engine) -> None:
    for resource in real.resources:
        if resource.description and resource.description_source == "curated":
            assert not opens_unresolved(split_sentences(resource.description)[0]), resource.id


def test_what_is_questions_find_their_subject() -> None:
    assert defined_subject("what is dropout?") == (("dropout",),)
    assert ("larg", "languag", "model") in defined_subject("What is an LLM")
    assert defined_subject("how do lstms work") == ()
    subject = defined_subject("what is a transformer")
    assert defines("Introduces the Transformer, an encoder-decoder built from attention.", subject)
    assert defines("Dropout is a technique.", defined_subject("what is dropout"))
    assert not defines("Batch Normalization allows us to use higher rates.", subject)


def test_what_is_dropout_quotes_the_definition_with_what_it_refers_to(real: Engine) -> None:
    top = real.ask("what is dropout").passages[0]
    assert top.resource.id == "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting"
    assert "Dropout is a technique for addressing this problem" in top.text
    assert not top.text.startswith("Dropout is a technique")  # the problem comes first


def test_what_is_a_transformer_quotes_the_paper_that_introduced_it(real: Engine) -> None:
    top = real.ask("what is a transformer").passages[0]
    assert top.resource.id == "attention-is-all-you-need"
    assert top.text.startswith("Introduces the Transformer")
