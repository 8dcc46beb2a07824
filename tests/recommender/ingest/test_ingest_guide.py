"""The study guide (002): sentences, star ratings, chapters, framework paragraphs."""

from __future__ import annotations

from recommender.ingest.build import default_sources_dir
from recommender.ingest.guide import cut_title, parse_guide, split_stars

SOURCES = default_sources_dir()


def _guide() -> dict[str, object]:
    text = (SOURCES / "guide-to-deep-learning.txt").read_text("utf-8")
    return {m.title: m for m in parse_guide(text, "guide")}


def test_stars_are_counted_and_removed() -> None:
    assert split_stars(" Scipy lecture notes - cover libraries ★★") == (
        "Scipy lecture notes - cover libraries",
        2,
    )
    assert split_stars(" Arxiv Sanity Preserver is a nice UI.") == (
        "Arxiv Sanity Preserver is a nice UI.",
        None,
    )


def test_title_is_cut_out_of_the_sentence() -> None:
    title, authors, kind, description = cut_title(
        "Michael Nielsen's online book Neural networks and deep learning is the easiest way "
        "to study neural networks."
    )
    assert (title, authors, kind) == (
        "Neural networks and deep learning",
        ("Michael Nielsen",),
        "book",
    )
    assert description and description.startswith("Michael Nielsen's online book")
    title, authors, kind, _ = cut_title(
        "Deep learning, a book by Ian Goodfellow, Yoshua Bengio and Aaron Courville, is the "
        "most comprehensive resource for studying deep learning."
    )
    assert title == "Deep learning" and kind == "book"
    assert authors == ("Ian Goodfellow", "Yoshua Bengio", "Aaron Courville")
    assert cut_title("Image Kernels explained visually - shows how filters work")[0] == (
        "Image Kernels explained visually"
    )
    assert cut_title(
        "Hugo Larochelle's course doesn't cover RNNs. We suggest watching Recurrent Neural "
        "Nets and LSTMs by Nando de Freitas to fill the gap"
    )[:2] == ("Recurrent Neural Nets and LSTMs", ("Nando de Freitas",))


def test_ratings_become_levels_later_and_chapters_keep_their_number() -> None:
    guide = _guide()
    assert guide["Neural networks and deep learning"].stars == 1
    assert guide["Deep learning"].stars == 3
    chapter = guide["Setting up the data and loss"]
    assert chapter.chapter == "6 (first half)" and chapter.stars == 2
    assert guide["Linear Factor Models"].chapter == "13"
    assert guide["Why are deep neural networks hard to train?"].chapter == "5"


def test_framework_paragraphs_are_resources() -> None:
    guide = _guide()
    for name in ("Theano", "TensorFlow", "Torch", "Lasagne", "Keras"):
        assert guide[name].kind == "website" and guide[name].section == "Frameworks"
    # the "See also:" inside the Theano paragraph is its own rated item
    assert guide["Speeding up your neural network with Theano and the GPU"].stars == 1


def test_remarks_are_not_resources_but_unrated_research_items_are() -> None:
    guide = _guide()
    assert not any(str(t).startswith("Larochelle's course") for t in guide)
    assert guide["Arxiv Sanity Preserver"].section == "Following research"
    assert guide["/r/MachineLearning"].stars is None
    assert len(guide) == 49


def test_an_item_with_nothing_title_like_is_skipped() -> None:
    # Found by hypothesis: a line of only punctuation once became a mention with no title.
    assert parse_guide(" .", "guide") == []
