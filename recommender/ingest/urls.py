"""URL clean-up for display and URL identity for merging.

Documents write the same link many ways: with or without a scheme, `http` or `https`, with a
trailing `index.html` or slash, arXiv `abs` or `pdf`, `v1` or `v3`. `clean_url` repairs what a
reader needs (a scheme) and rejects what cannot be a link (relative paths); `url_key` is the
identity used to decide that two links point at the same resource.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_ARXIV = re.compile(
    r"^(?:export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>\d{4}\.\d{4,5}|[a-z.-]+/\d{7})(?:v\d+)?(?:\.pdf)?/?$"
)
_DOMAIN_START = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/:?#]|$)", re.IGNORECASE)
_FILE_SUFFIXES = frozenset({"html", "htm", "php", "pdf", "txt", "md", "png", "jpg", "gif"})
_INDEX_PAGE = re.compile(r"/index\.(?:html?|php)$", re.IGNORECASE)


def clean_url(raw: str | None) -> str | None:
    """An absolute http(s) URL for `raw`, or None when it is not a usable link.

    Scheme-less links whose start looks like a domain (`cs231n.github.io`) get `http://`;
    relative links (`../opndata`) and anything with whitespace are refused.
    """
    if raw is None:
        return None
    url = raw.strip().strip("<>")
    if not url or any(c.isspace() for c in url):
        return None
    if url.startswith("//"):
        url = "http:" + url
    elif "://" not in url:
        if not _DOMAIN_START.match(url):
            return None
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or host.startswith("."):
        return None
    if host.rsplit(".", 1)[-1] in _FILE_SUFFIXES:
        return None  # "notes.html" is a relative file name, not a host
    arxiv = arxiv_id(url)
    if arxiv is not None:
        return f"https://arxiv.org/abs/{arxiv}"
    return url


def arxiv_id(url: str) -> str | None:
    """The version-less arXiv identifier of an arXiv abs/pdf link (`1506.05869`)."""
    rest = url.split("://", 1)[-1].lower()
    rest = rest.removeprefix("www.")
    match = _ARXIV.match(rest)
    return match.group("id") if match else None


def url_key(url: str) -> str:
    """Identity of a link: same key, same resource (modulo a wrong link in a document).

    Case-insensitive host without `www.`, no scheme, no fragment, no trailing `index.html` or
    slash, repeated slashes collapsed; arXiv links reduce to `arxiv:<id>`.
    """
    arxiv = arxiv_id(url)
    if arxiv is not None:
        return f"arxiv:{arxiv}"
    try:
        parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    except ValueError:
        return url.strip().lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = re.sub(r"/{2,}", "/", parts.path)
    path = _INDEX_PAGE.sub("/", path).rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"
