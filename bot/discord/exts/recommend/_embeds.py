"""The /recommend reply as plain data: embed text for a page of results, select options.

Pure (no Discord I/O), so the limits are tested directly: the description of five results
stays under 4096 whatever the catalog holds, and every select option fits its 100 characters.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.discord import callback, formatting, limits
from bot.discord.resources import (
    inert,
    option_description,
    option_label,
    resource_block,
    title_text,
)
from bot.service import Recommendation, Resource

PAGE_SIZE = 5
COLOUR = discord.Colour.blurple()


@dataclass(frozen=True, slots=True)
class Request:
    """What the user asked for, kept by the view so "More" asks the same again."""

    topic: str
    level: str | None = None
    kind: str | None = None


def heading(request: Request) -> str:
    topic = inert(formatting.truncate(" ".join(request.topic.split()), 120))
    extras = [x for x in (request.level, request.kind) if x]
    suffix = f" ({', '.join(extras)})" if extras else ""
    return f"Reading for “{topic}”{suffix}"


MARKERS = {"done": "✅", "saved": "🔖"}
"""How a resource the user acted on from the list shows in it (dismissed ones are struck)."""
CLOSED = frozenset({"done", "dismissed"})
"""Statuses after which a resource leaves every select of the list: nothing more to do."""


@functools.lru_cache(maxsize=4096)
def block(position: int, result: Recommendation, status: str | None) -> str:
    """One resource of the page, as the user's actions from this list left it (pure and
    frozen in, text out: a burst of the same question formats each block once)."""
    if status == "dismissed":
        # One struck line: the details of something the user said is not for them are noise.
        return f"~~**{position}.** {title_text(result.resource.title)}~~ · not for you"
    text = resource_block(position, result.resource, result.why)
    marker = MARKERS.get(status or "")
    return f"{marker} {text}" if marker else text


def page_text(
    results: Sequence[Recommendation], offset: int, marks: Mapping[str, str] | None = None
) -> str:
    marks = marks or {}
    blocks = [block(offset + i + 1, r, marks.get(r.resource.id)) for i, r in enumerate(results)]
    return formatting.truncate("\n\n".join(blocks), limits.EMBED_DESCRIPTION)


def page_embed(
    request: Request,
    results: Sequence[Recommendation],
    offset: int,
    marks: Mapping[str, str] | None = None,
) -> discord.Embed:
    """The page; `marks` (resource id -> status) are the actions taken from this list."""
    return _page_embed(request, results, offset, _shown(results, marks))


def page_encoded(
    request: Request,
    results: Sequence[Recommendation],
    offset: int,
    marks: Mapping[str, str] | None = None,
) -> callback.EncodedEmbed:
    """`page_embed`, fitted and encoded: what a list sends on every click."""
    return _page_encoded(request, tuple(results), offset, _shown(results, marks))


def _shown(
    results: Sequence[Recommendation], marks: Mapping[str, str] | None
) -> tuple[tuple[str, str], ...]:
    """The marks made on this page, in a stable order (part of the page's cache key)."""
    marks = marks or {}
    return tuple(
        sorted((r.resource.id, marks[r.resource.id]) for r in results if r.resource.id in marks)
    )


@functools.lru_cache(maxsize=1024)
def _page_encoded(
    request: Request,
    results: tuple[Recommendation, ...],
    offset: int,
    shown: tuple[tuple[str, str], ...],
) -> callback.EncodedEmbed:
    # Built once per (question, page, marks on it): in a burst on one topic the members'
    # lists are the same page, and their clicks leave it in the same few states.
    return callback.encoded(_page_embed(request, results, offset, shown))


def _page_embed(
    request: Request,
    results: Sequence[Recommendation],
    offset: int,
    shown: tuple[tuple[str, str], ...],
) -> discord.Embed:
    embed = discord.Embed(
        title=heading(request), description=page_text(results, offset, dict(shown)), colour=COLOUR
    )
    first, last = offset + 1, offset + len(results)
    embed.set_footer(
        text=f"Results {first}–{last} · already finished or dismissed ones are left out"
    )
    return formatting.fit_embed(embed)


def open_for(status: str, mark: str | None) -> bool:
    """Whether a resource marked `mark` from this list can still be given `status`: a saved
    one may yet be read or dismissed; a read or dismissed one is done with."""
    return mark is None or (mark not in CLOSED and mark != status)


def select_options(
    results: Sequence[Recommendation],
    marks: Mapping[str, str] | None = None,
    status: str | None = None,
) -> list[discord.SelectOption]:
    """Options of the select giving `status`: the page's resources still open for it."""
    marks = marks or {}
    return [
        resource_option(r.resource)
        for r in results[: limits.SELECT_OPTIONS]
        if status is None or open_for(status, marks.get(r.resource.id))
    ]


@functools.lru_cache(maxsize=4096)
def resource_option(resource: Resource) -> discord.SelectOption:
    """A resource's option (label, value, description, clipped to their limits): each list
    offers it in three selects, and every click on the list sends them again, so it is made
    once and shared. Shared means read-only: nothing (discord.py included) changes an option
    after it is made."""
    return formatting.select_option(
        option_label(resource), resource.id, option_description(resource)
    )
