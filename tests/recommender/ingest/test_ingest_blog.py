"""The two copies of the "Useful resources" post (003 with URLs, 004 numbered) and their pairing."""
# ruff: noqa: E501  (test documents keep the long lines of the real sources)

from __future__ import annotations

from recommender.ingest.align import align_copies
from recommender.ingest.blog_items import parse_item_text
from recommender.ingest.blog_numbered import parse_blog_numbered
from recommender.ingest.blog_urls import parse_blog_with_urls
from recommender.ingest.build import default_sources_dir

SOURCES = default_sources_dir()

WITH_URLS = """\
Useful resources
 Starting with Machine Learning
 Other
Starting with Machine Learning

http://www.r2d3.us/ A beginner's introduction to machine learning.

Reading lists Explore these and look for the topics you're interested in.

https://www.coursera.org/learn/machinelearning Here is Andrew Ng's most famous MOOC.
General papers

Practical Recommendations for GradientBased Training of Deep Architectures by Y. Bengio (2012).
Learning algorithms may seem to involve many bells and whistles, called hyperparameters.
Other

http://timdettmers.com/ Is Tim's blog with posts about GPUs:
 Which GPU(s) to Get for Deep Learning
 See also his introduction to Deep Learning Part 1 & Part 2
Reading lists
The following are good lists.

http://deeplearning.net/readinglist/ Research-oriented reading list.
"""

NUMBERED = """\
Useful resources: the post

Starting with Machine Learning

  1. A beginner's introduction to machine learning.

  2. Reading lists Explore these and look for the topics you're interested in.

  3. Here is Andrew Ng's most famous MOOC.

General papers

  1. Practical Recommendations for Gradient-Based Training of Deep Architectures by Y. Bengio (2012).

    Learning algorithms may seem to involve many bells and whistles, called hyper-parameters.

  1. Is Tim's blog with posts about GPUs:

Reading lists

The following are good lists.

  1. Research-oriented reading list.
"""


def test_url_items_have_no_title_and_are_lossy() -> None:
    mentions = parse_blog_with_urls(WITH_URLS, "003")
    r2d3 = mentions[0]
    assert (r2d3.title, r2d3.url, r2d3.lossy) == (None, "http://www.r2d3.us/", True)
    assert r2d3.description == "A beginner's introduction to machine learning."
    assert all(m.lossy for m in mentions)


def test_pointer_to_another_section_is_not_an_item() -> None:
    for mentions in (parse_blog_with_urls(WITH_URLS, "003"), parse_blog_numbered(NUMBERED, "004")):
        assert not any((m.description or "").startswith("Reading lists") for m in mentions)


def test_title_line_and_abstract() -> None:
    paper = parse_blog_with_urls(WITH_URLS, "003")[2]
    assert (
        paper.title == "Practical Recommendations for GradientBased Training of Deep Architectures"
    )
    assert (paper.authors, paper.year, paper.kind) == (("Y. Bengio",), 2012, "paper")
    assert paper.description and paper.description.startswith("Learning algorithms")


def test_sub_items_under_a_url_item() -> None:
    mentions = parse_blog_with_urls(WITH_URLS, "003")
    blog = next(m for m in mentions if m.url == "http://timdettmers.com/")
    children = [m for m in mentions if m.parent_position == blog.position]
    assert [c.title for c in children] == [
        "Which GPU(s) to Get for Deep Learning",
        "introduction to Deep Learning Part 1 & Part 2",
    ]


def test_numbered_copy_keeps_hyphens_and_loses_a_heading() -> None:
    mentions = parse_blog_numbered(NUMBERED, "004")
    paper = next(m for m in mentions if m.title)
    assert (
        paper.title == "Practical Recommendations for Gradient-Based Training of Deep Architectures"
    )
    assert "hyper-parameters" in (paper.description or "")
    tim = next(m for m in mentions if (m.description or "").startswith("Is Tim"))
    assert tim.section == ""  # numbering restarted without a heading


def test_alignment_pairs_by_order_and_restores_the_lost_heading() -> None:
    pairs, restored = align_copies(
        parse_blog_with_urls(WITH_URLS, "003"), parse_blog_numbered(NUMBERED, "004")
    )
    urls = {a.url: b for a, b in pairs if a.url}
    assert urls["https://www.coursera.org/learn/machinelearning"].description == (
        "Here is Andrew Ng's most famous MOOC."
    )
    assert urls["http://timdettmers.com/"].section == "Other"
    assert not any(m.section == "" for m in restored)


def test_named_tool_after_a_colon_is_an_item() -> None:
    text = (SOURCES / "useful-resources-numbered.txt").read_text("utf-8")
    mendeley = next(m for m in parse_blog_numbered(text, "004") if m.title == "Mendeley")
    assert mendeley.description == "Free reference manager and PDF organizer."


def test_item_text_patterns() -> None:
    title, authors, _, rest, _ = parse_item_text(
        "Deep Learning Book (Draft) by I. Goodfellow, Y. Bengio and A. Courville. The book is not finished."
    )
    assert (title, authors, rest) == (
        "Deep Learning Book",
        ("I. Goodfellow", "Y. Bengio", "A. Courville"),
        "The book is not finished.",
    )
    title, authors, *_ = parse_item_text(
        "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate "
        "Shift by S. Ioffe and C. Szegedy (2015)"
    )
    assert title.endswith("by Reducing Internal Covariate Shift")
    assert authors == ("S. Ioffe", "C. Szegedy")
    title, authors, *_ = parse_item_text(
        "Also to get a clearer understanding of how LSTMs work, see this nice blog post by "
        "Chris Olah : Understanding LSTM Networks"
    )
    assert (title, authors) == ("Understanding LSTM Networks", ("Chris Olah",))
    assert parse_item_text("A general list on a lot of machine learning fields.")[0] is None


def test_real_copies_pair_up() -> None:
    a = parse_blog_with_urls((SOURCES / "useful-resources-with-urls.txt").read_text("utf-8"), "003")
    b = parse_blog_numbered((SOURCES / "useful-resources-numbered.txt").read_text("utf-8"), "004")
    pairs, _ = align_copies(a, b)
    assert len(a) == 35 and len(b) == 31
    assert len(pairs) == 31  # every 004 item finds its 003 twin
    for x, y in pairs:
        assert x.section == y.section
