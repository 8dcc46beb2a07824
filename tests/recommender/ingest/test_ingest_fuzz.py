"""Every parser, the curation reader and the catalog validator survive arbitrary text."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.catalog import validate_text
from recommender.ingest.blog_numbered import parse_blog_numbered
from recommender.ingest.blog_urls import parse_blog_with_urls
from recommender.ingest.curation import CurationError, parse_curation
from recommender.ingest.guide import parse_guide
from recommender.ingest.markdown_page import parse_markdown_page
from recommender.ingest.urls import clean_url, url_key

# Characters the documents are made of, so that structure (lists, links, stars, numbering)
# actually occurs in the generated text, plus any character at all.
ALPHABET = st.sampled_from(list(" \n\t*#-[]()!:;.,_1234567890aAbBzZ★\"'’/…–")) | st.characters()
TEXT = st.text(alphabet=ALPHABET, max_size=400)
PARSERS = [parse_markdown_page, parse_guide, parse_blog_with_urls, parse_blog_numbered]


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_parsers_never_crash(parser: object, text: str) -> None:
    mentions = parser(text, "doc")  # type: ignore[operator]
    for mention in mentions:
        assert mention.document == "doc"
        assert mention.title is None or mention.title.strip()
        assert mention.stars in (None, 1, 2, 3)


@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_url_functions_never_crash(text: str) -> None:
    cleaned = clean_url(text)
    assert cleaned is None or cleaned.startswith(("http://", "https://"))
    url_key(text)


@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_validator_and_curation_reader_never_crash(text: str) -> None:
    validate_text(text)
    with contextlib.suppress(CurationError):
        parse_curation(text)
