"""What the two copies of the "Useful resources" post (003, 004) share.

Both copies have the same sections and items; they differ in layout (003: blank-line
separated paragraphs with URLs; 004: numbered items, indented abstracts, no URLs). The
reading of an item's text (title, authors, venue, year) and of the layout's headings is the
same, so it lives here.
"""

from __future__ import annotations

import re

from recommender.ingest.mention import Mention
from recommender.ingest.text import find_year, leading_names, sentence_case_start, squash

_TERMINAL = ".:;!?…)]"
_NAMED_TOOL = re.compile(r"\b(?:use|try|see) (?P<name>[A-Z][\w.-]+):$")
# "Title[ (qualifier)][ in Venue] by A. Author, B. Author and C. Author[ (2015)][. Rest]"
_NAME = r"(?:[A-Z]\.?|[A-Z][\w’'-]+)(?: (?:[A-Z]\.?|[A-Z][\w’'-]+))*"
_BY_LINE = re.compile(
    rf"^(?P<title>.+?) by (?P<who>{_NAME}(?:(?:, | and ){_NAME})*)"
    r"(?:\s*\((?P<year>(?:19|20)\d\d)\))?(?:\.\s+(?P<rest>\S.*)|\.?)$"
)
_VENUE = re.compile(r"\s+in\s+(?:Journal|Proceedings|Nature)\b.*$")
_QUALIFIER = re.compile(r"\s*\((?!\d{4}\))[^)]*\)\s*$")
_POST_ON = re.compile(r"(?P<who>[A-Z]\. [A-Z][\w-]+)[’']s .*?\bpost on (?P<title>[A-Z].+?)\.?$")
_AFTER_COLON = re.compile(r"^(?P<before>.+?) : (?P<title>[A-Z].+?)\.?$")
_LAST_COLON = re.compile(r"^(?P<before>.+): (?P<title>[A-Z][^:]+?)\.?$")
_BY_SOMEONE = re.compile(r"\bby (?P<who>[A-Z]\w+ [A-Z]\w+)")
_OWNER = re.compile(r"^(?P<who>[A-Z]\w+(?: [a-z]+)? [A-Z]\w+)[’']s ")
_PREPOSITION_END = re.compile(r"\b(?:on|at|of|to|in|the)$")


def is_heading(line: str, previous: str) -> bool:
    """A section heading: one short capitalised unindented line without final punctuation.

    A short line right after a line ending with ":" is that line's object ("... use
    Mendeley:" / "Free reference manager ..."), not a heading.
    """
    glued = previous.rstrip().endswith(":") and not previous[:1].isspace()
    if not line or line[0].isspace() or glued:
        return False
    text = line.strip()
    return (
        text[:1].isupper()
        and len(text.split()) <= 8
        and text[-1] not in _TERMINAL
        and not text.lower().startswith(("http://", "https://"))
        and not re.match(r"^\d+\.", text)
    )


def named_tool(previous: str) -> str | None:
    """The name a prose line ends on ("... download and use Mendeley:" -> "Mendeley")."""
    match = _NAMED_TOOL.search(previous.strip())
    return match.group("name") if match else None


def parse_item_text(
    head: str,
) -> tuple[str | None, tuple[str, ...], int | None, str | None, str | None]:
    """(title, authors, year, rest, kind hint) of an item's first line.

    The title is None for a bare blurb. "Title by A. Author (2015)" is how the post cites a
    publication, so such items get the weak kind hint `paper`.
    """
    head = squash(head)
    # "Dropout : A Simple Way ..." is one title; elsewhere " : " separates a remark from it.
    match = _BY_LINE.match(head.replace(" : ", ": ", 1))
    if match and leading_names(match.group("who")):
        title = _VENUE.sub("", match.group("title"))
        title = _QUALIFIER.sub("", title).strip(" ,")
        year = int(match.group("year")) if match.group("year") else find_year(match.group("title"))
        rest = match.group("rest")
        return title, tuple(leading_names(match.group("who"))), year, rest, "paper"
    for pattern in (_POST_ON, _AFTER_COLON, _LAST_COLON):
        found = pattern.search(head)
        if not found:
            continue
        title = found.group("title").strip()
        before = found.groupdict().get("before") or ""
        who = found.groupdict().get("who")
        if who is None:
            owner = _BY_SOMEONE.search(before) or _OWNER.match(before)
            who = owner.group("who") if owner else None
        rest = before.strip(" :,") if before and not _PREPOSITION_END.search(before) else None
        return title, ((who,) if who else ()), find_year(title), rest, None
    return None, (), None, None, None


def item_description(title: str | None, rest: str | None, body: list[str], head: str) -> str | None:
    """An item's description: its abstract, else what its head says beside the title."""
    abstract = squash(" ".join(body))
    abstract = re.sub(r"^\[…\]\s*", "", abstract)
    text = squash(" ".join([head, abstract])) if title is None else abstract or squash(rest or "")
    return sentence_case_start(text) if len(text.split()) >= 3 else None


def append_tool_mentions(
    mentions: list[Mention],
    document: str,
    tools: list[tuple[str, str, str]],
    *,
    lossy: bool = False,
) -> None:
    """Tools named at the end of prose lines ("... I use Mendeley: ...") become website
    mentions; both copies of the post name them the same way, so one rule serves both."""
    for section, name, blurb in tools:
        mentions.append(
            Mention(
                document=document,
                section=section,
                position=len(mentions),
                title=name,
                description=sentence_case_start(blurb),
                kind="website",
                lossy=lossy,
            )
        )
