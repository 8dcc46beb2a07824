"""Hostile text becomes inert: capped, plain, printable; only http(s) links survive."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recommender.fetched.details import (
    MAX_AUTHORS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    clean_text,
    details,
    safe_url,
    year_of,
)


def test_huge_title_is_capped() -> None:
    found = details(title="Attention " * 1_000_000, description="x" * 10_000_000)
    assert found.title is not None and len(found.title) == MAX_TITLE
    assert found.title.endswith("…")
    assert found.description is not None and len(found.description) == MAX_DESCRIPTION


def test_markup_and_control_characters_are_removed() -> None:
    raw = "<b>Deep</b>\x00 Learning\u202e\u200b &lt;script&gt;alert(1)&lt;/script&gt;\r\n\tNow"
    assert clean_text(raw, 100) == "Deep Learning alert(1) Now"


def test_empty_or_non_text_is_none() -> None:
    assert clean_text("  <br> \x07 ", 100) is None
    assert clean_text(42, 100) is None
    assert clean_text(None, 100) is None


def test_authors_are_cleaned_deduplicated_and_capped() -> None:
    found = details(
        authors=["Ada <i>Lovelace</i>", "Ada Lovelace", "", 7, *[f"A{i}" for i in range(200)]]
    )
    assert found.authors[0] == "Ada Lovelace"
    assert found.authors.count("Ada Lovelace") == 1
    assert len(found.authors) == MAX_AUTHORS
    assert details(authors="Not a list").authors == ()


def test_only_http_links_are_kept() -> None:
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "//example.org",
        "http://",
        "https://a b",
        3,
    ):
        assert safe_url(bad) is None
    assert details(url="javascript:alert(1)").url is None
    assert safe_url("https://example.org/" + "a" * 5000) is None


def test_years() -> None:
    assert year_of("2017-06-12T17:57:34Z") == 2017
    assert year_of("2014/06") == 2014
    assert year_of(2016) == 2016
    assert year_of("99999") is None
    assert year_of("0001") is None
    assert year_of(True) is None
    assert year_of("in 2017") is None


@given(st.text(max_size=3000))
def test_any_text_comes_out_printable_and_bounded(text: str) -> None:
    cleaned = clean_text(text, 120)
    if cleaned is not None:
        assert len(cleaned) <= 120
        assert cleaned == cleaned.strip()
        assert "<" not in cleaned or ">" not in cleaned.split("<", 1)[1]
        assert all(c.isprintable() or c == " " for c in cleaned)
