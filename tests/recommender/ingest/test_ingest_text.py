"""Title identity, slugs and author names."""

from __future__ import annotations

from recommender.catalog import ID_PATTERN
from recommender.ingest.text import leading_names, slugify, split_names, title_key


def test_title_key_ignores_case_punctuation_hyphens_and_ligatures() -> None:
    assert title_key("Practical Recommendations for GradientBased Training") == title_key(
        "Practical recommendations for Gradient-Based training"
    )
    assert title_key("Rectiﬁed Linear Units") == title_key("Rectified linear units")
    assert title_key("/r/MachineLearning") == title_key("r/MachineLearning")


def test_slugify_is_a_valid_bounded_id() -> None:
    long_title = "Learning Phrase Representations using RNN Encoder–Decoder " * 3
    slug = slugify(long_title)
    assert len(slug) <= 80 and ID_PATTERN.match(slug)
    assert slugify("Hogwild!: A Lock-Free Approach") == "hogwild-a-lock-free-approach"
    assert slugify("Jürgen's ﬁne notes") == "jurgen-s-fine-notes"


def test_names_split_on_commas_and_and_und_ampersand() -> None:
    assert split_names("Abdel-rahman Mohamed, George Dahl, and Geoffrey Hinton") == [
        "Abdel-rahman Mohamed",
        "George Dahl",
        "Geoffrey Hinton",
    ]
    assert (
        split_names('Josef "Sepp" Hochreiter und Juergen Schmidhuber')[1] == "Juergen Schmidhuber"
    )
    assert split_names("Cho et al") == ["Cho"]
    assert split_names("G. E. Hinton and R. R. Salakhutdinov.") == [
        "G. E. Hinton",
        "R. R. Salakhutdinov",
    ]


def test_leading_names_stop_at_the_affiliation() -> None:
    assert leading_names("Pedro Domingos, University of Washington") == ["Pedro Domingos"]
    assert leading_names("MIT Press") == []
    assert leading_names("Patrick van der Smagt") == ["Patrick van der Smagt"]
