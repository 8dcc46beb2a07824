"""Discussion prompts for a resource, made by rule from the catalog (no language model).

Three kinds of prompt, each from something the resource itself says:
- its key terms: the heaviest features of its row in the index (what sets it apart from
  the rest of the catalog), shown as people wrote them;
- its summary's claims: the summary's sentences, quoted, to be weighed;
- its relation to what the group read: a prerequisite of it they finished, or something on
  the same topic they finished, to compare with.
Two or three prompts come out; a resource with no abstract still gets its terms and a
question about what it needs and gives.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recommender.explain import Indexed
from recommender.index import host_words
from recommender.resource import Resource
from recommender.text import split_sentences, stem, words
from recommender.vocabulary import topic_label

MAX_PROMPTS = 3
MAX_CLAIM_CHARS = 200
THREAD_NAME_CHARS = 100
"""Discord's limit for a thread's name."""


def key_terms(engine: Indexed, row: int, k: int = 3) -> tuple[str, ...]:
    """The `k` heaviest terms of a resource's index row, in the resource's own words.

    Its authors' and site's names are left out: "riedmiller" is in the row (people search by
    author) but is no idea to discuss; nor is a year. A pair of words counts only when the
    title or summary says the two together (the index also pairs words across a stop word:
    "learning at Google" gives "learning google"). Each term is shown as the resource first
    writes it, not as the catalog most often spells the stem.
    """
    ids, weights = engine.row_terms(row)
    resource = engine.resources[row]
    names = {stem(w) for w in [*words(" ".join(resource.authors)), *host_words(resource)]}
    written = words(f"{resource.title}. {resource.description or ''}")
    stems = [stem(w) for w in written]
    own: dict[str, str] = {}
    for i, word in enumerate(written):
        own.setdefault(stems[i], word)
        if i + 1 < len(written):
            own.setdefault(f"{stems[i]} {stems[i + 1]}", f"{word} {written[i + 1]}")
    chosen: list[str] = []
    for i in np.argsort(-weights, kind="stable"):
        feature = engine.terms[int(ids[i])]
        parts = feature.split(" ")
        if any(part in names or part.isdigit() for part in parts):
            continue  # a name or a year is no idea to discuss
        if len(parts) > 1 and feature not in own:
            continue  # a pair the resource never writes together
        if any(part in c.split(" ") for c in chosen for part in parts):
            continue
        chosen.append(feature)
        if len(chosen) == k:
            break
    return tuple(
        own.get(c) or " ".join(engine.surface.get(p, p) for p in c.split(" ")) for c in chosen
    )


def claims(summary: str, k: int = 2) -> tuple[str, ...]:
    """Up to `k` sentences of a summary, each at most `MAX_CLAIM_CHARS` long."""
    found: list[str] = []
    for sentence in split_sentences(" ".join(summary.split())):
        text = sentence.strip()
        if len(text.split()) < 5:
            continue
        if len(text) > MAX_CLAIM_CHARS:
            text = text[: MAX_CLAIM_CHARS - 1].rsplit(" ", 1)[0] + "…"
        found.append(text)
        if len(found) == k:
            break
    return tuple(found)


def thread_name(resource: Resource) -> str:
    """The discussion thread's name: the title on one line, within Discord's limit."""
    title = " ".join("".join(c if c.isprintable() else " " for c in resource.title).split())
    title = title or resource.id
    if len(title) <= THREAD_NAME_CHARS:
        return title
    return title[: THREAD_NAME_CHARS - 1].rstrip() + "…"


def _joined(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def prompts(
    resource: Resource,
    terms: Sequence[str],
    summary_claims: Sequence[str],
    read: Sequence[Resource],
) -> tuple[str, ...]:
    """Two or three prompts for `resource` from its terms, its claims and `read` (what the
    group finished, most relevant first)."""
    found: list[str] = []
    if terms:
        found.append(
            f"Key terms: {_joined(list(terms))}. How would you explain “{terms[0]}” to "
            "someone who has not read it?"
        )
    if summary_claims:
        found.append(
            f"It says: “{summary_claims[0]}” Is that convincing, and where might it not hold?"
        )
    found.append(_relation(resource, read))
    if len(found) < 2:
        found.append(
            f"What does this {resource.kind} assume you already know, and what would you read "
            "next to go further?"
        )
    return tuple(found[:MAX_PROMPTS])


def _relation(resource: Resource, read: Sequence[Resource]) -> str:
    builds_on = [r for r in read if r.id in resource.prerequisites]
    if builds_on:
        return f"It builds on “{builds_on[0].title}”, which the group read: what does it add?"
    shared = [r for r in read if r.id != resource.id and set(r.topics) & set(resource.topics)]
    if shared:
        other = shared[0]
        topic = next(t for t in resource.topics if t in other.topics)
        return (
            f"The group read “{other.title}” on {topic_label(topic)}: what does each "
            "explain better?"
        )
    return (
        "Nothing the group read is close to this one yet: which idea in it would you try "
        "first, and on what?"
    )
