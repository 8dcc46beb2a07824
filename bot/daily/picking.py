"""Which resource a due guild gets: no repeats within a cycle, least-read first.

A cycle is a run of posts that covers every currently eligible resource once. The current
cycle is found by replaying the guild's history against today's candidate set, so it stays
right when the catalog grows (a new resource simply joins the open cycle) or the guild changes
its topic (old posts outside the new candidates are ignored).
Within the cycle, the pick is the unposted candidate the fewest members have read; ties go to
the recommender's ranking (earlier = more relevant), which makes the choice deterministic.
When a new cycle starts, the resource that closed the previous one is not picked first
(unless it is the only candidate), so the same thing is never posted twice in a row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def current_cycle(candidates: Sequence[str], posted: Sequence[str]) -> frozenset[str]:
    """The candidates already posted in the open cycle (`posted` is oldest first)."""
    eligible = frozenset(candidates)
    seen: set[str] = set()
    for resource_id in posted:
        if resource_id in eligible:
            seen.add(resource_id)
            if len(seen) == len(eligible):
                seen = set()
    return frozenset(seen)


def choose_resource(
    candidates: Sequence[str],
    posted: Sequence[str],
    read_counts: Mapping[str, int] | None = None,
) -> str | None:
    """Pick today's resource for one guild, or None when there are no candidates.

    `candidates`: eligible resource ids, best-ranked first (already filtered by topic and
    level); duplicates are ignored. `posted`: ids this guild was sent, oldest first.
    `read_counts`: resource id -> how many of the guild's members have read it (missing = 0).
    """
    ordered = list(dict.fromkeys(candidates))
    if not ordered:
        return None
    done = current_cycle(ordered, posted)
    remaining = [rid for rid in ordered if rid not in done]
    if not done and len(remaining) > 1 and posted and posted[-1] in remaining:
        remaining.remove(posted[-1])
    reads = read_counts or {}
    rank = {rid: index for index, rid in enumerate(ordered)}
    return min(remaining, key=lambda rid: (reads.get(rid, 0), rank[rid]))
