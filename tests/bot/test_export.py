"""Exports survive any title: CSV and JSON read back the same, BibTeX stays balanced."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.service.entries import ReadingEntry
from bot.service.export import bib_escape, normalize_format, to_bibtex, to_csv, to_json, to_markdown

WHEN = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)

titles = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


def entry(title: str, status: str = "done", rating: int | None = 3) -> ReadingEntry:
    return ReadingEntry("some-id", title, status, rating, WHEN, WHEN, WHEN, None)


@settings(max_examples=60, deadline=None)
@given(title=titles)
def test_csv_and_json_round_trip_any_title(title: str) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv([entry(title)]), newline="")))
    assert [r["title"] for r in rows] == [title]
    assert json.loads(to_json([entry(title)]))[0]["title"] == title


@settings(max_examples=60, deadline=None)
@given(title=titles)
def test_bibtex_fields_stay_balanced(title: str) -> None:
    text = to_bibtex([entry(title)])
    depth = 0
    for index, char in enumerate(text):
        escaped = index > 0 and text[index - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        assert depth >= 0
    assert depth == 0
    assert "{" not in bib_escape(title).replace("\\textasciitilde{}", "").replace(
        "\\textasciicircum{}", ""
    )


def test_markdown_escapes_brackets_and_marks_gone_resources() -> None:
    text = to_markdown([entry("A [draft] title", status="saved", rating=None)])
    assert "- [ ] A \\[draft\\] title — no longer in the catalog" in text


def test_format_names_and_aliases() -> None:
    assert [normalize_format(n) for n in ("MD", "markdown", ".bib", "BibTeX", "csv", "xml")] == [
        "md",
        "md",
        "bib",
        "bib",
        "csv",
        None,
    ]
