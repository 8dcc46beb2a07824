"""Which readings a club's poll offers, and which one wins.

Candidates: the club's eligible resources (topic and level already applied, best-ranked
first), minus what the club already read and what the server said is not for it, ordered by
how many of the server's active members have read each (fewest first), then by the server's
feedback leaning (topics members found useful first), then by rank. Three or four of them.

Winner: the most votes. Ties go to the candidate the fewest members have read (at closing
time), then to the one listed first in the poll: `terms.TIE_RULE` says so in the
announcement.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from bot.club.terms import MAX_CANDIDATES


def choose_candidates(
    ranked: Sequence[str],
    read_counts: Mapping[str, int],
    *,
    excluded: Collection[str] = (),
    leaning: Mapping[str, float] | None = None,
    k: int = MAX_CANDIDATES,
) -> tuple[str, ...]:
    """Up to `k` candidate ids for a poll, in poll order (see the module's rule)."""
    lean = leaning or {}
    skip = set(excluded)
    ordered = [rid for rid in dict.fromkeys(ranked) if rid not in skip]
    rank = {rid: i for i, rid in enumerate(ordered)}
    ordered.sort(key=lambda rid: (read_counts.get(rid, 0), -lean.get(rid, 0.0), rank[rid]))
    return tuple(ordered[:k])


def poll_winner(
    candidates: Sequence[str], counts: Sequence[int], read_counts: Mapping[str, int]
) -> str:
    """The winning candidate: most votes; ties by fewest readers, then poll order.

    `counts[i]` is candidate i's votes; missing counts are zero (a poll whose results could
    not be read is decided by the tie rule alone).
    """
    if not candidates:
        raise ValueError("a poll without candidates has no winner")
    votes = list(counts) + [0] * (len(candidates) - len(counts))

    def key(index: int) -> tuple[int, int, int]:
        return (-votes[index], read_counts.get(candidates[index], 0), index)

    return candidates[min(range(len(candidates)), key=key)]


def was_tie(candidates: Sequence[str], counts: Sequence[int]) -> bool:
    """Whether the top vote count was shared (the announcement then names the rule used)."""
    votes = list(counts) + [0] * (len(candidates) - len(counts))
    if not votes:
        return False
    top = max(votes)
    return votes.count(top) > 1
