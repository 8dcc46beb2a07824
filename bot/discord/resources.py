"""How a catalog resource reads in a message: linked title, "kind · level · topics", a why.

Pure text from `Resource` fields, shared by every feature that lists resources, so the same
resource looks the same in /recommend, /similar, /path and /paper. Catalog text is never
trusted as markdown: titles are escaped (no mention, heading or link injection) and URLs are
made safe to sit inside `[title](url)`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import quote

from bot.discord import formatting
from bot.service import Resource, topic_label
from bot.service.catalog_answers import SERVER_ORIGIN

TITLE_IN_LIST = 200
"""Longest title shown in a list line; the rest of the line needs room too."""


def safe_url(url: str | None) -> str | None:
    """`url` if it is http(s), with the characters that would end a markdown link encoded."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._[]")


_UNESCAPED_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]])")
"""A bracket after an even run of backslashes (none included): not escaped yet."""


def inert(text: str) -> str:
    """Catalog or user text made plain: escaped markdown and mentions, and brackets too, so
    it can neither open a masked link (`[x](url)`) nor close the link it sits in.

    discord.py already escapes the `[` of a masked link; escaping it again would make `\\\\[`,
    an escaped backslash before a live bracket (a link again, and a stray backslash shown),
    so only brackets not escaped yet are escaped."""
    if len(text) <= _REMEMBERED_LENGTH:
        return _inert_remembered(text)
    return _inert(text)


_REMEMBERED_LENGTH = 300
"""Titles and answer lines repeat (every click on a list names its resource again); long
user text rarely does and would make the cache heavy."""


def _inert(text: str) -> str:
    return _UNESCAPED_BRACKET.sub(r"\1\\\2", formatting.escape(text))


_inert_remembered = functools.lru_cache(maxsize=4096)(_inert)


def title_text(title: str, limit: int = TITLE_IN_LIST) -> str:
    """An inert, clipped title (fit to be a link's text)."""
    return inert(formatting.truncate(" ".join(title.split()), limit))


def linked_title(resource: Resource, limit: int = TITLE_IN_LIST) -> str:
    text = title_text(resource.title, limit)
    url = safe_url(resource.link)
    return f"[{text}]({url})" if url else text


def topics_text(topics: Iterable[str], limit: int = 3) -> str:
    labels = [topic_label(t) for t in topics]
    shown = ", ".join(labels[:limit])
    return shown + (f" +{len(labels) - limit}" if len(labels) > limit else "")


SERVER_MARK = "added by this server"
"""How a server's own addition is marked wherever it is shown (only that server sees it)."""
ORIGIN_TAGS = {"seed": "seed list", "curated": "curated", SERVER_ORIGIN: SERVER_MARK}
"""Short provenance shown with every resource: from the 2015-2016 seed reading lists,
written and checked by hand for deepread, or added by the server the message is in."""


def server_mark(resource: Resource) -> str:
    """` · added by this server` for a server's own addition, else nothing: for lines that
    show no provenance otherwise (a learning path's steps, the daily post)."""
    return f" · {SERVER_MARK}" if resource.origin == SERVER_ORIGIN else ""


def meta_line(resource: Resource) -> str:
    """`paper · beginner · RNNs, Deep learning · seed list`."""
    parts = [resource.kind, resource.level]
    if resource.topics:
        parts.append(topics_text(resource.topics))
    parts.append(ORIGIN_TAGS.get(resource.origin, resource.origin))
    return inert(" · ".join(parts))


def historical_line(reason: str, limit: int = 160) -> str:
    """`historical: …`: why a resource is kept although superseded, shown wherever it is."""
    return inert(formatting.truncate("historical: " + " ".join(reason.split()), limit))


def origin_text(resource: Resource) -> str:
    """Where the resource comes from: the 2015-2016 seed lists, or our own curated additions."""
    if resource.origin == "curated":
        return "Curated for deepread"
    if resource.origin == SERVER_ORIGIN:
        return "Added by this server"
    return "From the seed reading lists"


def why_line(why: str, limit: int = 160) -> str:
    return inert(formatting.truncate(" ".join(why.split()), limit)) if why else ""


def resource_block(position: int | None, resource: Resource, why: str = "") -> str:
    """Two or three lines for one resource of a list."""
    head = f"**{position}.** " if position is not None else ""
    lines = [f"{head}{linked_title(resource)}", f"-# {meta_line(resource)}"]
    if resource.historical:
        lines.append(f"-# {historical_line(resource.historical)}")
    if why:
        lines.append(f"↳ {why_line(why)}")
    return "\n".join(lines)


def option_label(resource: Resource) -> str:
    return " ".join(resource.title.split()) or resource.id


def option_description(resource: Resource) -> str:
    return f"{resource.kind} · {resource.level}"
