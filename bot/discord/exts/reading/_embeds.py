"""The reading list as pages, and export file names: plain data, tested without Discord."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import formatting, limits
from bot.discord.resources import safe_url, title_text
from bot.service.entries import ReadingEntry
from bot.service.export import normalize_format

PAGE_SIZE = 10
COLOUR = discord.Colour.blue()
STATUS_ICONS = {"reading": "📖", "saved": "🔖", "done": "✅", "dismissed": "🚫"}
EXPORT_FORMATS = ("markdown", "bibtex", "csv", "json")


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def entry_line(entry: ReadingEntry) -> str:
    url = safe_url(entry.url)
    title = title_text(entry.title, 150)
    linked = f"[{title}]({url})" if url else title
    extra = f" · {entry.resource.kind} · {entry.resource.level}" if entry.resource else ""
    gone = "" if entry.in_catalog else " · no longer in the catalog"
    return f"{STATUS_ICONS.get(entry.status, '•')} {linked}{extra}{gone}"


def list_embed(entries: Sequence[ReadingEntry], page: int, size: int = PAGE_SIZE) -> discord.Embed:
    pages = page_count(len(entries), size)
    page = min(max(0, page), pages - 1)
    shown = entries[page * size : (page + 1) * size]
    embed = discord.Embed(
        title="Your reading list",
        description=formatting.truncate(
            "\n".join(entry_line(e) for e in shown), limits.EMBED_DESCRIPTION
        ),
        colour=COLOUR,
    )
    embed.set_footer(
        text=f"Page {page + 1}/{pages} · {len(entries)} resources · 📖 reading 🔖 saved ✅ done"
    )
    return formatting.fit_embed(embed)


def export_filename(fmt: str) -> str:
    return f"deepread-reading-list.{normalize_format(fmt) or 'txt'}"
