"""What a fetch or a file entry tells about one resource, cleaned so that any text is inert.

Every parser returns `FetchedDetails`. Text from the web is hostile until proven otherwise: a
title may be 5 MB long, hold control characters, HTML markup or bidirectional overrides. So the
dataclass is only ever built through `details()`, which caps lengths, strips markup and control
characters and keeps only http(s) URLs; a face can show any field as it is.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_TITLE = 300
MAX_AUTHOR = 120
MAX_AUTHORS = 50
MAX_DESCRIPTION = 2000
MAX_URL = 2000
MAX_ID = 200

_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FetchedDetails:
    """One resource as a source describes it; any field may be missing.

    `kind` is a guess from the source (an arXiv entry is a paper, a page is a website), one of
    the catalog's kinds; the classifier or a moderator may correct it. `arxiv_id` carries no
    version and `doi` is lowercased, so that they compare as identities.
    """

    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    description: str | None = None
    url: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    kind: str | None = None


def clean_text(raw: object, limit: int) -> str | None:
    """`raw` as one line of plain, printable text of at most `limit` characters, or None.

    Entities are decoded once and tags removed (a title with `<script>` shows as its words),
    control and format characters (including bidirectional overrides) dropped, whitespace
    collapsed; a cut text ends with an ellipsis.
    """
    if not isinstance(raw, str):
        return None
    text = raw[: limit * 8]  # bound the work on a huge input before any regex runs
    text = _TAG.sub(" ", html.unescape(_TAG.sub(" ", text)))
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in text
        if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn")
    )
    text = _SPACE.sub(" ", text).strip()
    if not text:
        return None
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def safe_url(raw: object) -> str | None:
    """`raw` when it is an absolute http(s) URL with a host and no whitespace, else None.

    Refuses `javascript:`, `data:`, `file:` and relative links: only a link a reader can open
    safely is ever stored or shown.
    """
    if not isinstance(raw, str):
        return None
    url = raw.strip()
    if not url or len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def year_of(raw: object) -> int | None:
    """A plausible publication year (1800-2100) found at the start of `raw`, else None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 1800 <= raw <= 2100 else None
    if not isinstance(raw, str):
        return None
    match = re.match(r"\s*(\d{4})", raw[:100])
    if match is None:
        return None
    year = int(match.group(1))
    return year if 1800 <= year <= 2100 else None


def details(
    *,
    title: object = None,
    authors: object = (),
    year: object = None,
    description: object = None,
    url: object = None,
    doi: str | None = None,
    arxiv_id: str | None = None,
    kind: str | None = None,
) -> FetchedDetails:
    """The only way parsers build `FetchedDetails`: every field cleaned and capped."""
    names: list[str] = []
    if isinstance(authors, list | tuple):
        for author in authors[: MAX_AUTHORS * 2]:
            name = clean_text(author, MAX_AUTHOR)
            if name and name not in names:
                names.append(name)
    return FetchedDetails(
        title=clean_text(title, MAX_TITLE),
        authors=tuple(names[:MAX_AUTHORS]),
        year=year_of(year),
        description=clean_text(description, MAX_DESCRIPTION),
        url=safe_url(url),
        doi=doi.lower() if doi and len(doi) <= MAX_ID else None,
        arxiv_id=arxiv_id if arxiv_id and len(arxiv_id) <= MAX_ID else None,
        kind=kind,
    )
