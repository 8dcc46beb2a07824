"""Importing an awesome list into the curation data."""
# ruff: noqa: E501  (test documents keep the long lines of the real sources)

from __future__ import annotations

from typing import Any

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


def nested(depth: int) -> str:
    return "\n".join(
        "  " * d + f"- [Level {d}](https://example.org/level/{d})" for d in range(depth)
    )


def test_every_item_that_is_not_imported_is_listed_as_skipped() -> None:
    listing = (
        "## Links\n\n"
        "* [Script](javascript:alert(document.cookie))\n"
        "* [Inline page](data:text/html;base64,PHNjcmlwdD4=)\n"
        "* [Relative](../elsewhere)\n"
        "* [Beep\x07 \x1bc reset](https://example.org/beep)\n"
        "\n## Deep\n\n" + nested(14) + "\n\n## After\n\n"
        "* [Still read](https://example.org/after) - the list goes on after a deep one.\n"
    )
    result = import_awesome_list(listing, "a.md", {"version": 1}, CATALOG)
    reasons = "\n".join(result.skipped)
    for title in ("Script", "Inline page", "Relative"):
        assert f"{title}: no usable absolute http(s) URL" in reasons
    assert "control characters in the title" in reasons
    deep = [r for r in result.skipped if "nested too deeply" in r]
    assert deep and deep[0].startswith("Level 9: nested too deeply (line ")
    assert len(deep) == 14 - 9
    assert "still-read" in result.added  # what follows a too-deep list is still imported
    assert [a for a in result.added if a.startswith("level-")] == [f"level-{d}" for d in range(9)]
    assert len(result.added) + len(result.skipped) == 4 + 14 + 1


def test_a_page_read_in_chunks_gives_what_one_parse_gives(monkeypatch: Any) -> None:
    from recommender.ingest import markdown_page

    sections = [
        f"## Section {n}\n\n"
        + "\n".join(f"* [Item {n}.{i}][ref-{n}-{i}] - about [{i}]." for i in range(30))
        + "\n\n```\n## not a heading inside a fence\n```\n"
        for n in range(40)
    ]
    references = "\n".join(
        f"[ref-{n}-{i}]: https://example.org/{n}/{i}" for n in range(40) for i in range(30)
    )
    page = "\n".join(sections) + "\n" + references + "\n"
    whole = markdown_page.parse_markdown_page(page, "p")
    monkeypatch.setattr(markdown_page, "CHUNK_LINES", 50)
    chunked = markdown_page.parse_markdown_page(page, "p")
    assert len(whole) == 40 * 30 and chunked == whole
    assert whole[-1].url == "https://example.org/39/29" and whole[-1].section == "Section 39"


def test_writing_a_big_curation_in_slices_is_the_same_text() -> None:
    import io

    import yaml

    from recommender.ingest.curation import BATCH, HEADER, write_curation

    data: dict[str, Any] = {
        "version": 1,
        "aliases": [],
        "entries": {f"e-{i}": {"note": "mot " * (i % 60)} for i in range(BATCH * 2 + 7)},
        "drops": {},
        "added": [
            {"id": f"x-{i}", "title": f"Titre numéro {i} " + "long " * (i % 40)}
            for i in range(BATCH * 3 + 1)
        ],
    }
    out = io.BytesIO()
    write_curation(data, out)
    options: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "width": 100}
    whole = HEADER + yaml.safe_dump(data, default_flow_style=False, **options)
    assert out.getvalue().decode("utf-8") == whole
    assert dump_curation(data) == whole
