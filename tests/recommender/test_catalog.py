"""Catalog loading and validation: every problem is named with its entry id or line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.catalog import (
    Catalog,
    CatalogError,
    dump_catalog,
    load_catalog,
    parse_catalog_text,
    validate_text,
)
from recommender.resource import Resource, SourceRef

GOOD = """\
version: 1
resources:
- id: dropout
  title: "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"
  url: https://jmlr.org/papers/v15/srivastava14a.html
  authors: [Nitish Srivastava, Geoffrey Hinton]
  year: 2014
  kind: paper
  topics: [regularization]
  level: advanced
  level_source: curated
- id: nielsen-book
  title: Neural Networks and Deep Learning
  url: null
  kind: book
  topics: [neural-networks]
  level: beginner
  level_source: rating
  prerequisites: []
"""


def test_good_catalog_parses() -> None:
    resources, problems = parse_catalog_text(GOOD)
    assert problems == []
    assert [r.id for r in resources] == ["dropout", "nielsen-book"]
    assert resources[0].authors == ("Nitish Srivastava", "Geoffrey Hinton")
    assert resources[1].url is None


def test_every_problem_is_named() -> None:
    bad = GOOD.replace("kind: book", "kind: podcast").replace("level: advanced", "level: hard")
    bad += """\
- id: dropout
  title: ""
  url: www.example.com/no-scheme
  kind: paper
  topics: [quantum-poetry]
  level: beginner
- title: no id here
  kind: paper
  topics: [rnn]
  level: beginner
"""
    messages = [str(p) for p in validate_text(bad)]
    assert any(m.startswith("nielsen-book: unknown kind 'podcast'") for m in messages)
    assert any(m.startswith("dropout: unknown level 'hard'") for m in messages)
    assert any("dropout: duplicate id" in m for m in messages)
    assert any("malformed URL" in m for m in messages)
    assert any("unknown topic 'quantum-poetry'" in m for m in messages)
    assert any(m.startswith("line ") and "missing id" in m for m in messages)


def test_invalid_yaml_names_the_line() -> None:
    problems = validate_text("version: 1\nresources:\n- id: a\n  title: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].where.startswith("line ")
    assert "invalid YAML" in problems[0].message


def test_load_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "nope.yaml")
    corrupt = tmp_path / "catalog.yaml"
    corrupt.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_catalog(corrupt)


def test_dump_round_trips_and_is_deterministic() -> None:
    resources, _ = parse_catalog_text(GOOD)
    extra = Resource(
        id="x",
        title="X",
        kind="blog",
        level="beginner",
        topics=("rnn",),
        sources=(SourceRef("guide", "RNNs"),),
    )
    text = dump_catalog([*resources, extra])
    assert text == dump_catalog([*resources, extra])
    again, problems = parse_catalog_text(text)
    assert problems == []
    assert again == [*resources, extra]
    assert Catalog(again).content_hash == Catalog([*resources, extra]).content_hash


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_validator_never_crashes_on_text(text: str) -> None:
    problems = validate_text(text)
    assert all(p.where and p.message for p in problems)


yaml_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "kind",
                    "topics",
                    "level",
                    "url",
                    "year",
                    "authors",
                    "sources",
                    "extra",
                ]
            ),
            yaml_values,
            max_size=8,
        ),
        max_size=4,
    )
)
def test_validator_never_crashes_on_structures(entries: list[dict[str, object]]) -> None:
    import yaml

    text = yaml.safe_dump({"version": 1, "resources": entries})
    validate_text(text)


# --- provenance fields: origin, authors_complete, historical, former_ids ---------------------

PROVENANCE = """\
version: 1
resources:
- id: nyu-course
  title: Yann LeCun's NYU Course
  kind: course
  topics: [deep-learning]
  level: intermediate
  origin: seed
  former_ids: [nyu-couse]
- id: attention
  title: Attention Is All You Need
  authors: [Ashish Vaswani, Noam Shazeer]
  authors_complete: false
  kind: paper
  topics: [transformers]
  level: advanced
  origin: curated
- id: theano
  title: Theano
  kind: website
  topics: [frameworks]
  level: intermediate
  historical: development stopped in 2017
"""


def test_provenance_fields_parse_and_round_trip() -> None:
    resources, problems = parse_catalog_text(PROVENANCE)
    assert problems == []
    course, paper, theano = resources
    assert course.origin == "seed" and course.former_ids == ("nyu-couse",)
    assert paper.origin == "curated" and not paper.authors_complete
    assert theano.origin == "seed" and theano.historical == "development stopped in 2017"
    assert theano.authors_complete  # the normal case needs no field
    again, _ = parse_catalog_text(dump_catalog(resources))
    assert again == resources
    assert "authors_complete" not in dump_catalog([theano])


def test_a_renamed_resource_is_found_by_its_former_id() -> None:
    catalog = Catalog(parse_catalog_text(PROVENANCE)[0])
    assert catalog.by_id("nyu-couse") is catalog.by_id("nyu-course") is not None
    assert "nyu-couse" not in catalog.ids()


def test_byline_says_et_al_for_a_partial_author_list() -> None:
    course, paper, _ = parse_catalog_text(PROVENANCE)[0]
    assert paper.byline == "Ashish Vaswani, Noam Shazeer et al."
    assert course.byline == ""
    three = Resource("x", "X", "paper", "advanced", ("ai",), authors=("A", "B", "C"))
    assert three.byline == "A, B and C"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("origin: curated", "origin: invented"), "unknown origin"),
        (("authors_complete: false", "authors_complete: maybe"), "authors_complete must be"),
        (("historical: development stopped in 2017", "historical: ''"), "historical must be"),
        (("former_ids: [nyu-couse]", "former_ids: [theano]"), "former id 'theano' is taken"),
        (("former_ids: [nyu-couse]", "former_ids: [Not A Slug]"), "former_ids must be"),
    ],
)
def test_provenance_problems_are_named(change: tuple[str, str], message: str) -> None:
    problems = validate_text(PROVENANCE.replace(*change))
    assert any(message in str(p) for p in problems), problems


def test_partial_author_list_needs_authors() -> None:
    text = PROVENANCE.replace("  authors: [Ashish Vaswani, Noam Shazeer]\n", "")
    assert any("no authors" in str(p) for p in validate_text(text))
