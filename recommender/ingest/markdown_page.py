"""Parser for the "Deep Learning Resources" Markdown pages (000 = v2, 001 = v1).

Items are list items `* [title](url) (year); authors` or paragraphs
`**[title](url)**; authors; affiliation; year[. notes]`. A real Markdown parser (markdown-it)
reads them, so titles wrapped over two lines, emphasis around the link and links inside the
trailing text come out right without regexes over Markdown. The first link of an item is the
resource; later links in the same item (author pages, "[seq2seq framework](...)", "[Stack RNN
source code](...)") are only words of its description: they point at a person, a code
repository or a cited paper, not at the item being listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from markdown_it import MarkdownIt

from recommender.ingest.mention import Mention
from recommender.ingest.text import find_year, leading_names, sentence_case_start, squash
from recommender.ingest.urls import clean_url

LINK_START, LINK_END = "\u0001", "\u0002"  # brackets around link text inside the tail
_LINK_TEXT = re.compile("\u0001[^\u0002]*\u0002?")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_SECTION_KINDS: tuple[tuple[str, str], ...] = (
    ("course", "course"),
    ("fora", "forum"),
    ("forum", "forum"),
    ("personal website", "website"),
    ("papers", "paper"),
    ("book", "book"),
    ("video", "video"),
    ("tutorial", "tutorial"),
    ("blog", "blog"),
    ("thought vectors", "paper"),
    ("dialog", "paper"),
    ("memory architectures", "paper"),
)
# "Names. 2014. Notes" / "Names 2015  Notes": the Thought Vectors and Dialog sections.
_NAMES_YEAR_NOTES = re.compile(
    r"^(?P<who>[^;]*?)[.,]?\s+\(?(?P<year>(?:19|20)\d\d)\)?\.?(?:\s+(?P<notes>\S.*))?$"
)


def section_kind(section: str) -> str | None:
    """The kind most items of a section are, from its heading; None when it says nothing."""
    lowered = section.lower()
    for word, kind in _SECTION_KINDS:
        if word in lowered:
            return kind
    return None


def strip_front_matter(text: str) -> str:
    """Drop YAML front matter, which a Markdown parser would read as a heading."""
    return _FRONT_MATTER.sub("", text, count=1)


def _inline_parts(children: list[Any]) -> tuple[str | None, str | None, str]:
    """(title, href, trailing text) of an inline token's children: the first link is the item."""
    title_parts: list[str] = []
    tail_parts: list[str] = []
    href: str | None = None
    state = "before"  # before -> in_link -> after
    for child in children:
        kind = child.type
        if state == "before":
            if kind == "link_open":
                href = str(child.attrs.get("href") or "")
                state = "in_link"
            continue
        if state == "in_link":
            if kind == "link_close":
                state = "after"
            elif kind in ("text", "code_inline"):
                title_parts.append(child.content)
            elif kind in ("softbreak", "hardbreak"):
                title_parts.append(" ")
            continue
        if kind == "link_open":
            tail_parts.append(LINK_START)
        elif kind == "link_close":
            tail_parts.append(LINK_END)
        elif kind in ("text", "code_inline"):
            tail_parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            tail_parts.append(" ")
    title = squash("".join(title_parts)) or None
    return title, href, squash("".join(tail_parts))


def _plain(text: str) -> str:
    return text.replace(LINK_START, "").replace(LINK_END, "")


def _parse_tail(tail: str) -> tuple[tuple[str, ...], int | None, str | None]:
    """Authors, year and notes from the text after the link (`; A, B; Univ; 2012`).

    `tail` keeps link text between LINK_START/LINK_END so that notes made only of a link's
    text ("[Stack RNN source code](...)") are not taken for a description.
    """
    year = find_year(_plain(tail))
    dash = re.match(r"^\s*[-–—:]\s+(?P<desc>\S.*)$", _plain(tail))
    if dash:
        # "[Title](url) - what it is": the awesome-list style.
        return (), None, sentence_case_start(dash.group("desc"))
    segments = [squash(s) for s in tail.split(";")]
    segments = [s for s in segments if _plain(s).strip("* ")]
    authors: list[str] = []
    notes: str | None = None
    for index, segment in enumerate(segments):
        plain = _plain(segment)
        if index == 0 and plain.startswith("("):
            # "(2012)", "(Power Point)": a parenthetical right after the link, not people.
            continue
        plain = re.sub(r"^Notes by\s+", "", plain)
        match = _NAMES_YEAR_NOTES.match(plain)
        if match and leading_names(match.group("who")):
            authors.extend(leading_names(match.group("who")))
            own = _NAMES_YEAR_NOTES.match(_LINK_TEXT.sub("", segment).strip())
            if match.group("notes") and own and own.group("notes"):
                notes = match.group("notes")
            break
        names = leading_names(plain)
        if not names:
            break
        authors.extend(names)
    description = None
    if notes and len(notes.split()) >= 2:
        description = sentence_case_start(notes)
    return tuple(dict.fromkeys(authors)), year, description


_ET_AL = re.compile(r"\bet\.?\s+al\b")


def _names_only_first_authors(tail: str) -> bool:
    """Whether the item names its authors as "Cho et al": the list is not complete."""
    return bool(_ET_AL.search(_plain(tail)[:60]))


def _items(tokens: list[Any]) -> Iterator[tuple[str, Any]]:
    """(section, inline token) for every paragraph that holds an item."""
    section = ""
    heading_level = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading_level = token.tag
        elif token.type == "inline" and heading_level:
            if heading_level in ("h1", "h2", "h3"):
                section = squash(token.content)
            heading_level = ""
        elif token.type == "inline" and index > 0 and tokens[index - 1].type == "paragraph_open":
            yield section, token


def parse_markdown_page(text: str, document: str) -> list[Mention]:
    """Every linked item of a "Deep Learning Resources" page, in document order."""
    parser = MarkdownIt("commonmark")
    try:
        tokens = parser.parse(strip_front_matter(text))
    except Exception:  # markdown-it is total on text; a defect there must not stop a build
        return []
    mentions: list[Mention] = []
    for section, token in _items(tokens):
        title, href, tail = _inline_parts(token.children or [])
        if not title:
            continue
        authors, year, description = _parse_tail(tail)
        complete = not (authors and _names_only_first_authors(tail))
        mentions.append(
            Mention(
                document=document,
                section=section,
                position=len(mentions),
                title=title,
                url=clean_url(href),
                authors=authors,
                authors_complete=complete,
                year=year,
                description=description,
                kind=section_kind(section),
            )
        )
    return mentions
