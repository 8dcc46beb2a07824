"""Choosing the resource: cycles without repeats, least-read first, deterministic."""

from __future__ import annotations

import itertools

from bot.daily import choose_resource, current_cycle


def run(candidates: list[str], days: int, reads: dict[str, int] | None = None) -> list[str]:
    posted: list[str] = []
    for _ in range(days):
        pick = choose_resource(candidates, posted, reads)
        assert pick is not None
        posted.append(pick)
    return posted


def test_no_repeat_until_every_candidate_was_posted_then_a_new_cycle() -> None:
    candidates = [f"r{i}" for i in range(7)]
    posted = run(candidates, 21)
    for start in range(0, 21, 7):
        assert sorted(posted[start : start + 7]) == sorted(candidates)
    assert all(a != b for a, b in itertools.pairwise(posted))


def test_first_cycle_follows_the_recommender_ranking_without_read_counts() -> None:
    assert run(["x", "y", "z"], 3) == ["x", "y", "z"]


def test_least_read_is_preferred_then_ranking_breaks_ties() -> None:
    reads = {"a": 9, "b": 2, "c": 2, "d": 0}
    assert run(["a", "b", "c", "d"], 4, reads) == ["d", "b", "c", "a"]


def test_new_cycle_does_not_repeat_yesterdays_post() -> None:
    reads = {"a": 0, "b": 5}
    # Cycle 1: a (least read), then b. Cycle 2 would start with a again: fine, b was last.
    assert run(["a", "b"], 4, reads) == ["a", "b", "a", "b"]
    # Here the cycle ends on the least-read one; the next cycle must not start with it.
    assert choose_resource(["a", "b", "c"], ["b", "c", "a"], {"a": 0, "b": 1, "c": 1}) == "b"
    assert run(["only"], 3) == ["only"] * 3


def test_catalog_growth_joins_the_open_cycle_and_topic_changes_ignore_old_posts() -> None:
    assert current_cycle(["a", "b", "c"], ["a", "b", "c", "a"]) == {"a"}
    # "d" was added: replayed against a..d the cycle {a, b, c} is still open and owes d first.
    assert choose_resource(["a", "b", "c", "d"], ["a", "b", "c", "a"]) == "d"
    assert choose_resource(["a", "b", "c", "d"], ["a", "b", "c", "a", "d"]) == "a"
    # Posts of resources outside today's candidates do not count.
    assert current_cycle(["x", "y"], ["a", "b", "x"]) == {"x"}
    assert choose_resource(["x", "y"], ["a", "b", "x"]) == "y"


def test_empty_candidates_and_duplicates() -> None:
    assert choose_resource([], ["a"]) is None
    assert choose_resource(["a", "a", "b"], ["a"]) == "b"


def test_deterministic_for_the_same_inputs() -> None:
    candidates = [f"r{i:02d}" for i in range(30)]
    reads = {rid: (i * 7) % 5 for i, rid in enumerate(candidates)}
    assert run(candidates, 45, reads) == run(list(candidates), 45, dict(reads))
