"""Parser for the numbered copy of the "Useful resources" post (004).

Items are "  N. text" lines with their abstracts indented below; there are no URLs, but the
text kept its hyphens, so this copy gives the descriptions (003 gives the URLs; the align
step pairs the two). The copy lost its "Other" heading: numbering restarting at 1 without a
heading opens a new, unnamed section (`section == ""`), which the align step names after the
matching section of 003. As in 003, an item that starts with another section's name
("5. Reading lists Explore these ...") points at that section and is not a resource.
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

_NUMBERED = re.compile(r"^\s{0,3}(?P<num>\d+)\.\s+(?P<text>\S.*)$")


@dataclass
class _Item:
    section: str
    number: int
    head: str
    body: list[str] = field(default_factory=list)


def parse_blog_numbered(text: str, document: str) -> list[Mention]:
    """Every numbered item of the post (title None where the item is only a blurb)."""
    lines = text.splitlines()
    headings = {
        line.strip()
        for index, line in enumerate(lines[1:], start=1)
        if is_heading(line, _previous(lines, index))
    }
    items: list[_Item] = []
    tools: list[tuple[str, str, str]] = []
    section = ""
    last_number = 0
    current: _Item | None = None
    for index, line in enumerate(lines[1:], start=1):
        if not line.strip():
            continue
        previous = _previous(lines, index)
        numbered = _NUMBERED.match(line)
        if numbered:
            number = int(numbered.group("num"))
            if number <= last_number:
                section = ""  # numbering restarted without a heading: a lost heading
            last_number = number
            head = numbered.group("text").strip()
            if any(head.startswith(h + " ") for h in headings):
                current = None  # "Reading lists Explore these ...": a pointer to a section
                continue
            current = _Item(section, number, head)
            items.append(current)
        elif line.startswith("    ") and current is not None:
            current.body.append(line.strip())
        elif is_heading(line, previous):
            section, last_number, current = line.strip(), 0, None
        else:
            current = None
            name = named_tool(previous)
            if name and section:
                tools.append((section, name, line.strip()))
    mentions: list[Mention] = []
    for item in items:
        title, authors, year, rest, kind = parse_item_text(item.head)
        mentions.append(
            Mention(
                document=document,
                section=item.section,
                position=len(mentions),
                title=title,
                authors=authors,
                year=year,
                description=item_description(title, rest, item.body, item.head),
                kind=kind,
            )
        )
    append_tool_mentions(mentions, document, tools)
    return mentions


def _previous(lines: list[str], index: int) -> str:
    """The nearest non-blank line before `index` ("" at the top)."""
    for line in reversed(lines[:index]):
        if line.strip():
            return line
    return ""
