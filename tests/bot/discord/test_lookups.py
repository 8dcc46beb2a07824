"""Resource and topic options as the Discord face shows them: the service's one resolver and
its autocomplete choices, through `access.user_errors` (pure: no Discord I/O)."""

from __future__ import annotations

import pytest

from bot.discord import access
from bot.discord.errors import UserFacingError
from bot.service import Resource, Service
from tests.bot.discord.real_services import real_catalog

LSTM = "understanding-lstm-networks"


def service() -> Service:
    return Service(None, real_catalog())  # type: ignore[arg-type]  # resolving needs no store


def resolve_resource(text: str) -> Resource:
    with access.user_errors():
        return service().resolve(text)


def resource_choices(current: str, kind: str | None = None) -> list[tuple[str, str]]:
    return [(c.name, c.value) for c in service().resource_choices(current, kind=kind)]


def topic_choices(current: str) -> list[tuple[str, str]]:
    return [(c.name, c.value) for c in service().topic_choices(current)]


def test_an_exact_id_or_a_near_title_resolves() -> None:
    assert resolve_resource(LSTM).id == LSTM
    assert resolve_resource("Understanding LSTM Netwroks").id == LSTM
    assert resolve_resource("  understanding lstm networks ").id == LSTM


@pytest.mark.parametrize("text", ["rnn", "neural", "'; DROP TABLE users; --", "🧠 rnn 🔥"])
def test_a_vague_text_asks_instead_of_guessing(text: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        resolve_resource(text)
    assert "Did you mean" in caught.value.message or "couldn't find" in caught.value.message


@pytest.mark.parametrize("text", ["", "   ", "x" * 6000])
def test_empty_or_absurd_text_gets_a_hint(text: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        resolve_resource(text)
    assert caught.value.suggestion


def test_did_you_mean_text_is_inert() -> None:
    with pytest.raises(UserFacingError) as caught:
        resolve_resource("@everyone qwzx plmokn")
    assert "@everyone" not in caught.value.message


def test_resource_choices_put_an_exact_id_first_and_respect_the_filter() -> None:
    catalog = real_catalog()
    assert resource_choices(LSTM)[0] == ("Understanding LSTM Networks", LSTM)
    papers = resource_choices("", kind="paper")
    assert len(papers) == 25
    assert all(catalog.by_id(rid).kind == "paper" for _, rid in papers)  # type: ignore[union-attr]
    titles = [name.lower() for name, _ in resource_choices("lstm")]
    assert titles and "lstm" in titles[0]


def test_topic_choices_offer_what_is_typed_then_topics() -> None:
    choices = topic_choices("rnn beginner")
    assert choices[0] == ("rnn beginner", "rnn beginner")
    assert topic_choices("reinforcement")[1][0].startswith("Reinforcement")
    assert len(topic_choices("")) == 25
    shown = access.choices(service().topic_choices("x" * 101))
    assert ("x" * 101) not in [c.value for c in shown]


def test_autocomplete_says_what_the_catalog_lacks() -> None:
    from tests.bot.discord.real_services import real_engine

    nothing = resource_choices("qwzx plmokn")
    assert nothing == [("Nothing in the catalog on “qwzx plmokn” yet", "qwzx plmokn")]
    known = Service(None, real_catalog(), real_engine())  # type: ignore[arg-type]
    lacking = [(c.name, c.value) for c in known.topic_choices("sourdough bread")]
    assert lacking[0] == (
        "sourdough bread — nothing in the catalog on “sourdough bread” yet",
        "sourdough bread",
    )
    assert known.topic_choices("dropout")[0].name == "dropout"  # the catalog has it
