"""A web page's own description of itself: `<title>`, meta description, og:* and citation_*.

Publishers (and Google Scholar's inclusion rules) put `citation_title`, `citation_author`,
`citation_publication_date`, `citation_doi` and `citation_arxiv_id` in the page head; blogs and
course sites have OpenGraph tags; everything has a `<title>`. The most specific wins. The
standard library's `html.parser` tolerates any broken markup and never fetches anything.
"""

from __future__ import annotations

from html.parser import HTMLParser

from recommender.fetched.details import FetchedDetails, details
from recommender.fetched.identifiers import arxiv_id as read_arxiv_id
from recommender.fetched.identifiers import doi as read_doi

MAX_META = 500
"""Meta tags read at most: a hostile page with a million tags costs a bounded amount."""
MAX_TITLE_CHARS = 10_000


class _Head(HTMLParser):
    """Collects the `<title>` text, meta tags (name or property → contents) and the canonical."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.title_chars = 0
        self.meta: dict[str, list[str]] = {}
        self.meta_count = 0
        self.canonical: str | None = None
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v for k, v in attrs if v is not None}
        if tag == "title" and not self._title_done:
            self._in_title = True
        elif tag == "meta" and self.meta_count < MAX_META:
            key = (values.get("name") or values.get("property") or "").strip().lower()
            content = values.get("content")
            if key and content is not None:
                self.meta_count += 1
                self.meta.setdefault(key, []).append(content)
        elif tag == "link" and "canonical" in (values.get("rel") or "").lower().split():
            self.canonical = self.canonical or values.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and self.title_chars < MAX_TITLE_CHARS:
            self.title_parts.append(data[: MAX_TITLE_CHARS - self.title_chars])
            self.title_chars += len(data)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key, []):
                if value.strip():
                    return value
        return None


def parse_html_meta(text: str, page_url: str) -> FetchedDetails | None:
    """What the page at `page_url` says about itself, or None when it says nothing (no title).

    The URL kept is the page's own (a canonical or og:url may point anywhere, even at a
    `javascript:` link, so it is used only when it is a safe http(s) link).
    """
    head = _Head()
    try:
        head.feed(text)
        head.close()
    except (AssertionError, ValueError):  # older html.parser versions assert on odd markup
        pass
    title = head.first("citation_title", "dc.title", "og:title", "twitter:title") or "".join(
        head.title_parts
    )
    if not title.strip():
        return None
    authors = head.meta.get("citation_author", []) or head.meta.get("dc.creator", [])
    if not authors and head.first("author"):
        authors = [head.first("author") or ""]
    the_doi = head.first("citation_doi", "dc.identifier")
    arxiv = head.first("citation_arxiv_id")
    found_arxiv = read_arxiv_id(arxiv) if arxiv else None
    is_paper = bool(head.first("citation_title", "citation_journal_title")) or found_arxiv
    return details(
        title=title,
        authors=authors,
        year=head.first("citation_publication_date", "citation_date", "citation_year", "dc.date")
        or head.first("article:published_time"),
        description=head.first(
            "citation_abstract", "description", "og:description", "twitter:description"
        ),
        url=page_url,
        doi=read_doi(the_doi) if the_doi else None,
        arxiv_id=found_arxiv,
        kind="paper" if is_paper else _kind_of(head.first("og:type")),
    )


def _kind_of(og_type: str | None) -> str:
    if og_type and og_type.strip().lower() in ("video", "video.other", "video.episode"):
        return "video"
    if og_type and og_type.strip().lower() == "article":
        return "blog"
    return "website"
