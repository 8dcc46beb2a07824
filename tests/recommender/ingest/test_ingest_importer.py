"""Importing an awesome list into the curation data."""
# ruff: noqa: E501  (test documents keep the long lines of the real sources)

from __future__ import annotations

from recommender.catalog import parse_catalog_text
from recommender.ingest.curation import dump_curation, parse_curation
from recommender.ingest.importer import import_awesome_list
from recommender.ingest.merge import Alias
from recommender.resource import Resource

LIST = """\
# Awesome Deep Learning

## Courses

* [Andrew Ng's Machine-Learning Class](https://www.coursera.org/learn/machine-learning/home/info) - the classic.
* [fast.ai](https://www.fast.ai/) - Practical Deep Learning for Coders.
* [fast.ai again](https://fast.ai) - same link.
* [No link here](../relative)

## Papers

* [Understanding LSTMs](http://colah.github.io/posts/2015-08-Understanding-LSTMs/index.html)
* [Attention Is All You Need](https://arxiv.org/pdf/1706.03762v5.pdf)
"""

CATALOG = [
    Resource(
        id="machine-learning-andrew-ng-coursera",
        title="Machine Learning (Andrew Ng, Coursera)",
        kind="course",
        level="beginner",
        topics=("ml-basics",),
        url="https://www.coursera.org/learn/machine-learning/home/info",
    ),
    Resource(
        id="understanding-lstm-networks",
        title="Understanding LSTM Networks",
        kind="blog",
        level="intermediate",
        topics=("rnn",),
        url="https://colah.github.io/posts/2015-08-Understanding-LSTMs/",
    ),
]


def test_added_merged_skipped() -> None:
    result = import_awesome_list(LIST, "awesome.md", {"version": 1}, CATALOG)
    assert result.added == ["fast-ai", "attention-is-all-you-need"]
    assert result.merged == ["machine-learning-andrew-ng-coursera", "understanding-lstm-networks"]
    assert len(result.skipped) == 2
    assert any("repeats" in s for s in result.skipped)
    assert any("no usable" in s for s in result.skipped)
    entries = result.curation["entries"]
    assert entries["understanding-lstm-networks"]["extra_sources"] == [
        {"document": "awesome.md", "section": "Papers"}
    ]
    (attention,) = [e for e in result.curation["added"] if e["id"] == "attention-is-all-you-need"]
    assert attention["url"] == "https://arxiv.org/abs/1706.03762"
    assert attention["kind"] == "paper" and attention["level"] == "advanced"
    fast = result.curation["added"][0]
    assert fast["description"] == "Practical Deep Learning for Coders."


def test_import_is_idempotent_and_round_trips() -> None:
    first = import_awesome_list(LIST, "awesome.md", {"version": 1}, CATALOG)
    text = dump_curation(first.curation)
    parse_curation(text)  # valid curation
    again = import_awesome_list(LIST, "awesome.md", first.curation, CATALOG)
    assert again.added == []
    assert set(again.merged) == {
        "machine-learning-andrew-ng-coursera",
        "understanding-lstm-networks",
        "fast-ai",
        "attention-is-all-you-need",
    }
    assert again.curation == first.curation  # no duplicate sources


def test_aliases_count_as_known() -> None:
    alias = Alias(
        "Understanding LSTM Networks", ("Understanding LSTMs",), ("https://other.org/lstm",)
    )
    listing = "## X\n\n* [LSTM post](https://other.org/lstm)\n"
    result = import_awesome_list(listing, "a.md", {}, CATALOG, [alias])
    assert result.merged == ["understanding-lstm-networks"]


def test_added_entries_are_valid_catalog_entries() -> None:
    result = import_awesome_list(LIST, "awesome.md", {}, CATALOG)
    import yaml

    text = yaml.safe_dump({"version": 1, "resources": result.curation["added"]})
    resources, problems = parse_catalog_text(text)
    assert problems == [] and len(resources) == 2
