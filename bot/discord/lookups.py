"""Autocomplete choices and typed-text resolution for resource and topic options.

Autocomplete answers in well under Discord's 3 s (the catalog is a few hundred titles, scored
by rapidfuzz in C); the choices are `(name, value)` pairs for `formatting.choices`, which
clips them to Discord's limits. A resource option's value is the resource id, but people may
type a title instead of picking: `resolve_resource` accepts both, fuzzily, and asks "did you
mean" rather than guessing when the text is ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz, process

from bot.discord import formatting
from bot.discord.errors import UserFacingError
from bot.discord.resources import inert, option_label
from recommender.catalog import Catalog
from recommender.lookup import lookup, normalize
from recommender.resource import Resource
from recommender.vocabulary import TOPICS

MAX_CHOICES = 25
MAX_TYPED = 200
"""Only this much of what is typed is compared: a 6,000-character paste matches nothing more."""


def _rank(
    items: list[tuple[str, str]], current: str, *, limit: int = MAX_CHOICES
) -> list[tuple[str, str]]:
    """Items whose name starts with / contains the text first, then fuzzy matches."""
    wanted = normalize(current[:MAX_TYPED])
    if not wanted:
        return items[:limit]
    names = [normalize(name) for name, _ in items]
    starts = [i for i, n in enumerate(names) if n.startswith(wanted)]
    contains = [i for i, n in enumerate(names) if wanted in n and not n.startswith(wanted)]
    chosen = starts + contains
    if len(chosen) < limit:
        taken = set(chosen)
        for _, score, i in process.extract(
            wanted, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=55
        ):
            if i not in taken and score:
                chosen.append(int(i))
                taken.add(int(i))
    return [items[i] for i in chosen[:limit]]


def resource_choices(
    catalog: Catalog, current: str, *, where: Callable[[Resource], bool] | None = None
) -> list[tuple[str, str]]:
    """(title, id) pairs matching what is typed so far (an id typed exactly comes first)."""
    pool = [r for r in catalog if where is None or where(r)]
    items = [(option_label(r), r.id) for r in pool]
    ranked = _rank(items, current)
    exact = catalog.by_id(current.strip())
    if exact is not None and (where is None or where(exact)):
        ranked = [(option_label(exact), exact.id)] + [p for p in ranked if p[1] != exact.id]
    return ranked[:MAX_CHOICES]


def topic_choices(current: str) -> list[tuple[str, str]]:
    """(label, label) pairs of the vocabulary's topics (a label is a query the engine
    understands); what is typed is offered first, so "rnn beginner" can be sent as it is."""
    items = [(t.label, t.label) for t in TOPICS]
    ranked = _rank(items, current)
    typed = " ".join(current.split())
    if typed and formatting.discord_len(typed) <= 100 and typed not in {v for _, v in ranked}:
        ranked = [(typed, typed), *ranked]
    return ranked[:MAX_CHOICES]


def _close_enough(text: str, resource: Resource) -> bool:
    """Whether typed text names `resource` plainly enough to act on without asking.

    `lookup` also accepts a lone partial match ("rnn" inside one long title); marking a
    resource as read on such a guess is worse than asking, so the Discord face asks.
    """
    typed, title = normalize(text), normalize(resource.title)
    if text.strip() in (resource.id, resource.id.lower()) or typed == title:
        return True
    if len(typed) >= 8 and typed in title:
        return True
    return fuzz.ratio(typed, title) >= 85


def resolve_resource(catalog: Catalog, text: str) -> Resource:
    """The resource `text` names (an id from autocomplete, or a typed title)."""
    if not text.strip():
        raise UserFacingError(
            "Tell me which resource: start typing its title and pick one from the list.",
            suggestion="Use /recommend to find something to read.",
        )
    resolution = lookup(catalog, text[:MAX_TYPED])
    if resolution.resource is not None and _close_enough(text, resolution.resource):
        return resolution.resource
    candidates = [c.resource for c in resolution.candidates]
    if resolution.resource is not None:
        candidates = [resolution.resource]
    shown = inert(formatting.truncate(" ".join(text.split()), 80))
    if not candidates:
        raise UserFacingError(
            f"I couldn't find a resource matching “{shown}”.",
            suggestion="Start typing a title and pick it from the list, or try /recommend.",
        )
    options = "\n".join(
        f"• {inert(formatting.truncate(r.title, 120))} (`{r.id}`)" for r in candidates[:5]
    )
    raise UserFacingError(
        f"I'm not sure which resource “{shown}” is. Did you mean:\n{options}",
        suggestion="Pick one from the autocomplete list to be sure.",
    )
