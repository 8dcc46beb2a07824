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
