"""The words of /help, kept apart from Discord code so they are tested as plain data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ABOUT = (
    "I recommend deep-learning reading — papers, courses, books, posts and videos — from a "
    "curated catalog, matched to a topic and to your level, and I keep track of what you "
    "have read so the next pick builds on it."
)


@dataclass(frozen=True)
class HelpEntry:
    name: str
    usage: str
    summary: str


ENTRIES: tuple[HelpEntry, ...] = (
    HelpEntry(
        "recommend",
        "/recommend topic [level] [kind]",
        "the top 5 picks for a topic (“rnn beginner”), with mark, save and More",
    ),
    HelpEntry("paper", "/paper query", "one paper: authors, year, summary, related"),
    HelpEntry("ask", "/ask question", "passages from the catalog that answer a question"),
    HelpEntry("similar", "/similar resource", "resources close to one you liked"),
    HelpEntry("path", "/path topic", "a reading path from basics to advanced, ✅ on what you read"),
    HelpEntry("read", "/read resource", "mark a resource as read"),
    HelpEntry("save", "/save resource", "save a resource for later"),
    HelpEntry("progress", "/progress [public]", "what you have read, by topic and level"),
    HelpEntry("readinglist", "/readinglist", "the resources you saved or read"),
    HelpEntry("export", "/export format", "your reading list as Markdown, BibTeX, CSV or JSON"),
    HelpEntry("forgetme", "/forgetme", "delete everything deepread knows about you"),
    HelpEntry(
        "daily",
        "/daily set|off|status|preview|now",
        "a daily pick posted in a channel, with a discussion thread (moderators)",
    ),
    HelpEntry("suggest", "/suggest link [note]", "suggest reading for this server's own catalog"),
    HelpEntry(
        "catalog",
        "/catalog review|add|remove|list|export|clear",
        "moderators curate this server's additions",
    ),
    HelpEntry(
        "club",
        "/club start|status|pick|skip|stop",
        "a reading club: a poll picks the reading, a thread discusses it",
    ),
    HelpEntry("popular", "/popular [period]", "what this server read, saved and found useful"),
    HelpEntry("next", "/next [group]", "what you (or the group) are ready to read next"),
    HelpEntry("leaderboard", "/leaderboard [period]", "most readings finished (opt-in only)"),
    HelpEntry("help", "/help", "this message"),
)


def split_by_availability(
    registered: Iterable[str],
) -> tuple[list[HelpEntry], list[HelpEntry]]:
    """(commands this bot has now, commands announced but not installed yet).

    /help must never advertise a command that would answer "unknown command".
    """
    present = set(registered)
    available = [e for e in ENTRIES if e.name in present]
    coming = [e for e in ENTRIES if e.name not in present]
    return available, coming


def help_text(registered: Iterable[str]) -> str:
    available, coming = split_by_availability(registered)
    lines = [ABOUT, "", "**Commands**"]
    lines += [f"`{e.usage}` — {e.summary}" for e in available]
    if coming:
        lines += ["", "**Coming soon**", ", ".join(f"`/{e.name}`" for e in coming)]
    return "\n".join(lines)
