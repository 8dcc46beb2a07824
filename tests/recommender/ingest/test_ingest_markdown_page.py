"""The Deep Learning Resources pages (000/001): Markdown read by a real parser."""
# ruff: noqa: E501  (test documents keep the long lines of the real sources)

from __future__ import annotations

from recommender.ingest.build import default_sources_dir
from recommender.ingest.markdown_page import parse_markdown_page

SOURCES = default_sources_dir()

PAGE = """\
---
title: Deep Learning Resources
layout: default
---

# Deep Learning Resources

## Online Courses

* [Andrej Karpathy's Convolutional Neural Networks Class at Stanford](cs231n.github.io)
* [Geoff Hinton's Neural Networks Class on Coursera](http://class.coursera.org/nn/lecture) (2012)
* [Deep Learning Course at Udacity](https://www.udacity.com/course/deep-learning--ud730); Vincent Vanhoucke

## Academic Papers and Other Writings

**[How transferable are features in deep neural
networks?](http://arxiv.org/pdf/1411.1792v1.pdf)**; Jason Yosinski, Jeff Clune, Yoshua Bengio and Hod Lipson

**[Deep Belief Networks for phone recognition](http://www.cs.utoronto.ca/~gdahl/p.pdf)**; Abdel-rahman Mohamed, George Dahl, and Geoffrey Hinton; Department of Computer Science, University of Toronto

**[Algorithms for Reinforcement Learning](http://www.ualberta.ca/~szepesva/RL.pdf);** Csaba Szepesvári

**[A Tutorial on Support Vector Machines for Pattern Recognition](http://research.microsoft.com/svm.pdf)

## Thought Vectors

**[Distributed Representations of Sentences and Documents](http://cs.stanford.edu/~quocle/pv.pdf)
[Le](https://scholar.google.com/citations?user=x)**; Mikolov. 2014.  Introduces Paragraph Vector.

## Advanced Memory Architectures
**[Inferring Algorithmic Patterns with Stack-Augmented Recurrent Nets](http://arxiv.org/pdf/1503.01007v4.pdf)**; Joulin, Mikolov 2015. [Stack RNN source code](https://github.com/facebook/Stack-RNN)

## Other Resources

* [Open Data for Deep Learning](../opndata)
"""


def _by_title(text: str) -> dict[str, object]:
    return {m.title: m for m in parse_markdown_page(text, "page")}


def test_front_matter_is_not_a_section() -> None:
    mentions = parse_markdown_page(PAGE, "page")
    assert {m.section for m in mentions} == {
        "Online Courses",
        "Academic Papers and Other Writings",
        "Thought Vectors",
        "Advanced Memory Architectures",
        "Other Resources",
    }


def test_scheme_less_and_relative_links() -> None:
    mentions = {m.title: m for m in parse_markdown_page(PAGE, "page")}
    karpathy = mentions["Andrej Karpathy's Convolutional Neural Networks Class at Stanford"]
    assert karpathy.url == "http://cs231n.github.io"
    assert karpathy.kind == "course"
    assert mentions["Open Data for Deep Learning"].url is None


def test_title_wrapped_over_two_lines_is_one_title() -> None:
    mentions = {m.title: m for m in parse_markdown_page(PAGE, "page")}
    paper = mentions["How transferable are features in deep neural networks?"]
    assert paper.url == "https://arxiv.org/abs/1411.1792"
    assert paper.authors == ("Jason Yosinski", "Jeff Clune", "Yoshua Bengio", "Hod Lipson")


def test_authors_year_and_notes_from_the_tail() -> None:
    mentions = {m.title: m for m in parse_markdown_page(PAGE, "page")}
    assert mentions["Geoff Hinton's Neural Networks Class on Coursera"].year == 2012
    assert mentions["Deep Learning Course at Udacity"].authors == ("Vincent Vanhoucke",)
    dbn = mentions["Deep Belief Networks for phone recognition"]
    assert dbn.authors == ("Abdel-rahman Mohamed", "George Dahl", "Geoffrey Hinton")
    assert mentions["Algorithms for Reinforcement Learning"].authors == ("Csaba Szepesvári",)
    pv = mentions["Distributed Representations of Sentences and Documents"]
    assert pv.authors == ("Le", "Mikolov") and pv.year == 2014
    assert pv.description == "Introduces Paragraph Vector."


def test_inline_links_after_the_item_are_not_resources_nor_descriptions() -> None:
    mentions = parse_markdown_page(PAGE, "page")
    titles = [m.title for m in mentions]
    assert "Le" not in titles and "Stack RNN source code" not in titles
    stack = next(m for m in mentions if m.title and m.title.startswith("Inferring"))
    assert stack.description is None
    assert stack.authors == ("Joulin", "Mikolov")


def test_unclosed_emphasis_still_yields_the_item() -> None:
    titles = [m.title for m in parse_markdown_page(PAGE, "page")]
    assert "A Tutorial on Support Vector Machines for Pattern Recognition" in titles


def test_real_pages_item_counts() -> None:
    v2 = parse_markdown_page((SOURCES / "dl-resources-page-v2.md").read_text("utf-8"), "v2")
    v1 = parse_markdown_page((SOURCES / "dl-resources-page-v1.md").read_text("utf-8"), "v1")
    assert len(v2) == 132 and len(v1) == 105
    assert all(m.title for m in v2 + v1)
    assert sum(1 for m in v1 if m.url is None) == 0  # v1's scheme-less links are repaired
