"""Pairing the two copies of the same post (003 with URLs, 004 numbered, no URLs).

Many of the post's items are a URL and a blurb, with no title: neither URL nor title can
join them across the copies, only their place in the post. Sections are paired by name (a
section 004 lost the heading of is paired by its place: the section that follows the same
named section in 003), then items by order within the section. A pair whose titles are both
known but clearly different is refused, so a shifted list cannot glue wrong items together.
"""

from __future__ import annotations

from dataclasses import replace

from recommender import fuzzy
from recommender.ingest.mention import Mention
from recommender.ingest.text import title_key


def _groups(mentions: list[Mention]) -> list[tuple[str, list[Mention]]]:
    """Top-level items grouped by section, sections in order of first appearance."""
    order: list[str] = []
    by_section: dict[str, list[Mention]] = {}
    previous_named = ""
    for mention in mentions:
        if mention.parent_position is not None:
            continue
        # An unnamed section is told apart by the named section it follows.
        name = mention.section or f"\0after:{previous_named}"
        if mention.section:
            previous_named = mention.section
        if name not in by_section:
            order.append(name)
            by_section[name] = []
        by_section[name].append(mention)
    return [(name, by_section[name]) for name in order]


def _compatible(a: Mention, b: Mention) -> bool:
    if a.title is None or b.title is None:
        return True
    return fuzzy.same_text(title_key(a.title), title_key(b.title))


def align_copies(
    with_urls: list[Mention], numbered: list[Mention]
) -> tuple[list[tuple[Mention, Mention]], list[Mention]]:
    """Pairs (003 mention, 004 mention) of the same item, and 004's mentions with every lost
    section name restored from 003."""
    groups_a = _groups(with_urls)
    names_a = [name for name, _ in groups_a]
    items_a = dict(groups_a)
    pairs: list[tuple[Mention, Mention]] = []
    renamed: dict[int, str] = {}
    for name, items_b in _groups(numbered):
        target = name
        if name.startswith("\0after:"):
            after = name.removeprefix("\0after:")
            index = names_a.index(after) + 1 if after in names_a else -1
            target = names_a[index] if 0 <= index < len(names_a) else ""
            for mention in items_b:
                renamed[mention.position] = target
        for a, b in zip(items_a.get(target, []), items_b, strict=False):
            if _compatible(a, b):
                pairs.append((a, b))
    restored = [
        replace(m, section=renamed[m.position]) if m.position in renamed else m for m in numbered
    ]
    by_position = {m.position: m for m in restored}
    pairs = [(a, by_position[b.position]) for a, b in pairs]
    return pairs, restored
