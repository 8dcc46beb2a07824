"""URL clean-up and identity: the ways the documents write one link."""

from __future__ import annotations

import pytest

from recommender.ingest.urls import arxiv_id, clean_url, url_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cs231n.github.io", "http://cs231n.github.io"),
        (
            "class.coursera.org/neuralnets-2012-001/lecture",
            "http://class.coursera.org/neuralnets-2012-001/lecture",
        ),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("http://arxiv.org/pdf/1506.05869v3.pdf", "https://arxiv.org/abs/1506.05869"),
        ("http://arxiv.org/abs/1206.5533", "https://arxiv.org/abs/1206.5533"),
    ],
)
def test_clean_url_repairs_what_a_reader_needs(raw: str, expected: str) -> None:
    assert clean_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["../opndata", "", "notes.html", "ftp://x.org/a", "http://a b.org", None]
)
def test_clean_url_refuses_what_is_not_a_link(raw: str | None) -> None:
    assert clean_url(raw) is None


def test_url_key_equates_scheme_www_index_and_trailing_slash() -> None:
    a = url_key("https://colah.github.io/posts/2015-08-Understanding-LSTMs/")
    b = url_key("http://www.colah.github.io/posts/2015-08-Understanding-LSTMs/index.html")
    assert a == b
    assert url_key("http://cs231n.github.io") == url_key("cs231n.github.io/")


def test_url_key_equates_arxiv_versions_and_abs_pdf() -> None:
    v1 = url_key("http://arxiv.org/pdf/1506.05869v1.pdf")
    v3 = url_key("http://arxiv.org/pdf/1506.05869v3.pdf")
    assert v1 == v3 == url_key("https://arxiv.org/abs/1506.05869") == "arxiv:1506.05869"
    assert arxiv_id("http://arxiv.org/pdf/1402.3722v1.pdf") == "1402.3722"


def test_url_key_keeps_different_pages_apart() -> None:
    assert url_key("http://cs231n.github.io") != url_key("http://cs231n.stanford.edu/syllabus.html")
    assert url_key("https://a.org/x?id=1") != url_key("https://a.org/x?id=2")
