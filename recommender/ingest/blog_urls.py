"""Parser for the "Useful resources" post with URLs (003).

Paragraphs are separated by blank lines. An item is a paragraph that starts with a URL (the
rest of the line is a blurb: the title is missing) or with a title line ("X by A. Author
(2015)") followed by its abstract. A paragraph glued to its heading (no blank line) is the
section's introduction, prose; a paragraph that starts with the name of another section
("Reading lists Explore these ...") points at that section and is not an item. Indented
lines under an item are its sub-items (Tim Dettmers' posts under his blog). Every hyphen
was stripped from this copy, URLs included, so its mentions are marked `lossy`: the merge
prefers any other document's text and URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recommender.ingest.blog_items import (
    append_tool_mentions,
    is_heading,
    item_description,
    named_tool,
    parse_item_text,
)
from recommender.ingest.mention import Mention
from recommender.ingest.text import squash
from recommender.ingest.urls import clean_url

_URL_HEAD = re.compile(r"^(?P<url>https?://\S+)\s*(?P<rest>.*)$")


@dataclass
class _Item:
    section: str
    head: str
    body: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


def _headings(lines: list[str]) -> set[str]:
    found: set[str] = set()
    previous = ""
    for line in lines[1:]:
        if is_heading(line, previous):
            found.add(line.strip())
        if line.strip():
            previous = line
    return found


def _blocks(text: str) -> tuple[list[_Item], list[tuple[str, str, str]]]:
    """Items, and (section, name, blurb) of tools named at the end of prose lines."""
    lines = text.splitlines()
    headings = _headings(lines)
    items: list[_Item] = []
    tools: list[tuple[str, str, str]] = []
    section = ""
    in_intro = True
    current: _Item | None = None
    previous = ""
    for line in lines[1:]:
        if not line.strip():
            current, in_intro = None, False
            continue
        if is_heading(line, previous):
            section, in_intro, current = line.strip(), True, None
        elif in_intro or not section:
            name = named_tool(previous)
            if name and section:
                tools.append((section, name, line.strip()))
        elif line[0].isspace() and current is not None:
            current.children.append(line.strip())
        elif current is None:
            head = line.strip()
            if any(head.startswith(h + " ") for h in headings):
                in_intro = True  # "Reading lists Explore these ...": a pointer to a section
            else:
                current = _Item(section, head)
                items.append(current)
        else:
            current.body.append(line.strip())
        previous = line
    return items, tools


def parse_blog_with_urls(text: str, document: str) -> list[Mention]:
    """Every item of the post's URL copy (title None where only a URL and blurb are given)."""
    items, tools = _blocks(text)
    mentions: list[Mention] = []
    for item in items:
        url_match = _URL_HEAD.match(item.head)
        if url_match:
            # A URL line: the rest is a blurb, the title is missing.
            url = clean_url(url_match.group("url"))
            head = url_match.group("rest")
            title, authors, year, rest, kind = parse_item_text("")
        else:
            url, head = None, item.head
            title, authors, year, rest, kind = parse_item_text(head)
        position = len(mentions)
        mentions.append(
            Mention(
                document=document,
                section=item.section,
                position=position,
                title=title,
                url=url,
                authors=authors,
                year=year,
                description=item_description(title, rest, item.body, head),
                kind=kind,
                lossy=True,
            )
        )
        for child in item.children:
            mentions.append(
                Mention(
                    document=document,
                    section=item.section,
                    position=len(mentions),
                    title=squash(re.sub(r"^See also (?:his|her) ", "", child)),
                    kind="blog",
                    lossy=True,
                    parent_position=position,
                )
            )
    append_tool_mentions(mentions, document, tools, lossy=True)
    return mentions
