"""Which catalog entry a suggestion duplicates: the strongest shared key wins."""

from __future__ import annotations

from bot.service.addition_rules import IdentityIndex
from recommender.fetched.details import details
from recommender.fetched.identifiers import identity
from recommender.resource import Resource

BOOK = Resource(
    id="deep-learning-book",
    title="Deep Learning",
    kind="book",
    level="advanced",
    topics=("deep-learning",),
    url="http://www.deeplearningbook.org/",
)
REVIEW = Resource(
    id="deep-learning-review",
    title="Deep Learning (review in Nature)",
    kind="paper",
    level="advanced",
    topics=("deep-learning",),
    url="https://www.nature.com/articles/nature14539",
)


def test_a_link_beats_a_title_shared_by_another_work() -> None:
    """Crossref names the Nature review "Deep learning", the book's title: its link is the
    review's, so the review is the duplicate, not the book."""
    fetched = details(
        title="Deep learning",
        url="https://www.nature.com/articles/nature14539",
        doi="10.1038/nature14539",
    )
    for order in ([BOOK, REVIEW], [REVIEW, BOOK]):
        assert IdentityIndex(order).find(identity(fetched)) == REVIEW


def test_a_title_alone_still_finds_the_entry() -> None:
    fetched = details(title="Deep  learning", url="https://example.org/somewhere-else")
    assert IdentityIndex([BOOK, REVIEW]).find(identity(fetched)) == BOOK
    assert IdentityIndex([REVIEW]).find(identity(details(title="Unrelated"))) is None


NATURE_REVIEW = details(
    title="Deep learning",
    authors=["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"],
    year=2015,
    doi="10.1038/nature14539",
    url="https://doi.org/10.1038/nature14539",
    kind="paper",
)
GOODFELLOW = Resource(
    id="deep-learning-book",
    title="Deep Learning",
    kind="book",
    level="advanced",
    topics=("deep-learning",),
    url="http://www.deeplearningbook.org/",
    authors=("Ian Goodfellow", "Yoshua Bengio", "Aaron Courville"),
    year=2016,
)


def test_a_shared_title_is_not_a_duplicate_when_the_facts_disagree() -> None:
    """Crossref's answer for the Nature review's DOI is a paper titled "Deep learning"; the
    catalog's "Deep Learning" is a book (a shared author, a year apart): two works."""
    index = IdentityIndex([GOODFELLOW])
    assert index.find(identity(NATURE_REVIEW)) == GOODFELLOW  # keys alone cannot tell
    assert index.find(identity(NATURE_REVIEW), NATURE_REVIEW) is None
    # years far apart, or no author in common, also make two works
    old = details(title="Deep Learning", year=2009, kind="paper")
    assert index.find(identity(old), old) is None
    others = details(title="Deep Learning", authors=["A. Nother"], kind="book")
    assert index.find(identity(others), others) is None


def test_a_shared_title_with_agreeing_facts_is_the_same_work() -> None:
    index = IdentityIndex([GOODFELLOW])
    same = details(title="Deep learning", authors=["I. Goodfellow"], year=2016, kind="book")
    assert index.find(identity(same), same) == GOODFELLOW
    # a page's guessed kind (website) or missing facts decide nothing: still a duplicate
    page = details(title="Deep Learning", kind="website")
    assert index.find(identity(page), page) == GOODFELLOW
    # an identifier is enough whatever the facts say
    linked = details(title="Something else", url="http://www.deeplearningbook.org/", year=1990)
    assert index.find(identity(linked), linked) == GOODFELLOW
