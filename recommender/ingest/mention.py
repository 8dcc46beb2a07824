"""The parsers' common output: one mention of a resource in one document.

A mention is what one document says about one resource, nothing more: the merge step decides
which mentions are the same resource, and the curation file corrects what the documents got
wrong. Keeping mentions raw (but cleaned of markup) lets every later step be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mention:
    """One item of one source document.

    `title` is None for items a document gives only as a URL plus a blurb (003/004's R2D3,
    Quora, ...); `url` is None where a document gives no usable link. `stars` is the guide's
    ★ rating (1-3). `kind` is a hint from the document's structure (its section, a "book by"
    phrase), not a verdict. `chapter` marks an item that is a chapter or lecture of another
    resource ("13" of the Deep Learning book). `lossy` marks text that lost characters in
    the document (003 lost every hyphen), so the merge prefers any other document's text.
    `position` is the item's index in its document, used to keep the output order stable.
    `authors_complete` is False when the document names only the first authors ("et al").
    """

    document: str
    section: str
    position: int
    title: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    description: str | None = None
    stars: int | None = None
    kind: str | None = None
    chapter: str | None = None
    lossy: bool = False
    parent_position: int | None = None
    authors_complete: bool = True
