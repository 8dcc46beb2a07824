"""Merging mentions across documents, on synthetic mentions and on the real catalog."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from recommender.ingest.build import (
    GUIDE,
    PAGE_V1,
    PAGE_V2,
    POST_NUMBERED,
    POST_URLS,
    build_resources,
    default_curation_path,
    default_sources_dir,
    read_mentions,
)
from recommender.ingest.curation import Curation, load_curation
from recommender.ingest.mention import Mention
from recommender.ingest.merge import Alias, merge_mentions
from recommender.ingest.text import title_key
from recommender.ingest.urls import url_key
from recommender.resource import Resource


@pytest.fixture(scope="module")
def catalog() -> dict[str, Resource]:
    resources, _ = build_resources(default_sources_dir(), load_curation(default_curation_path()))
    return {r.id: r for r in resources}


def _documents(resource: Resource) -> set[str]:
    return {s.document for s in resource.sources}


def test_shared_url_with_unrelated_titles_stays_two() -> None:
    url = "https://aclweb.org/anthology/P/P15/P15-1150.pdf"
    a = Mention(
        "d",
        "s",
        0,
        title="Deep Recursive Neural Networks for Compositionality in Language",
        url=url,
    )
    b = Mention(
        "d", "s", 1, title="Improved Semantic Representations From Tree-Structured LSTM", url=url
    )
    c = Mention("e", "s", 0, title=None, url=url)
    entries = merge_mentions([a, b, c])
    assert len(entries) == 3  # the untitled one could be either: it joins neither
    assert not any({a, b} <= set(e.mentions) for e in entries)


def test_same_title_different_urls_is_one() -> None:
    a = Mention(
        "d", "s", 0, title="Learning Deep Architectures for AI", url="http://x.org/TR1312.pdf"
    )
    b = Mention(
        "d",
        "s",
        1,
        title="Learning Deep Architectures for AI",
        url="http://y.org/ftml.pdf",
        year=2009,
    )
    (entry,) = merge_mentions([a, b])
    assert entry.year == 2009


def test_alias_unites_different_names_and_links() -> None:
    alias = Alias(
        "Neural Networks and Deep Learning",
        ("Neural networks and deep learning",),
        ("http://neuralnetworksanddeeplearning.com/",),
    )
    a = Mention("guide", "s", 0, title="Neural networks and deep learning", stars=1)
    b = Mention("post", "s", 0, url="http://neuralnetworksanddeeplearning.com", lossy=True)
    (entry,) = merge_mentions([a, b], aliases=[alias])
    assert entry.title == "Neural Networks and Deep Learning"
    assert entry.stars == 1 and entry.url_lossy


def test_lossy_text_loses_to_clean_text() -> None:
    a = Mention(
        "003", "s", 0, title="GradientBased Training", description="stateoftheart", lossy=True
    )
    b = Mention("004", "s", 0, title="Gradient-Based Training", description="state-of-the-art")
    (entry,) = merge_mentions([a, b])
    assert entry.title == "Gradient-Based Training" and entry.description == "state-of-the-art"


def test_counts_are_in_the_expected_range(catalog: dict[str, Resource]) -> None:
    mentions, _ = read_mentions(default_sources_dir())
    assert 340 <= len(mentions) <= 360
    _resources, report = build_resources(default_sources_dir(), Curation())
    assert 185 <= report.merged <= 210  # before aliases and drops
    seeds = [r for r in catalog.values() if r.origin == "seed"]
    assert 185 <= len(seeds) <= 200
    assert len(catalog) >= 340  # with the curated modern resources
    assert 65 <= report.descriptions["document"] <= 85


def test_dropout_is_one_entry_from_both_copies_of_the_post(catalog: dict[str, Resource]) -> None:
    (dropout,) = [r for r in catalog.values() if r.title.startswith("Dropout")]
    assert _documents(dropout) == {POST_URLS, POST_NUMBERED}
    assert dropout.description and "co-adapting" in dropout.description  # 004's hyphens
    assert dropout.url == "http://jmlr.org/papers/v15/srivastava14a.html"  # curated
    assert dropout.level == "advanced"


def test_cs231n_is_one_entry_with_fields_from_three_documents(catalog: dict[str, Resource]) -> None:
    matches = [
        r for r in catalog.values() if "cs231n" in r.title.lower() and r.title.startswith("CS231n:")
    ]
    (cs231n,) = matches
    assert {PAGE_V2, PAGE_V1, GUIDE, POST_URLS, POST_NUMBERED} <= _documents(cs231n)
    assert cs231n.url == "http://cs231n.github.io"  # from 000, not 003's syllabus page
    # 004's blurb ("A great set of lessons ... You'll find there ...") spoke to the reader: the
    # curation replaces it with a description in our own words.
    assert cs231n.description_source == "curated"
    assert (cs231n.level, cs231n.level_source) == ("intermediate", "rating")  # the guide's ★★
    assert cs231n.kind == "course"


def test_nielsen_book_is_one_entry_with_fields_from_three_documents(
    catalog: dict[str, Resource],
) -> None:
    (book,) = [r for r in catalog.values() if r.title == "Neural Networks and Deep Learning"]
    assert _documents(book) == {GUIDE, POST_URLS, POST_NUMBERED}
    assert book.url == "http://neuralnetworksanddeeplearning.com/"  # 003 (reviewed)
    assert book.description_source == "curated"  # 004's "This is where I started ..." replaced
    assert (book.level, book.level_source) == ("beginner", "rating")  # the guide's ★
    assert book.authors == ("Michael Nielsen",) and book.kind == "book"


def test_named_aliases_are_one_entry_each(catalog: dict[str, Resource]) -> None:
    book = catalog["deep-learning-book"]
    assert {PAGE_V2, GUIDE, POST_URLS, POST_NUMBERED} <= _documents(book)
    assert book.level_source == "rating" and book.level == "advanced"
    ng = catalog["machine-learning-andrew-ng-coursera"]
    assert {PAGE_V2, PAGE_V1, GUIDE, POST_URLS, POST_NUMBERED} == _documents(ng)
    assert ng.url == "https://www.coursera.org/learn/machine-learning/home/info"
    lstm = catalog["understanding-lstm-networks"]
    assert {PAGE_V2, PAGE_V1, POST_URLS, POST_NUMBERED} == _documents(lstm)
    rnn = catalog["the-unreasonable-effectiveness-of-recurrent-neural-networks"]
    assert {GUIDE, POST_URLS, POST_NUMBERED} == _documents(rnn)


def test_deep_recursive_and_tree_lstm_stay_two(catalog: dict[str, Resource]) -> None:
    deep_recursive = catalog["deep-recursive-neural-networks-for-compositionality-in-language"]
    tree_lstm = catalog[
        "improved-semantic-representations-from-tree-structured-long-short-term-memory"
    ]
    assert tree_lstm.url == "https://aclweb.org/anthology/P/P15/P15-1150.pdf"
    assert deep_recursive.url is None  # the source's wrong link is removed by curation


def test_duplicates_within_a_page_are_one_entry(catalog: dict[str, Resource]) -> None:
    for words in (
        "learning deep architectures for ai",
        "training restricted boltzmann machines on word observations",
        "recursive deep models for semantic compositionality",
        "a neural conversation",
    ):
        hits = [r for r in catalog.values() if r.title.lower().startswith(words)]
        assert len(hits) == 1, words
    conversation = catalog["a-neural-conversational-model"]
    assert conversation.url == "https://arxiv.org/abs/1506.05869"


def test_no_two_entries_share_a_normalised_url_or_title(catalog: dict[str, Resource]) -> None:
    urls = Counter(url_key(r.url) for r in catalog.values() if r.url)
    titles = Counter(title_key(r.title) for r in catalog.values())
    assert [k for k, n in urls.items() if n > 1] == []
    assert [k for k, n in titles.items() if n > 1] == []


def test_every_entry_is_complete(catalog: dict[str, Resource]) -> None:
    for resource in catalog.values():
        assert resource.kind and resource.topics and resource.level, resource.id
        assert resource.sources, resource.id


def test_no_unreviewed_hyphen_stripped_url_is_shipped() -> None:
    _, report = build_resources(default_sources_dir(), load_curation(default_curation_path()))
    assert report.lossy_urls_left_out == {}
    assert report.unknown_curation_ids == []


def test_missing_source_files_are_tolerated(tmp_path: Path) -> None:
    resources, report = build_resources(tmp_path, Curation())
    assert resources == [] and report.merged == 0
