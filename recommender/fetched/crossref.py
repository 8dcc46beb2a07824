"""Crossref's works API answer (JSON) as `FetchedDetails`.

Crossref wraps a work as `{"status": "ok", "message": {...}}`; titles are lists, abstracts are
JATS XML fragments (`<jats:p>`), dates are `date-parts`. Anything of an unexpected shape is
skipped field by field rather than failing the whole answer.
"""

from __future__ import annotations

import json
from typing import Any

from recommender.fetched.details import FetchedDetails, details
from recommender.fetched.identifiers import doi as read_doi

_KINDS = {
    "journal-article": "paper",
    "proceedings-article": "paper",
    "posted-content": "paper",
    "report": "paper",
    "dissertation": "paper",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "book-chapter": "book",
    "reference-book": "book",
}


def parse_crossref_work(data: bytes | str) -> FetchedDetails | None:
    """The work in a Crossref answer, or None when it holds none (or is not JSON)."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    message = doc.get("message") if isinstance(doc, dict) else None
    if not isinstance(message, dict):
        return None
    return crossref_details(message)


def crossref_details(work: dict[str, Any]) -> FetchedDetails | None:
    """One Crossref work object (the `message`) as details; None without a title or DOI."""
    title = _first(work.get("title"))
    the_doi = read_doi(work["DOI"]) if isinstance(work.get("DOI"), str) else None
    if not title and not the_doi:
        return None
    subtitle = _first(work.get("subtitle"))
    if title and subtitle:
        title = f"{title}: {subtitle}"
    authors = []
    for person in work.get("author") or []:
        if not isinstance(person, dict):
            continue
        name = " ".join(str(person[k]) for k in ("given", "family") if person.get(k))
        authors.append(name or person.get("name"))
    kind = work.get("type")
    return details(
        title=title,
        authors=authors,
        year=_year(work),
        description=work.get("abstract"),
        url=f"https://doi.org/{the_doi}" if the_doi else work.get("URL"),
        doi=the_doi,
        kind=_KINDS.get(kind) if isinstance(kind, str) else None,
    )


def _first(value: object) -> str | None:
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return value if isinstance(value, str) else None


def _year(work: dict[str, Any]) -> int | None:
    for key in ("published-print", "published-online", "issued", "published", "created"):
        date = work.get(key)
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
            if isinstance(year, int) and not isinstance(year, bool):
                return year
    return None
