"""No string, however odd, crashes a service."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.engine import Engine
from recommender.personal import Profile

ODD = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["", " ", "🎉", "\x00", "rnn" * 2000, "a-b-c", "c++", "‮rnn", "ﬁ"]),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(text=ODD, k=st.integers(-2, 8), offset=st.integers(-2, 40))
def test_recommend_never_crashes(engine: Engine, text: str, k: int, offset: int) -> None:
    found = engine.recommend(text, k=k, offset=offset)
    assert len(found.results) <= max(0, k)


@SETTINGS
@given(text=ODD)
def test_paper_ask_path_never_crash(engine: Engine, text: str) -> None:
    answer = engine.paper(text)
    assert answer.match is None or answer.match.summary
    assert len(engine.ask(text).passages) <= 3
    engine.path(text)


@SETTINGS
@given(text=ODD, liked=st.lists(st.sampled_from(["cs231n", "nope", "mnih-atari-dqn"])))
def test_profiles_never_crash(engine: Engine, text: str, liked: list[str]) -> None:
    profile = Profile(positives=tuple(liked), negatives=("goodfellow-deep-learning-book",))
    found = engine.recommend(text, profile=profile, exclude=liked)
    assert not {r.resource.id for r in found.results} & set(liked)
