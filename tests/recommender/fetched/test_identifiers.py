"""What a member typed: arXiv ids and links, DOIs, pages, and things that are no link."""

from __future__ import annotations

import pytest

from recommender.fetched.details import details
from recommender.fetched.identifiers import (
    ArxivLink,
    DoiLink,
    PageLink,
    arxiv_id,
    doi,
    identity,
    read_link,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2101.00001", "2101.00001"),
        ("2101.00001v2", "2101.00001"),
        ("1706.03762", "1706.03762"),
        ("arXiv:1706.03762v5", "1706.03762"),
        (" ARXIV: 1706.03762 ", "1706.03762"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.AG/0309136", "math.ag/0309136"),
        ("https://arxiv.org/abs/1706.03762", "1706.03762"),
        ("http://arxiv.org/abs/1706.03762v7", "1706.03762"),
        ("https://arxiv.org/pdf/1706.03762v2.pdf", "1706.03762"),
        ("https://arxiv.org/pdf/1706.03762", "1706.03762"),
        ("https://www.arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://export.arxiv.org/abs/2101.00001?context=cs", "2101.00001"),
        ("https://arxiv.org/abs/1706.03762#section", "1706.03762"),
    ],
)
def test_arxiv_ids_lose_their_version(text: str, expected: str) -> None:
    assert arxiv_id(text) == expected
    assert read_link(text) == ArxivLink(expected)


@pytest.mark.parametrize(
    "text",
    [
        "170.03762",
        "1706.037",
        "https://arxiv.org.evil.com/abs/1706.03762",
        "hello",
        "",
        "x" * 10_000,
    ],
)
def test_not_arxiv(text: str) -> None:
    assert arxiv_id(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1038/nature14539", "10.1038/nature14539"),
        ("10.1038/NATURE14539", "10.1038/nature14539"),
        ("doi:10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
        ("https://doi.org/10.1145/3065386", "10.1145/3065386"),
        ("http://dx.doi.org/10.1145/3065386", "10.1145/3065386"),
        (
            "https://doi.org/10.1002/(SICI)1097-4571%28199009%2941",
            "10.1002/(sici)1097-4571(199009)41",
        ),
    ],
)
def test_dois_are_lowercased(text: str, expected: str) -> None:
    assert doi(text) == expected
    assert read_link(text) == DoiLink(expected)


def test_an_arxiv_doi_is_read_from_arxiv() -> None:
    assert read_link("10.48550/arXiv.1706.03762") == ArxivLink("1706.03762")


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "../relative/path",
        "just some words",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\x00",
        "http://[::1",
        "",
    ],
)
def test_no_usable_link(text: str) -> None:
    assert read_link(text) is None


def test_pages_keep_their_url() -> None:
    url = "https://colah.github.io/posts/2015-08-Understanding-LSTMs/"
    assert read_link(url) == PageLink(url)
    assert read_link("https://doi.org.evil.com/10.1/x") == PageLink(
        "https://doi.org.evil.com/10.1/x"
    )


def test_api_urls() -> None:
    assert ArxivLink("hep-th/9901001").api_url.endswith("id_list=hep-th/9901001")
    assert DoiLink("10.1/a b").api_url == "https://api.crossref.org/works/10.1/a%20b"


def test_identity_keys_match_across_spellings() -> None:
    typed = identity(details(title="Attention Is All You Need!", arxiv_id="1706.03762"))
    catalog = identity(
        details(title="attention is all you need", url="https://arxiv.org/abs/1706.03762")
    )
    pdf = identity(details(url="http://arxiv.org/pdf/1706.03762v3.pdf"))
    assert typed.arxiv_id == catalog.arxiv_id == pdf.arxiv_id == "1706.03762"
    assert typed.title_key == catalog.title_key == "attention is all you need"
    assert typed.url_key == catalog.url_key == "arxiv:1706.03762"
    assert typed.keys() & catalog.keys() & pdf.keys()


def test_identity_of_a_doi_link_and_a_page() -> None:
    by_link = identity(details(url="https://doi.org/10.1038/NATURE14539"))
    assert by_link.doi == "10.1038/nature14539"
    page = identity(details(title="Ünïcode — Title", url="https://www.Example.org/a/index.html"))
    assert page.url_key == "example.org/a"
    assert page.title_key == "unicode title"
    assert page.keys() == {"url:example.org/a", "title:unicode title"}
    assert identity(details()).keys() == frozenset()
