"""The catalog schema's messages: each mistake in a curator's words, without a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from recommender import catalog, schema
from recommender.schema import FIELD_PROBLEMS, FIELDS, REQUIRED_FIELDS, SchemaProblem
from recommender.vocabulary import KINDS

GOOD: dict[str, Any] = {
    "id": "dropout",
    "title": "Dropout",
    "kind": "paper",
    "topics": ["regularization"],
    "level": "advanced",
}


def messages(**changes: Any) -> list[str]:
    entry = {**GOOD, **changes}
    return schema.entry_problems({k: v for k, v in entry.items() if v is not REMOVE})


REMOVE = object()


def test_the_model_declares_the_files_fields_in_order() -> None:
    assert FIELDS == (
        "id",
        "title",
        "url",
        "authors",
        "year",
        "kind",
        "topics",
        "level",
        "level_source",
        "description",
        "description_source",
        "prerequisites",
        "sources",
        "origin",
        "authors_complete",
        "historical",
        "alternative_url",
        "former_ids",
    )
    assert REQUIRED_FIELDS == ("id", "title", "kind", "topics", "level")
    assert set(FIELD_PROBLEMS) == set(FIELDS)
    assert catalog.FIELDS is FIELDS and catalog.ID_PATTERN is schema.ID_PATTERN
    assert tuple(schema.CatalogEntry.model_fields) == FIELDS  # the model declares them all
    required = [n for n, f in schema.CatalogEntry.model_fields.items() if f.is_required()]
    assert tuple(required) == REQUIRED_FIELDS


def test_a_good_entry_and_every_optional_field_set_or_null() -> None:
    assert messages() == []
    full = {
        "url": "https://jmlr.org/papers/v15/srivastava14a.html",
        "authors": ["Nitish Srivastava"],
        "year": 2014,
        "level_source": "rating",
        "description": "Drop units at random.",
        "description_source": "document",
        "prerequisites": ["nn-basics"],
        "sources": [{"document": "guide", "section": "Regularization"}, {"document": "blog"}],
    }
    assert messages(**full) == []
    assert messages(**dict.fromkeys(full)) == []


KIND_LIST = ", ".join(KINDS)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kind": "podcast"}, f"unknown kind 'podcast' (one of: {KIND_LIST})"),
        ({"kind": 5}, f"unknown kind 5 (one of: {KIND_LIST})"),
        ({"level": "hard"}, "unknown level 'hard' (one of: beginner, intermediate, advanced)"),
        ({"level_source": "vibes"}, "unknown level_source 'vibes' (one of: rating, curated)"),
        (
            {"description_source": "ai"},
            "unknown description_source 'ai' (one of: document, curated)",
        ),
        (
            {"id": "Bad_Id"},
            "id 'Bad_Id' is not a lowercase slug (a-z, 0-9, single hyphens, ≤ 80)",
        ),
        (
            {"id": "a" * 81},
            f"id '{'a' * 81}' is not a lowercase slug (a-z, 0-9, single hyphens, ≤ 80)",
        ),
        ({"id": REMOVE}, "missing id"),
        ({"id": ""}, "missing id"),
        ({"title": ""}, "missing title"),
        ({"title": "   "}, "title must be non-empty text"),
        ({"title": 42}, "title must be non-empty text"),
        ({"topics": []}, "missing topics"),
        ({"topics": None}, "missing topics"),
        ({"topics": "rnn"}, "topics must be a list of topic names"),
        ({"topics": ["rnn", 5]}, "topics must be a list of topic names"),
        ({"topics": ["rnn", " "]}, "topics must be a list of topic names"),
        ({"topics": ["rnn", "rnn"]}, "topics repeat"),
        ({"topics": ["quantum-poetry"]}, "unknown topic 'quantum-poetry'"),
        (
            {"url": "www.example.com/x"},
            "malformed URL 'www.example.com/x' (need an absolute http(s) URL)",
        ),
        (
            {"url": "https://exa mple.com"},
            "malformed URL 'https://exa mple.com' (need an absolute http(s) URL)",
        ),
        ({"url": 5}, "malformed URL 5 (need an absolute http(s) URL)"),
        ({"year": 1800}, "year 1800 is not a year between 1900 and 2100"),
        ({"year": "2014"}, "year '2014' is not a year between 1900 and 2100"),
        ({"year": True}, "year True is not a year between 1900 and 2100"),
        ({"authors": ["Ann", ""]}, "authors must be a list of names"),
        ({"authors": "Ann"}, "authors must be a list of names"),
        ({"description": " "}, "description must be non-empty text"),
        ({"prerequisites": [3]}, "prerequisites must be a list of resource ids"),
        ({"sources": [{"section": "x"}]}, "sources must be a list of {document, section} mappings"),
        ({"sources": ["guide"]}, "sources must be a list of {document, section} mappings"),
        (
            {"sources": [{"document": "g", "page": 3}]},
            "sources must be a list of {document, section} mappings",
        ),
        ({"extra": 1}, "unknown field 'extra'"),
    ],
)
def test_each_mistake_has_its_message(changes: dict[str, Any], expected: str) -> None:
    assert messages(**changes) == [expected]


def test_every_problem_of_an_entry_at_once_each_said_once() -> None:
    found = messages(kind="podcast", level="hard", authors=["", ""], id=REMOVE)
    assert found == [
        "missing id",
        "authors must be a list of names",
        f"unknown kind 'podcast' (one of: {KIND_LIST})",
        "unknown level 'hard' (one of: beginner, intermediate, advanced)",
    ]


def test_odd_yaml_shapes_are_named_not_raised() -> None:
    assert schema.entry_problems(["id", "x"]) == ["entry is not a mapping of fields"]
    assert schema.entry_problems(None) == ["entry is not a mapping of fields"]
    assert schema.entry_problems({**GOOD, 1: "x"}) == ["unknown field 1"]


def test_document_problems_name_the_entry_index_or_the_file() -> None:
    entries = [GOOD, {**GOOD, "id": "x", "kind": "podcast"}, "not an entry"]
    assert schema.problems({"version": 1, "resources": entries}) == [
        SchemaProblem(1, f"unknown kind 'podcast' (one of: {KIND_LIST})"),
        SchemaProblem(2, "entry is not a mapping of fields"),
    ]
    assert schema.problems({"resources": [GOOD], "comment": "other keys are fine"}) == []
    not_a_catalog = [SchemaProblem(None, schema.NOT_A_CATALOG)]
    for data in (None, [GOOD], {"resources": None}, {"resources": {"id": "x"}}, {}):
        assert schema.problems(data) == not_a_catalog
    # The file as a whole comes first: its entries are not judged.
    assert schema.problems({"version": 2, "resources": [{}]}) == [
        SchemaProblem(None, "unsupported catalog version 2")
    ]
    assert schema.problems({"version": "1", "resources": []}) == [
        SchemaProblem(None, "unsupported catalog version '1'")
    ]


def test_catalog_names_the_entry_by_id_or_line() -> None:
    text = """\
version: 1
resources:
- id: dropout
  title: Dropout
  kind: podcast
  topics: [regularization]
  level: advanced
- title: No id
  kind: paper
  topics: [rnn]
  level: beginner
"""
    assert [str(p) for p in catalog.validate_text(text)] == [
        f"dropout: unknown kind 'podcast' (one of: {KIND_LIST})",
        "line 8: missing id",
    ]
    assert [str(p) for p in catalog.validate_text("version: 3\nresources: []\n")] == [
        "file: unsupported catalog version 3"
    ]
    assert [str(p) for p in catalog.validate_entry({"id": "x"}, "x")][:1] == ["x: missing title"]
