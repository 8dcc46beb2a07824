"""The formatting helpers never produce anything Discord would reject."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord import limits
from bot.discord.formatting import (
    ELLIPSIS,
    button_label,
    choices,
    custom_id,
    discord_len,
    embed_length,
    escape,
    fit_content,
    fit_embed,
    select_option,
    truncate,
)

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=3000)
any_text = st.text(max_size=8000)


@given(any_text, st.integers(min_value=0, max_value=5000))
def test_truncate_fits_and_keeps_a_prefix(value: str, limit: int) -> None:
    out = truncate(value, limit)
    assert discord_len(out) <= limit
    if discord_len(value) <= limit:
        assert out == value
    elif limit > 0:
        assert out.endswith(ELLIPSIS)
        assert value.startswith(out[: -len(ELLIPSIS)])


def test_truncate_counts_astral_characters_twice() -> None:
    assert discord_len("🤖") == 2
    assert truncate("🤖🤖🤖", 4) == "🤖…"
    assert truncate("abc", 3) == "abc" and truncate("abcd", 3) == "ab…"
    assert truncate("abc", 0) == ""


@given(text)
def test_fit_content_respects_the_message_limit(value: str) -> None:
    out = fit_content(value)
    assert out is not None and discord_len(out) <= limits.MESSAGE_CONTENT


embeds = st.builds(
    lambda title, desc, footer, author, fields: (title, desc, footer, author, fields),
    st.text(max_size=400),
    st.text(max_size=6000),
    st.text(max_size=2500),
    st.text(max_size=400),
    st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1500)), max_size=30),
)


def build(parts: tuple[str, str, str, str, list[tuple[str, str]]]) -> discord.Embed:
    title, desc, footer, author, fields = parts
    embed = discord.Embed(title=title or None, description=desc or None)
    if footer:
        embed.set_footer(text=footer)
    if author:
        embed.set_author(name=author)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    return embed


@settings(max_examples=150, deadline=None)
@given(embeds)
def test_fit_embed_respects_every_limit(
    parts: tuple[str, str, str, str, list[tuple[str, str]]],
) -> None:
    out = fit_embed(build(parts))
    assert embed_length(out) <= limits.EMBED_TOTAL
    assert discord_len(out.title or "") <= limits.EMBED_TITLE
    assert discord_len(out.description or "") <= limits.EMBED_DESCRIPTION
    assert discord_len(out.footer.text or "") <= limits.EMBED_FOOTER
    assert discord_len(out.author.name or "") <= limits.EMBED_AUTHOR
    assert len(out.fields) <= limits.EMBED_FIELDS
    for f in out.fields:
        assert 0 < discord_len(f.name or "") <= limits.EMBED_FIELD_NAME
        assert 0 < discord_len(f.value or "") <= limits.EMBED_FIELD_VALUE


def test_fit_embed_keeps_a_fitting_embed_unchanged_and_drops_last_fields_first() -> None:
    small = build(("t", "d", "f", "a", [("n", "v")]))
    assert fit_embed(small).to_dict() == small.to_dict()
    big = build(("title", "x" * 4000, "", "", [(f"field {i}", "y" * 1000) for i in range(10)]))
    out = fit_embed(big)
    assert embed_length(out) <= limits.EMBED_TOTAL
    assert [f.name for f in out.fields] == [f"field {i}" for i in range(len(out.fields))]
    assert discord_len(out.description or "") >= 1024  # description shrank only to its floor


def test_fit_embed_does_not_mutate_its_input() -> None:
    embed = build(("t" * 300, "", "", "", []))
    fit_embed(embed)
    assert embed.title == "t" * 300


@given(st.lists(st.tuples(st.text(max_size=200), st.text(max_size=150)), max_size=60))
def test_choices_respect_autocomplete_limits(pairs: list[tuple[str, str]]) -> None:
    out = choices(pairs)
    assert len(out) <= limits.AUTOCOMPLETE_CHOICES
    for choice in out:
        assert 0 < discord_len(choice.name) <= limits.CHOICE_NAME
        assert 0 < discord_len(str(choice.value)) <= limits.CHOICE_VALUE


@given(st.text(min_size=1, max_size=300), st.text(max_size=300))
def test_select_option_and_button_label(label: str, description: str) -> None:
    option = select_option(label, "value", description or None)
    assert discord_len(option.label) <= limits.SELECT_LABEL
    assert discord_len(option.description or "") <= limits.SELECT_DESCRIPTION
    assert discord_len(button_label(label)) <= limits.BUTTON_LABEL


def test_over_long_ids_are_refused_not_clipped() -> None:
    with pytest.raises(ValueError):
        select_option("label", "v" * 101)
    assert custom_id("mark", "a" * 80) == "deepread:mark:" + "a" * 80
    with pytest.raises(ValueError):
        custom_id("mark", "a" * 90)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("@everyone", "@\u200beveryone"),
        ("# title", "\\# title"),
        ("  ## sub", "  \\## sub"),
        ("3. third", "3\\. third"),
        ("> quote", "\\> quote"),
        ("plain words", "plain words"),
    ],
)
def test_escape_neutralises_markdown_and_mass_mentions(raw: str, expected: str) -> None:
    assert escape(raw) == expected


def test_fitting_an_embed_leaves_the_original_as_it_was() -> None:
    original = discord.Embed(title="t", description="d")
    original.add_field(name="n" * 300, value="v")
    original.set_footer(text="f")
    fitted = fit_embed(original)
    fitted.add_field(name="more", value="x")
    fitted.set_footer(text="changed")
    assert [f.name for f in original.fields] == ["n" * 300] and original.footer.text == "f"
