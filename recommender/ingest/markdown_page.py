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


def _items(tokens: list[Any], section: list[str]) -> Iterator[tuple[str, Any]]:
    """(section, inline token) for every paragraph that holds an item; `section` holds the
    current section (h1-h3 heading) going in, and is updated in place."""
    heading_level = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading_level = token.tag
        elif token.type == "inline" and heading_level:
            if heading_level in ("h1", "h2", "h3"):
                section[0] = squash(token.content)
            heading_level = ""
        elif token.type == "inline" and index > 0 and tokens[index - 1].type == "paragraph_open":
            yield section[0], token


# --- reading a page in chunks ----------------------------------------------------------------

CHUNK_LINES = 2000
"""A page is parsed a few sections at a time, so a list of 100,000 links never holds the
tokens of all of them at once (markdown-it's tokens are most of the memory an import used)."""
_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:", re.MULTILINE)
_LINK_IN_LINE = re.compile(r"\[([^\]]*)\]\(")
_LEAF_TOKENS = frozenset({"inline", "fence", "code_block", "html_block", "hr"})


def _chunks(lines: list[str]) -> Iterator[list[str]]:
    """Runs of about CHUNK_LINES lines, cut only before a top-level ATX heading outside a
    fenced code block: such a heading ends every open paragraph, list and quote, so parsing
    the runs one by one gives what parsing the whole page gives."""
    start, fence = 0, ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match and (not fence or match.group(1).startswith(fence)):
            fence = "" if fence else match.group(1)
        elif not fence and index - start >= CHUNK_LINES and _ATX_HEADING.match(line):
            yield lines[start:index]
            start = index
    yield lines[start:]


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark")
    # Links of every scheme are read as links, so that an item linking to `javascript:` or
    # `data:` is an item without a usable URL (which `import` reports), not plain text that
    # silently disappears. Nothing here is ever rendered as HTML.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def _parse_chunk(
    parser: MarkdownIt, lines: list[str], env: dict[str, Any], first_line: int, skipped: list[str]
) -> list[Any]:
    """The chunk's tokens. Lists nested deeper than markdown-it allows (`maxNesting`) end the
    parse there, silently: the too-deep lines are named in `skipped` and blanked, and the
    chunk parsed again, so that what follows them is still read."""
    limit = int(parser.options["maxNesting"]) - 1
    for _ in range(len(lines)):
        tokens = parser.parse("".join(lines), dict(env))
        if not any(token.level >= limit for token in tokens):
            return tokens
        covered: set[int] = set()
        for token in tokens:
            if token.type in _LEAF_TOKENS and token.map:
                covered.update(range(*token.map))
        lost = next((i for i, line in enumerate(lines) if line.strip() and i not in covered), None)
        if lost is None:
            return tokens
        depth = len(lines[lost]) - len(lines[lost].lstrip())
        end = lost
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) >= depth
        ):
            for title in _LINK_IN_LINE.findall(lines[end]):
                where = f"line {first_line + end + 1}"
                skipped.append(f"{squash(title) or '(untitled)'}: nested too deeply ({where})")
            end += 1
        lines = [*lines[:lost], *("\n" for _ in range(lost, end)), *lines[end:]]
    return parser.parse("".join(lines), dict(env))


def iter_markdown_page(
    text: str, document: str, skipped: list[str] | None = None
) -> Iterator[Mention]:
    """Every linked item of a Markdown page, in document order, read a chunk at a time.

    Items the parser cannot read (lists nested too deeply) are described in `skipped`.
    """
    parser = _parser()
    lost: list[str] = [] if skipped is None else skipped
    lines = strip_front_matter(text).splitlines(keepends=True)
    env: dict[str, Any] = {}
    if _REFERENCE.search(text):  # reference-style links may be defined in another chunk
        definitions = [line for line in lines if _REFERENCE.match(line)]
        try:
            parser.parse("".join(definitions), env)
        except Exception:
            env = {}
    section = [""]
    position = 0
    first_line = 0
    for chunk in _chunks(lines):
        try:
            tokens = _parse_chunk(parser, chunk, env, first_line, lost)
        except Exception:  # markdown-it is total on text; a defect there must not stop a build
            tokens = []
        first_line += len(chunk)
        for item_section, token in _items(tokens, section):
            title, href, tail = _inline_parts(token.children or [])
            if not title:
                continue
            authors, year, description = _parse_tail(tail)
            complete = not (authors and _names_only_first_authors(tail))
            yield Mention(
                document=document,
                section=item_section,
                position=position,
                title=title,
                url=clean_url(href),
                authors=authors,
                authors_complete=complete,
                year=year,
                description=description,
                kind=section_kind(item_section),
            )
            position += 1


def parse_markdown_page(
    text: str, document: str, skipped: list[str] | None = None
) -> list[Mention]:
    """Every linked item of a "Deep Learning Resources" page, in document order."""
    return list(iter_markdown_page(text, document, skipped))
