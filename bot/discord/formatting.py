"""Text shaping that keeps every message inside Discord's limits (`limits`) and safe to echo.

Discord rejects a whole message when one string is too long, so nothing is sent unclipped:
`truncate` for single strings, `fit_embed` for an embed's 6000-character budget, and the
choice/option/label helpers for components. Lengths are counted in UTF-16 code units, the
stricter of the ways Discord's clients and API count, so an emoji-heavy title cannot slip
past a limit that a code-point count would let through.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, cast

import discord
from discord import app_commands

from bot.discord import limits

P = ParamSpec("P")
ELLIPSIS = "…"
# Markdown that discord.utils.escape_markdown leaves alone: headings and ordered lists.
_HEADING = re.compile(r"(?m)^(\s*)(#{1,3}\s)")
_ORDERED = re.compile(r"(?m)^(\s*\d+)(\.\s)")


def discord_len(text: str) -> int:
    """Length as Discord's limits count it (UTF-16 code units). A lone surrogate (an option
    such as "rnn \\udcff" arrives as one from JSON) counts as the one unit it is."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def valid_unicode(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD: what can be encoded and sent."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def truncate(text: str, limit: int) -> str:
    """`text` if it fits in `limit`, else its longest prefix that fits followed by "…";
    valid Unicode either way (`valid_unicode`)."""
    if limit <= 0:
        return ""
    text = valid_unicode(text)
    if discord_len(text) <= limit:
        return text
    budget = limit - discord_len(ELLIPSIS)
    out: list[str] = []
    used = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > budget:
            break
        out.append(char)
        used += width
    return "".join(out).rstrip() + ELLIPSIS


def escape(text: str) -> str:
    """User text made inert: no markdown, no headings or lists, no @everyone/@here.

    Mentions of users and roles stay visible but never ping: every message also carries
    `allowed_mentions` with nothing allowed (set on the client).
    """
    escaped = discord.utils.escape_markdown(text)
    escaped = _HEADING.sub(r"\1\\\2", escaped)
    escaped = _ORDERED.sub(r"\1\\\2", escaped)
    return discord.utils.escape_mentions(escaped)


def embed_length(embed: discord.Embed) -> int:
    """What an embed counts against the 6000 total."""
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts.append(embed.author.name or "")
    for f in embed.fields:
        parts += [f.name or "", f.value or ""]
    return sum(discord_len(p) for p in parts)


_EMBED_PARTS = ("author", "footer", "thumbnail", "image", "video", "provider")


def detached_copy(embed: discord.Embed) -> discord.Embed:
    """A copy sharing nothing mutable with `embed` (discord.py's `Embed.copy` shares the list
    of fields and the author/footer dicts: clearing the copy's fields would clear both)."""
    data: dict[str, Any] = dict(embed.to_dict())
    if "fields" in data:
        data["fields"] = [dict(f) for f in data["fields"]]
    for part in _EMBED_PARTS:
        if part in data:
            data[part] = dict(data[part])
    return discord.Embed.from_dict(data)


def reused_embeds(
    maxsize: int,
) -> Callable[[Callable[P, discord.Embed]], Callable[P, discord.Embed]]:
    """Build each embed once for the same (hashable, immutable) arguments, and hand out
    detached copies, so a caller changing its copy changes nobody else's.

    For pure builders of answers that repeat: escaping and fitting an embed takes a few
    hundred microseconds, and a burst of the same question (a study group after a talk) would
    pay it for every member."""

    def wrap(build: Callable[P, discord.Embed]) -> Callable[P, discord.Embed]:
        # (the arguments must be hashable: lru_cache says so at the first call otherwise)
        cached = cast(Callable[P, discord.Embed], functools.lru_cache(maxsize=maxsize)(build))

        @functools.wraps(build)
        def built(*args: P.args, **kwargs: P.kwargs) -> discord.Embed:
            return detached_copy(cached(*args, **kwargs))

        return built

    return wrap


def fit_embed(embed: discord.Embed, budget: int = limits.EMBED_TOTAL) -> discord.Embed:
    """A copy of `embed` within every per-part limit and `budget` characters in total.

    Order of sacrifice when over budget: the description shrinks to 1024, then fields go
    from the end (the first ones are the most relevant), then the description shrinks further.
    Title, author and footer are kept (together at most 2560, well under any budget used).
    """
    out = detached_copy(embed)
    if out.title:
        out.title = truncate(out.title, limits.EMBED_TITLE)
    if out.description:
        out.description = truncate(out.description, limits.EMBED_DESCRIPTION)
    if out.footer.text:
        out.set_footer(
            text=truncate(out.footer.text, limits.EMBED_FOOTER), icon_url=out.footer.icon_url
        )
    if out.author.name:
        out.set_author(
            name=truncate(out.author.name, limits.EMBED_AUTHOR),
            url=out.author.url,
            icon_url=out.author.icon_url,
        )
    fields = [
        (
            truncate(f.name or "\u200b", limits.EMBED_FIELD_NAME) or "\u200b",
            truncate(f.value or "\u200b", limits.EMBED_FIELD_VALUE) or "\u200b",
            bool(f.inline),
        )
        for f in out.fields[: limits.EMBED_FIELDS]
    ]
    _set_fields(out, fields)
    if embed_length(out) <= budget:
        return out
    if out.description and discord_len(out.description) > 1024:
        over = embed_length(out) - budget
        keep = max(1024, discord_len(out.description) - over)
        out.description = truncate(out.description, keep)
    while fields and embed_length(out) > budget:
        fields.pop()
        _set_fields(out, fields)
    if out.description and embed_length(out) > budget:
        over = embed_length(out) - budget
        out.description = truncate(out.description, discord_len(out.description) - over) or None
    return out


def _set_fields(embed: discord.Embed, fields: list[tuple[str, str, bool]]) -> None:
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)


def fit_content(text: str | None) -> str | None:
    return None if text is None else truncate(text, limits.MESSAGE_CONTENT)


def choices(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """At most 25 autocomplete choices with names clipped to 100.

    A value longer than 100 is skipped rather than clipped: a clipped value would no longer
    name the thing the user picked.
    """
    out: list[app_commands.Choice[str]] = []
    for name, value in pairs:
        if discord_len(value) > limits.CHOICE_VALUE or not value:
            continue
        out.append(
            app_commands.Choice(name=truncate(name, limits.CHOICE_NAME) or value, value=value)
        )
        if len(out) == limits.AUTOCOMPLETE_CHOICES:
            break
    return out


def select_option(label: str, value: str, description: str | None = None) -> discord.SelectOption:
    if discord_len(value) > limits.SELECT_VALUE:
        raise ValueError(f"select option value longer than {limits.SELECT_VALUE}: {value!r}")
    return discord.SelectOption(
        label=truncate(label, limits.SELECT_LABEL) or value,
        value=value,
        description=truncate(description, limits.SELECT_DESCRIPTION) if description else None,
    )


def button_label(text: str) -> str:
    return truncate(text, limits.BUTTON_LABEL)


def custom_id(*parts: str) -> str:
    """`deepread:part:part`, refusing (a programming error) anything over 100 characters."""
    value = ":".join(("deepread", *parts))
    if discord_len(value) > limits.CUSTOM_ID:
        raise ValueError(f"custom_id longer than {limits.CUSTOM_ID}: {value!r}")
    return value
