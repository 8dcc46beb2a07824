"""The one fuzzy-matching policy: how close typed text must be to a name to count, and how.

Every "did you mean", typo correction, autocomplete and title match in deepread goes through
here (rapidfuzz, in C), so the thresholds live side by side and two features never disagree
on what "close" means. Scores are rapidfuzz's 0-100.

- `WRatio` (`ranked`, `best`) tolerates word order and partial strings: right for a few
  words against a long title or label.
- `ratio` (`same_text`, `correct_word`) is plain edit similarity: right for one word or two
  spellings of the same title.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from rapidfuzz import fuzz, process

# --- thresholds --------------------------------------------------------------------------------

SUGGEST = 60.0
"""A title or name this close is offered as "did you mean" (never acted on alone)."""
ACCEPT = 88.0
"""A title match this good, and `MARGIN` ahead of the next one, is taken as the answer."""
MARGIN = 6.0
LONE = 80.0
"""A slightly weaker title match is still taken when nothing else comes within `LONE_MARGIN`."""
LONE_MARGIN = 20.0
AUTOCOMPLETE = 55.0
"""Autocomplete lists looser matches after those that start with or contain the text."""
SPELLING = 80.0
"""A title offered by spelling alone (a `/paper` query that matched no words)."""
TOPIC_LABEL = 86.0
"""A query that names no topic term must be this close to a topic's label to mean it."""
CLOSE_NAME = 75.0
"""Time-zone cities, topic labels, ids: a mistyped name offered as "did you mean"."""
TYPO = 85.0
"""A query word corrected to a catalog word (same first letter): `reccurent` → recurrent (89),
but not `bert` → robert or `cooking` → choosing (80)."""
SAME_TITLE = 85.0
"""Two spellings of one title (source documents that disagree on punctuation or case)."""
SHARED_URL_TITLE = 60.0
"""Two mentions sharing a URL whose titles are less alike than this: a wrong link, not one
resource (lowercase titles, plain `ratio`)."""

Scorer = Literal["wratio", "ratio"]
_SCORERS = {"wratio": fuzz.WRatio, "ratio": fuzz.ratio}


def normalize(text: str) -> str:
    """Lowercase, accents off, punctuation as spaces, single spaces: what titles compare as."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def ranked(
    query: str,
    choices: Mapping[Any, str] | Sequence[str],
    *,
    cutoff: float,
    limit: int,
    scorer: Scorer = "wratio",
) -> list[tuple[Any, float]]:
    """The `limit` best (key, score) pairs at or above `cutoff`, best first.

    `choices` is a mapping key -> text, or a sequence (keys are then positions).
    """
    if not query or limit <= 0:
        return []
    found = process.extract(
        query, choices, scorer=_SCORERS[scorer], score_cutoff=cutoff, limit=limit
    )
    return [(key, float(score)) for _text, score, key in found]


def best(
    query: str,
    choices: Mapping[Any, str] | Sequence[str],
    *,
    cutoff: float,
    scorer: Scorer = "wratio",
) -> tuple[Any, float] | None:
    """The single best (key, score) at or above `cutoff`, or None."""
    top = ranked(query, choices, cutoff=cutoff, limit=1, scorer=scorer)
    return top[0] if top else None


def close_names(query: str, names: Iterable[str], *, limit: int = 3) -> list[str]:
    """Names spelt like `query` (case-insensitive), best first: the "did you mean" of a
    mistyped city, topic label or id."""
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(name.casefold(), name)
    keys = list(folded)
    hits = ranked(query.casefold(), keys, cutoff=CLOSE_NAME, limit=limit, scorer="ratio")
    return [folded[keys[i]] for i, _ in hits]


def same_text(a: str, b: str, *, threshold: float = SAME_TITLE) -> bool:
    """Whether two strings are the same text spelt a little differently."""
    return fuzz.ratio(a, b) >= threshold


def covers(typed: str, title: str, *, share: float = 0.75) -> bool:
    """Whether most typed words (normalised) are words of the title, spelt about the same
    (two adjacent title words count as one: "pretraining" for "pre training").

    WRatio scores a few words found among unrelated others ("rnn" in a paste of markup and a
    link) as highly as a title typed with a typo; acting on a match needs this too.
    """
    words = typed.split()
    if not words:
        return False
    parts = title.split()
    pool = parts + [a + b for a, b in itertools.pairwise(parts)]
    hits = sum(1 for w in words if any(fuzz.ratio(w, p) >= TYPO for p in pool))
    return hits >= share * len(words)


def clearly_best(scores: Sequence[float]) -> bool:
    """Whether the first of these (best-first) title scores is good and far enough ahead to
    act on without asking: a strong match with a margin, or a decent one with nothing near."""
    if not scores:
        return False
    top = scores[0]
    lead = top - (scores[1] if len(scores) > 1 else 0.0)
    return (top >= ACCEPT and lead >= MARGIN) or (top >= LONE and lead >= LONE_MARGIN)
