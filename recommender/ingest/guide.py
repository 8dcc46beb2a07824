"""Parser for "A guide to deep learning" (002): plain text, no URLs, ★ ratings.

Unindented lines are paragraphs; a paragraph that opens a topic starts a section (the table
`SECTION_OPENERS`). Indented lines are items, rated ★ (easy) to ★★★ (hard). Items are
sentences, so the title is cut out of the sentence: "X - what it is" gives X; "Michael
Nielsen's online book Neural networks and deep learning is ..." gives the book's title and
its author; "X is/are/covers/contains ..." gives X. Lines numbered "13. Linear Factor Models"
or "6 (first half). Setting up ..." are chapters or lectures of a book or course the guide
names elsewhere: they keep their own rating, so they become their own resources (with the
number in `chapter`); the curation file gives them their parent's name in the title.

In the Frameworks section, the paragraphs "Theano provides ...", "Keras is ..." are prose but
each presents a framework: they become resources (kind website). An unrated indented line is
a remark about the paragraph ("Larochelle's course doesn't have ...") unless its whole
section is unrated (the last one, on following research, rates nothing).
"""

from __future__ import annotations

import re

from recommender.ingest.mention import Mention
from recommender.ingest.text import find_year, leading_names, sentence_case_start, squash

STAR = "★"
SECTION_OPENERS: tuple[tuple[str, str], ...] = (
    (r"^You must know programming", "Prerequisites"),
    (r"options for studying deep learning", "Courses and books"),
    (r"^Machine learning is", "Machine learning"),
    (r"^Neural networks are", "Neural networks"),
    (r"frameworks that provide the standard algorithms", "Frameworks"),
    (r"^Convolutional networks \(", "Convolutional networks"),
    (r"^Recurrent networks \(", "Recurrent networks"),
    (r"^Autoencoders are", "Autoencoders"),
    (r"^Probabilistic graphical models", "Probabilistic graphical models"),
    (r"active area of scientific research", "Following research"),
)
_CHAPTER = re.compile(r"^(?P<num>\d+)(?:\s*\((?P<part>[^)]*)\))?\.\s+(?P<rest>\S.*)$")
_FRAMEWORK = re.compile(r"^(?P<name>[A-Z][A-Za-z]+) (?:is|provides) ")
_SEE_ALSO = re.compile(r"\s*See also:\s*")
# Phrases that point at the resource from anywhere in the item ("... We suggest watching X by
# Y to fill the gap"): tried on the whole text before the first-sentence patterns below.
_POINTER_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"suggest watching (?P<title>.+?) by (?P<who>[A-Z][\w ]+?) to "),
    re.compile(r"\bIn the (?P<title>[A-Z].+?) section\b"),
    re.compile(r"\bsee (?P<title>Lecture \d+ of .+?)\.?$"),
)
# (pattern, kind hint): tried in order on the item's first sentence; `title` and optional
# `who` (authors) are named groups.
_TITLE_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"^(?P<who>.+?)'s (?:online )?book (?P<title>[A-Z].+?) is "), "book"),
    (re.compile(r"^(?P<title>.+?), a (?:book|text) by (?P<who>.+?), (?:is|was) "), "book"),
    (
        re.compile(r"^(?P<who>[A-Z]\w+ [A-Z]\w+) \w+ .+? in (?:his|her) (?P<title>[A-Z].+?)\.?$"),
        None,
    ),
    (re.compile(r"^(?P<title>.+?) by (?P<who>[A-Z][^.]+?)\.?$"), None),
    (
        re.compile(r"^(?P<title>.+?) (?:is|are|explains|contains|attempts|covers|has) "),
        None,
    ),
    (re.compile(r"^(?P<title>[^,]+?), "), None),
)
_POSSESSIVE = re.compile(r"^(?P<who>[A-Z][\w.-]+(?: [A-Z][\w.-]+)+)'s ")


def split_stars(line: str) -> tuple[str, int | None]:
    """The line without its trailing ★ run, and the number of stars (None when unrated)."""
    text = line.rstrip()
    stripped = text.rstrip(STAR + " ")
    count = text[len(stripped) :].count(STAR)
    return stripped.strip(), (min(count, 3) if count else None)


def section_of(paragraph: str) -> str | None:
    for pattern, name in SECTION_OPENERS:
        if re.search(pattern, paragraph):
            return name
    return None


