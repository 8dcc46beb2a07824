"""BibTeX, CSL-JSON (Zotero) and awesome-list files, read to details."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.fetched.files import parse_awesome_list, parse_bibtex, parse_csl_json
from recommender.fetched.identifiers import identity

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_bibtex() -> None:
    found = parse_bibtex(sample("refs.bib"))
    assert [f.title for f in found] == [
        "Attention Is All You Need",
        "Deep Residual Learning for Image Recognition",
        "Deep Learning",
        "Deep Learning in Neural Networks: An Overview of Schutze's ideas",
    ]
    attention, resnet, book, misc = found
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert attention.arxiv_id == "1706.03762"
    assert attention.year == 2017 and attention.kind == "paper"
    assert resnet.doi == "10.1109/cvpr.2016.90"
    assert resnet.url is not None and resnet.url.startswith("https://openaccess.thecvf.com/")
    assert book.kind == "book" and book.authors[0] == "Ian Goodfellow"
    assert misc.url is None  # a javascript: url is dropped
    assert misc.authors == ("Jurgen Schmidhuber",)


@pytest.mark.parametrize(
    "text", ["", "@article{", "garbage \x00\x01", "@misc{a, title={" + "{" * 5000 + "}"]
)
def test_bibtex_garbage(text: str) -> None:
    assert isinstance(parse_bibtex(text), list)


def test_csl_json() -> None:
    found = parse_csl_json(sample("zotero.json"))
    assert [f.title for f in found] == [
        "Generative Adversarial Nets",
        "The Illustrated Transformer",
        "ImageNet Classification with Deep Convolutional Neural Networks",
    ]
    gan, blog, alexnet = found
    assert gan.authors == ("Ian Goodfellow", "Jean Pouget-Abadie")
    assert gan.year == 2014 and gan.arxiv_id == "1406.2661" and gan.kind == "paper"
    assert identity(gan).url_key == "arxiv:1406.2661"
    assert blog.authors == ("Jay Alammar",) and blog.kind == "website" and blog.year == 2018
    assert alexnet.doi == "10.1145/3065386" and alexnet.year == 2012


def test_csl_json_single_item_and_garbage() -> None:
    assert [f.title for f in parse_csl_json('{"title": "One", "type": "book"}')] == ["One"]
    for text in ("", "{", "42", "[null, 1, []]", '{"title": 5}'):
        assert parse_csl_json(text) == []


def test_awesome_list_reuses_the_ingest_parser() -> None:
    found = parse_awesome_list(sample("awesome.md"))
    titles = [f.title for f in found]
    assert titles[:3] == [
        "Deep Residual Learning for Image Recognition",
        "Sequence to Sequence Learning with Neural Networks",
        "CS231n: Convolutional Neural Networks for Visual Recognition",
    ]
    assert found[0].arxiv_id == "1512.03385"
    assert found[0].url == "https://arxiv.org/abs/1512.03385"
    assert found[2].url == "http://cs231n.stanford.edu/"
    assert all(f.url is None or f.url.startswith("http") for f in found)
