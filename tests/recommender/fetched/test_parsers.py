"""arXiv Atom, Crossref JSON and HTML meta tags, on real-shaped answers and on garbage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.fetched.arxiv import parse_arxiv_atom
from recommender.fetched.crossref import parse_crossref_work
from recommender.fetched.html_meta import parse_html_meta

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_arxiv_entry() -> None:
    found = parse_arxiv_atom(sample("arxiv_entry.xml").encode())
    assert found is not None
    assert found.title == "Attention Is All You Need"
    assert found.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert found.year == 2017
    assert found.arxiv_id == "1706.03762"
    assert found.url == "https://arxiv.org/abs/1706.03762"
    assert found.kind == "paper"
    assert found.description is not None
    assert found.description.startswith("The dominant sequence transduction models")
    assert "\n" not in found.description


def test_arxiv_old_style_entry_with_doi() -> None:
    found = parse_arxiv_atom(sample("arxiv_old_style.xml"))
    assert found is not None
    assert found.arxiv_id == "hep-th/9901001"
    assert found.title == "Holography and the Large N Limit"
    assert found.doi == "10.1000/xyz.123"
    assert found.year == 1999


@pytest.mark.parametrize(
    "data",
    [
        sample("arxiv_error.xml"),
        "",
        "not xml at all",
        "<feed xmlns='http://www.w3.org/2005/Atom'></feed>",
        "<html><body>Atom?</body></html>",
        b"\xff\xfe\x00garbage\x00",
        # an entity-expansion bomb must be refused, not expanded
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol2;</title></entry></feed>',
        # an external entity must not be read
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title></entry></feed>',
    ],
)
def test_arxiv_garbage_is_none(data: str | bytes) -> None:
    assert parse_arxiv_atom(data) is None


def test_crossref_work() -> None:
    found = parse_crossref_work(sample("crossref_work.json"))
    assert found is not None
    assert found.title == "Deep learning"
    assert found.authors == ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton")
    assert found.year == 2015
    assert found.doi == "10.1038/nature14539"
    assert found.url == "https://doi.org/10.1038/nature14539"
    assert found.kind == "paper"
    assert found.description is not None
    assert found.description.startswith("Deep learning allows computational models")
    assert "jats" not in found.description


def test_crossref_odd_shapes() -> None:
    work = json.loads(sample("crossref_work.json"))
    message = work["message"]
    message.update(
        {
            "title": [],
            "author": ["x", {"name": "A Consortium"}, None],
            "published-print": {"date-parts": [[None]]},
            "type": ["book"],
            "subtitle": "ignored without a title",
        }
    )
    found = parse_crossref_work(json.dumps(work))
    assert found is not None
    assert found.title is None and found.doi == "10.1038/nature14539"
    assert found.authors == ("A Consortium",)
    assert found.year == 2015  # published-online
    assert found.kind is None


@pytest.mark.parametrize(
    "data",
    [
        "",
        "{",
        "[]",
        '{"status": "ok"}',
        '{"message": "Resource not found."}',
        '{"message": {}}',
        "[" * 100_000,
    ],
)
def test_crossref_garbage_is_none(data: str) -> None:
    assert parse_crossref_work(data) is None


def test_html_citation_tags_win() -> None:
    url = "https://jmlr.org/papers/v15/srivastava14a.html"
    found = parse_html_meta(sample("paper_page.html"), url)
    assert found is not None
    assert found.title == "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"
    assert found.authors == ("Srivastava, Nitish", "Hinton, Geoffrey", "Krizhevsky, Alex")
    assert found.year == 2014
    assert found.doi == "10.5555/2627435.2670313"
    assert found.kind == "paper"
    assert found.url == url
    assert found.description is not None and found.description.startswith("Deep neural nets")


def test_html_opengraph_and_hostile_bits() -> None:
    url = "https://colah.github.io/posts/2015-08-Understanding-LSTMs/"
    found = parse_html_meta(sample("blog_page.html"), url)
    assert found is not None
    assert found.title == "Understanding LSTM Networks"
    assert found.description == "Humans don't start their thinking from scratch every second."
    assert found.authors == ("Christopher Olah",)
    assert found.kind == "blog"
    assert found.url == url  # not the og:url javascript: link


def test_html_title_only_and_broken_markup() -> None:
    page = (
        "<html><head><title>  My <Course>\n Notes </title><meta name=description content='Week 1'"
    )
    found = parse_html_meta(page, "https://example.org/")
    assert found is not None
    assert found.title == "My Notes"
    assert found.kind == "website"


@pytest.mark.parametrize(
    "page",
    ["", "<html><body>no head</body></html>", "\x00\x01\x02" * 1000, "<title></title>", "<<<>>>"],
)
def test_html_without_title_is_none(page: str) -> None:
    assert parse_html_meta(page, "https://example.org/") is None


def test_html_huge_and_many_tags_stay_bounded() -> None:
    page = (
        "<title>"
        + "A" * 5_000_000
        + "</title>"
        + "<meta name='citation_author' content='X'>" * 100_000
    )
    found = parse_html_meta(page, "https://example.org/")
    assert found is not None
    assert found.title is not None and len(found.title) <= 300
    assert found.authors == ("X",)


def test_html_javascript_page_url_is_dropped() -> None:
    found = parse_html_meta("<title>T</title>", "javascript:alert(1)")
    assert found is not None and found.url is None