def _first_sentence(text: str) -> str:
    match = re.match(r"^(.+?[a-z0-9)\"])\.(?:\s|$)", text)
    return match.group(1) if match else text


def cut_title(text: str) -> tuple[str, tuple[str, ...], str | None, str | None]:
    """(title, authors, kind hint, description) of one item sentence."""
    text = squash(text)
    if " - " in text:
        title, rest = text.split(" - ", 1)
        authors = _possessive_author(title)
        return title.strip(), authors, None, sentence_case_start(rest)
    sentence = _first_sentence(text)
    candidates: list[tuple[re.Pattern[str], str | None, str]]
    candidates = [(p, None, text) for p in _POINTER_PATTERNS]
    candidates += [(p, kind, sentence) for p, kind in _TITLE_PATTERNS]
    for pattern, kind, subject in candidates:
        match = pattern.search(subject)
        if not match:
            continue
        who = match.groupdict().get("who")
        authors = tuple(leading_names(who)) if who else ()
        if who and not authors and "by" in pattern.pattern:
            continue  # "X by <not a person>" is not an author phrase
        title = match.group("title").strip(" ,")
        authors = authors or _possessive_author(title)
        description = sentence_case_start(text) if squash(title) != squash(text) else None
        return title, authors, kind, description
    return (
        sentence.strip(" ."),
        _possessive_author(sentence),
        None,
        (sentence_case_start(text) if sentence != text.rstrip(".") else None),
    )


def _possessive_author(title: str) -> tuple[str, ...]:
    match = _POSSESSIVE.match(title)
    return tuple(leading_names(match.group("who"))) if match else ()


def _kind_hint(title: str, description: str | None, hint: str | None) -> str | None:
    if hint:
        return hint
    text = f"{title} {description or ''}".lower()
    if "blog post" in text:
        return "blog"
    if "video course" in text:
        return "course"
    if "jupyter notebook available" in text or "tutorial" in text:
        return "tutorial"
    if "demo" in text:
        return "website"
    return None


def _item(
    text: str, stars: int | None, section: str, position: int, document: str
) -> Mention | None:
    """The mention an item line names, or None when nothing title-like is left of it."""
    chapter = None
    match = _CHAPTER.match(text)
    if match:
        chapter = match.group("num") + (f" ({match.group('part')})" if match.group("part") else "")
        text = match.group("rest")
    if chapter is not None:
        # A chapter line is its title (plus " - what it is"); never cut it at a verb.
        title, _, rest = text.partition(" - ")
        authors: tuple[str, ...] = ()
        hint, description = None, (sentence_case_start(rest) if rest else None)
    else:
        title, authors, hint, description = cut_title(text)
    if not title.strip():
        return None
    return Mention(
        document=document,
        section=section,
        position=position,
        title=title,
        authors=authors,
        year=find_year(title),
        description=description,
        stars=stars,
        kind=_kind_hint(title, description, hint),
        chapter=chapter,
    )


def parse_guide(text: str, document: str) -> list[Mention]:
    """Every resource the guide recommends, in document order."""
    lines = [line for line in text.splitlines() if line.strip()]
    sections: list[str] = []
    section = "Introduction"
    for line in lines:
        if not line.startswith((" ", "\t")):
            section = section_of(line) or section
        sections.append(section)
    rated_sections = {
        sec
        for line, sec in zip(lines, sections, strict=True)
        if line.startswith((" ", "\t")) and split_stars(line)[1] is not None
    }
    mentions: list[Mention] = []
    for line, sec in zip(lines, sections, strict=True):
        if line.startswith((" ", "\t")):
            body, stars = split_stars(line)
            if stars is None and sec in rated_sections:
                continue  # a remark on the paragraph, not a resource
            if body and (item := _item(body, stars, sec, len(mentions), document)):
                mentions.append(item)
            continue
        if sec != "Frameworks":
            continue
        match = _FRAMEWORK.match(line)
        if not match:
            continue
        parts = _SEE_ALSO.split(line.strip(), maxsplit=1)
        prose, see_also = parts[0], (parts[1] if len(parts) > 1 else "")
        mentions.append(
            Mention(
                document=document,
                section=sec,
                position=len(mentions),
                title=match.group("name"),
                description=sentence_case_start(prose),
                kind="website",
            )
        )
        if see_also:
            body, stars = split_stars(see_also)
            if item := _item(body, stars, sec, len(mentions), document):
                mentions.append(item)
    return mentions
