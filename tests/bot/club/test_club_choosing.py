"""Which readings a poll offers, who wins (with the stated tie rule), how feedback steers."""

from __future__ import annotations

import pytest

from bot.club import (
    TIE_RULE,
    Cadence,
    ClubError,
    choose_candidates,
    leaning,
    poll_winner,
    rejected,
    steer,
    topic_leaning,
    was_tie,
)
from bot.club.parsing import parse_cadence, parse_poll_hours, parse_weekday
from recommender.resource import Resource


def test_candidates_are_the_least_read_then_best_ranked_and_at_most_four() -> None:
    ranked = ["a", "b", "c", "d", "e", "f"]
    reads = {"a": 3, "b": 1, "c": 0, "d": 0}
    assert choose_candidates(ranked, reads) == ("c", "d", "e", "f")
    assert choose_candidates(ranked, reads, k=3) == ("c", "d", "e")


def test_candidates_leave_out_past_readings_and_follow_the_leaning() -> None:
    ranked = ["a", "b", "c", "d", "e"]
    chosen = choose_candidates(ranked, {}, excluded={"a", "c"}, leaning={"e": 0.5, "b": -0.5})
    assert chosen == ("e", "d", "b")
    assert choose_candidates([], {}) == ()
    assert choose_candidates(["a", "a", "b"], {}) == ("a", "b")


def test_the_winner_has_the_most_votes() -> None:
    assert poll_winner(("a", "b", "c"), (1, 4, 2), {}) == "b"


def test_a_tie_goes_to_the_least_read_then_to_the_first_listed() -> None:
    assert poll_winner(("a", "b", "c"), (3, 3, 1), {"a": 2, "b": 1}) == "b"
    assert poll_winner(("a", "b", "c"), (3, 3, 1), {}) == "a"
    assert poll_winner(("a", "b"), (), {"a": 1}) == "b"  # nobody voted: readers decide
    assert was_tie(("a", "b", "c"), (3, 3, 1))
    assert not was_tie(("a", "b"), (2, 1))
    assert "fewest" in TIE_RULE and "first" in TIE_RULE
    with pytest.raises(ValueError):
        poll_winner((), (), {})


def _r(rid: str, *topics: str) -> Resource:
    return Resource(id=rid, title=rid, kind="paper", level="beginner", topics=topics)


def test_votes_lean_a_server_towards_the_topics_it_found_useful() -> None:
    known = {r.id: r for r in (_r("cnn1", "cnn"), _r("rnn1", "rnn"), _r("mix", "cnn", "rnn"))}
    votes = {"cnn1": (3, 0), "rnn1": (0, 2)}
    assert topic_leaning(votes, known) == {"cnn": 1.0, "rnn": -1.0}
    others = [_r("cnn2", "cnn"), _r("rnn2", "rnn"), _r("gan", "generative-models")]
    lean = leaning(others, votes, known)
    assert lean == {"cnn2": 1.0, "rnn2": -1.0}
    assert rejected(votes) == frozenset({"rnn1"})
    assert steer(["rnn2", "gan", "rnn1", "cnn2"], lean, rejected(votes)) == ["cnn2", "gan", "rnn2"]


def test_club_input_is_parsed_forgivingly_and_refused_clearly() -> None:
    assert parse_cadence(" Weekly ") is Cadence.WEEKLY
    assert parse_cadence("biweekly") is Cadence.FORTNIGHTLY
    assert parse_weekday("Thursday") == 3
    assert parse_weekday("thu") == 3
    assert parse_weekday("TU") == 1
    assert parse_weekday("6") == 6
    assert parse_poll_hours("24") == 24
    assert parse_poll_hours(48) == 48
    assert parse_poll_hours("12h") == 12
    for bad in ("t", "s", "Funday", "", "7", "@everyone"):
        with pytest.raises(ClubError, match="day of the week"):
            parse_weekday(bad)
    with pytest.raises(ClubError, match="cadence"):
        parse_cadence("daily")
    for hours in ("0", "73", "-1", "1.5", "lots", True, None):
        with pytest.raises(ClubError, match="poll duration"):
            parse_poll_hours(hours)
