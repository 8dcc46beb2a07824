"""How members' "Useful" / "Not for us" votes steer what a server is offered next.

A vote is about one resource, but the server's taste is about kinds of reading: each vote
leans the server towards (useful) or away from (not for us) the resource's topics. A
resource's leaning is the mean leaning of its topics, in [-1, 1]. The resource a server
voted "not for us" on balance is never offered again. Pure: votes in, numbers out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from recommender.resource import Resource


def topic_leaning(
    votes: Mapping[str, tuple[int, int]], resources: Mapping[str, Resource]
) -> dict[str, float]:
    """Topic slug -> (useful - not for us) / all votes on resources of that topic."""
    net: dict[str, int] = {}
    total: dict[str, int] = {}
    for rid, (useful, not_for_us) in votes.items():
        resource = resources.get(rid)
        if resource is None:
            continue
        for topic in resource.topics:
            net[topic] = net.get(topic, 0) + useful - not_for_us
            total[topic] = total.get(topic, 0) + useful + not_for_us
    return {t: net[t] / total[t] for t in net if total[t]}


def leaning(
    candidates: Iterable[Resource],
    votes: Mapping[str, tuple[int, int]],
    resources: Mapping[str, Resource],
) -> dict[str, float]:
    """Resource id -> how much the server's votes lean towards it (0 when unknown)."""
    topics = topic_leaning(votes, resources)
    found: dict[str, float] = {}
    for resource in candidates:
        values = [topics[t] for t in resource.topics if t in topics]
        if values:
            found[resource.id] = sum(values) / len(values)
    return found


def rejected(votes: Mapping[str, tuple[int, int]]) -> frozenset[str]:
    """Resources more members found "not for us" than useful."""
    return frozenset(rid for rid, (useful, not_for_us) in votes.items() if not_for_us > useful)


def steer(ranked: list[str], lean: Mapping[str, float], rejected_ids: frozenset[str]) -> list[str]:
    """`ranked` without rejected resources, those the server leans towards first (stable:
    the recommender's order within the same leaning)."""
    kept = [rid for rid in ranked if rid not in rejected_ids]
    order = {rid: i for i, rid in enumerate(kept)}
    return sorted(kept, key=lambda rid: (-round(lean.get(rid, 0.0), 3), order[rid]))
