"""A user's reading list as Markdown, BibTeX, CSV or JSON: pure text builders.

These are files people keep (a notes vault, a LaTeX bibliography, a spreadsheet), so the
output is deterministic for the same entries and escapes what each format needs escaped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from bot.service.entries import ReadingEntry
from recommender.vocabulary import topic_label

FORMATS: tuple[str, ...] = ("md", "bib", "csv", "json")
FORMAT_ALIASES = {"markdown": "md", "bibtex": "bib"}
SECTIONS = (
    ("reading", "Reading"),
    ("saved", "Saved"),
    ("done", "Done"),
    ("dismissed", "Dismissed"),
)
CSV_FIELDS = (
    "resource_id",
    "title",
    "status",
    "rating",
    "url",
    "kind",
    "level",
    "topics",
    "origin",
    "historical",
    "added_at",
    "updated_at",
    "done_at",
)


def entry_dict(entry: ReadingEntry) -> dict[str, Any]:
    """A JSON-ready dict of one entry (ISO 8601 UTC times; catalog facts when known)."""
    resource = entry.resource
    return {
        "resource_id": entry.resource_id,
        "title": entry.title,
        "status": entry.status,
        "rating": entry.rating,
        "url": entry.url,
        "kind": resource.kind if resource else None,
        "level": resource.level if resource else None,
        "topics": list(resource.topics) if resource else [],
        "authors": list(resource.authors) if resource else [],
        "year": resource.year if resource else None,
        "origin": resource.origin if resource else None,
        "historical": resource.historical if resource else None,
        "in_catalog": entry.in_catalog,
        "added_at": entry.added_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "done_at": entry.done_at.isoformat() if entry.done_at else None,
    }


def to_markdown(entries: Sequence[ReadingEntry], heading: str = "Reading list") -> str:
    lines = [f"# {heading}", ""]
    for status, title in SECTIONS:
        group = [e for e in entries if e.status == status]
        if not group:
            continue
        lines += [f"## {title} ({len(group)})", ""]
        for entry in group:
            lines.append(_markdown_line(entry))
        lines.append("")
    if len(lines) == 2:
        lines += ["Nothing here yet.", ""]
    return "\n".join(lines)


def _markdown_line(entry: ReadingEntry) -> str:
    text = entry.title.replace("[", "\\[").replace("]", "\\]")
    link = f"[{text}](<{entry.url}>)" if entry.url else text
    box = {"done": "[x] ", "dismissed": ""}.get(entry.status, "[ ] ")
    facts: list[str] = []
    if entry.resource is not None:
        facts += [entry.resource.kind, entry.resource.level]
        facts.append(", ".join(topic_label(t) for t in entry.resource.topics))
    else:
        facts.append("no longer in the catalog")
    if entry.rating is not None:
        facts.append(f"rated {entry.rating}/5")
    if entry.done_at is not None:
        facts.append(f"done {entry.done_at.date().isoformat()}")
    return f"- {box}{link} — {' · '.join(f for f in facts if f)}"


_BIB_SPECIAL = re.compile(r"([&%$#_])")


def bib_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: braces dropped, LaTeX specials escaped."""
    text = text.replace("\\", " ").replace("{", "").replace("}", "")
    text = _BIB_SPECIAL.sub(r"\\\1", text)
    return text.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def _bib_key(resource_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9:_-]", "", resource_id) or "entry"


def to_bibtex(entries: Sequence[ReadingEntry]) -> str:
    """One record per entry: @book for books, @article for papers, @misc for the rest."""
    records: list[str] = []
    for entry in entries:
        resource = entry.resource
        kind = resource.kind if resource else ""
        bibtype = {"book": "book", "paper": "article"}.get(kind, "misc")
        fields: list[tuple[str, str]] = [("title", "{" + bib_escape(entry.title) + "}")]
        if resource and resource.authors:
            fields.append(("author", " and ".join(bib_escape(a) for a in resource.authors)))
        if resource and resource.year:
            fields.append(("year", str(resource.year)))
        if entry.url:
            url = entry.url.replace("{", "%7B").replace("}", "%7D")
            fields.append(("url", url))
            if bibtype == "misc":
                fields.append(("howpublished", "\\url{" + url + "}"))
        note = f"deepread: {entry.status}"
        if entry.rating is not None:
            note += f", rated {entry.rating}/5"
        fields.append(("note", note))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        records.append(f"@{bibtype}{{{_bib_key(entry.resource_id)},\n{body}\n}}\n")
    return "\n".join(records)


def to_csv(entries: Sequence[ReadingEntry]) -> str:
    out = io.StringIO()
    # RFC 4180 line ends: the csv module then quotes any field holding \r or \n.
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for entry in entries:
        row = entry_dict(entry)
        row["topics"] = ";".join(row["topics"])
        row["rating"] = "" if row["rating"] is None else row["rating"]
        writer.writerow(row)
    return out.getvalue()


def to_json(entries: Sequence[ReadingEntry]) -> str:
    return json.dumps([entry_dict(e) for e in entries], ensure_ascii=False, indent=2) + "\n"


def normalize_format(name: str) -> str | None:
    """`md`, `bib`, `csv` or `json` for a name or alias; None when unknown."""
    key = name.strip().lower().lstrip(".")
    key = FORMAT_ALIASES.get(key, key)
    return key if key in FORMATS else None


def render(entries: Sequence[ReadingEntry], fmt: str) -> str:
    """Text of `entries` in `fmt` (one of FORMATS)."""
    builders = {"md": to_markdown, "bib": to_bibtex, "csv": to_csv, "json": to_json}
    return builders[fmt](entries)
