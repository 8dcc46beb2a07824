"""Reference files a host imports: BibTeX, CSL-JSON (Zotero's export), awesome-list Markdown.

Each parser returns one `FetchedDetails` per usable entry, in file order, and never raises on
a malformed file: a file it cannot read gives no entries. The awesome-list reader is the
ingest's own `parse_markdown_page`, so a list reads the same here and in
`deepread catalog import`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bibtexparser.entrypoint import parse_string

from recommender.fetched.details import FetchedDetails, details
from recommender.fetched.identifiers import arxiv_id, doi
from recommender.ingest.markdown_page import parse_markdown_page

_BIB_KINDS = {"book": "book", "inbook": "book", "incollection": "book", "online": "website"}
_CSL_KINDS = {
    "article-journal": "paper",
    "paper-conference": "paper",
    "article": "paper",
    "report": "paper",
    "thesis": "paper",
    "book": "book",
    "chapter": "book",
    "webpage": "website",
    "post-weblog": "blog",
    "motion_picture": "video",
    "broadcast": "video",
}


def parse_bibtex(text: str) -> list[FetchedDetails]:
    """Every BibTeX entry with a title; LaTeX braces and simple accents are dropped."""
    try:
        library = parse_string(text)
    except Exception:  # the parser's failures are not typed; a bad file means no entries
        return []
    found = []
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        title = _unlatex(fields.get("title", ""))
        if not title:
            continue
        authors = [_unlatex(a) for a in re.split(r"\s+and\s+", fields.get("author", "")) if a]
        eprint = fields.get("eprint", "")
        is_arxiv = "arxiv" in (fields.get("archiveprefix", "") + fields.get("journal", "")).lower()
        url = fields.get("url")
        found.append(
            details(
                title=title,
                authors=[_flip(a) for a in authors],
                year=fields.get("year") or fields.get("date"),
                description=_unlatex(fields.get("abstract", "")),
                url=url,
                doi=doi(fields["doi"]) if "doi" in fields else None,
                arxiv_id=(arxiv_id(eprint) if eprint and is_arxiv else None)
                or (arxiv_id(url) if url else None),
                kind=_BIB_KINDS.get(entry.entry_type.lower(), "paper"),
            )
        )
    return found


def parse_csl_json(text: str) -> list[FetchedDetails]:
    """Every CSL-JSON item (a list, or one item) with a title."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return []
    items = doc if isinstance(doc, list) else [doc]
    return [d for item in items if isinstance(item, dict) for d in [_csl_item(item)] if d]


def _csl_item(item: dict[str, Any]) -> FetchedDetails | None:
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    authors = []
    for person in item.get("author") or []:
        if isinstance(person, dict):
            name = " ".join(str(person[k]) for k in ("given", "family") if person.get(k))
            authors.append(name or person.get("literal"))
    year = None
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
        year = year or issued.get("raw") or issued.get("literal")
    url = item.get("URL")
    the_doi = item.get("DOI")
    kind = item.get("type")
    return details(
        title=title,
        authors=authors,
        year=year,
        description=item.get("abstract"),
        url=url,
        doi=doi(the_doi) if isinstance(the_doi, str) else None,
        arxiv_id=arxiv_id(url) if isinstance(url, str) else None,
        kind=_CSL_KINDS.get(kind) if isinstance(kind, str) else None,
    )


def parse_awesome_list(text: str, document: str = "import") -> list[FetchedDetails]:
    """Every linked item of an awesome-list page, read by the ingest's Markdown parser."""
    return [
        details(
            title=m.title,
            authors=list(m.authors),
            year=m.year,
            description=m.description,
            url=m.url,
            arxiv_id=arxiv_id(m.url) if m.url else None,
            doi=doi(m.url) if m.url else None,
            kind=m.kind,
        )
        for m in parse_markdown_page(text, document)
        if m.title
    ]


def _unlatex(text: str) -> str:
    """BibTeX text without its LaTeX grouping: `{{BERT}}: Pre-training` → `BERT: Pre-training`."""
    text = re.sub(r"\\[`'^\"~=.uvHcdbk]\s*\{?(\w)\}?", r"\1", text)  # \'{e} → e
    text = re.sub(r"\\(?:emph|textit|textbf|textsc)\s*", "", text)
    return " ".join(text.replace("{", "").replace("}", "").split())


def _flip(name: str) -> str:
    """`Vaswani, Ashish` → `Ashish Vaswani` (BibTeX's "last, first" form)."""
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        return f"{first} {last}".strip()
    return name
