"""The ready-made interaction callback: its JSON, the fitted-once embeds, and its POST."""

from __future__ import annotations

import ast
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from aiohttp import web

from bot.discord import callback, formatting, limits
from bot.discord.buttons import resource_buttons
from bot.discord.views import InvokerView
from tests.fake_web import serve_app


def card_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for button in resource_buttons("dropout"):
        view.add_item(button)
    return view


def card_embed(description: str = "Randomly dropping units while training.") -> discord.Embed:
    embed = discord.Embed(title="Dropout", url="https://example.org/d", description=description)
    embed.add_field(name="Year", value="2014")
    return embed


def test_a_new_message_never_pings_and_carries_its_buttons() -> None:
    body = json.loads(
        callback.message_body(
            callback.CHANNEL_MESSAGE,
            content="@everyone " + "x" * 5000,
            embed=card_embed(),
            view=card_view(),
            ephemeral=True,
        )
    )
    assert body["type"] == 4
    data = body["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert data["flags"] == 64
    assert len(data["content"]) <= limits.MESSAGE_CONTENT
    assert data["embeds"][0]["title"] == "Dropout"
    [row] = data["components"]
    ids = [c["custom_id"] for c in row["components"]]
    assert ids == ["deepread:mark:dropout", "deepread:save:dropout"]
    assert all(c["type"] == 2 and isinstance(c["style"], int) for c in row["components"])


def test_a_public_message_has_no_flags_and_an_empty_row_list_without_a_view() -> None:
    data = json.loads(callback.message_body(callback.CHANNEL_MESSAGE, content="hi"))["data"]
    assert "flags" not in data and data["components"] == [] and "embeds" not in data


def test_an_embed_is_fitted_to_discords_limits() -> None:
    long = card_embed("word " * 2000)
    fitted = json.loads(callback.embed_json(long))
    assert len(fitted["description"]) <= limits.EMBED_DESCRIPTION


def test_the_same_answer_is_fitted_once_and_a_changed_one_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str | None] = []
    real = formatting.fit_embed

    def counting(embed: discord.Embed, budget: int = limits.EMBED_TOTAL) -> discord.Embed:
        calls.append(embed.description)
        return real(embed, budget)

    monkeypatch.setattr(formatting, "fit_embed", counting)
    unique = f"A card seen first at {time.perf_counter_ns()}."
    first = callback.embed_json(card_embed(unique))
    assert callback.embed_json(card_embed(unique)) == first  # another object, same look
    assert calls == [unique]
    changed = card_embed(unique)
    changed.set_field_at(0, name="Year", value="2015")
    assert callback.embed_json(changed) != first
    assert len(calls) == 2


def test_an_encoded_embed_is_sent_as_the_embed_itself_would_be() -> None:
    long = card_embed("word " * 2000)
    ready = callback.encoded(long)
    assert json.loads(ready.json) == json.loads(callback.embed_json(long))  # fitted too
    assert callback.message_data(content="x", embed=ready) == callback.message_data(
        content="x", embed=long
    )
    # Through discord.py it is an Embed again, the fitted one.
    assert ready.embed().to_dict() == formatting.fit_embed(long).to_dict()


def test_only_views_without_state_skip_discord_py() -> None:
    assert callback.stateless(None)
    assert callback.stateless(card_view())
    listing = InvokerView(1)
    listing.add_item(discord.ui.Button(label="next"))
    assert not callback.stateless(listing)
    mixed = card_view()
    mixed.add_item(discord.ui.Button(label="live", custom_id="x"))
    assert not callback.stateless(mixed)


def fake_interaction() -> Any:
    return SimpleNamespace(
        id=discord.utils.time_snowflake(discord.utils.utcnow()),
        token="tok",
        type=discord.InteractionType.component,
        extras={},
        response=SimpleNamespace(is_done=lambda: False),
    )


class CountedResponse:
    """An interaction whose discord.py response object counts how often it was made (as
    discord.py makes it on first access, with a reference back to the interaction)."""

    def __init__(self, kind: discord.InteractionType, done: bool) -> None:
        self.type, self.extras, self.made, self.done = kind, {}, 0, done

    @property
    def response(self) -> Any:
        self.made += 1
        return SimpleNamespace(is_done=lambda: self.done)


def test_asking_whether_an_interaction_was_answered_makes_no_discord_py_response() -> None:
    fresh = CountedResponse(discord.InteractionType.component, done=False)
    assert not callback.responded(fresh)  # type: ignore[arg-type]
    assert fresh.made == 0
    fresh.extras[callback.RESPONDED] = callback.UPDATE_MESSAGE
    assert callback.responded(fresh)  # type: ignore[arg-type]
    assert fresh.made == 0
    through_discord_py = CountedResponse(discord.InteractionType.component, done=True)
    callback.response(through_discord_py)  # type: ignore[arg-type]
    assert callback.responded(through_discord_py)  # type: ignore[arg-type]
    # discord.py answers an autocomplete on its own: that one is asked of discord.py
    autocomplete = CountedResponse(discord.InteractionType.autocomplete, done=True)
    assert callback.responded(autocomplete)  # type: ignore[arg-type]


def test_only_the_callback_module_reaches_discord_pys_response() -> None:
    """`callback.response` is the one door: elsewhere, `interaction.response` would make the
    object (and its reference cycle) without `responded` knowing."""
    root = Path(__file__).resolve().parents[3] / "bot"
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "callback.py" and path.parent.name == "discord":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "response"
                and isinstance(node.value, ast.Name)
                and node.value.id == "interaction"
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[web.Response]]]:
    """A callback endpoint answering with the queued responses, then 204."""
    queued: list[web.Response] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        await request.read()
        return queued.pop(0) if queued else web.Response(status=204)

    app = web.Application()
    app.router.add_post("/interactions/{id}/{token}/callback", handle)
    async with serve_app(app) as port:
        yield f"http://127.0.0.1:{port}", queued


def too_many(retry_after: float) -> web.Response:
    return web.json_response({"message": "slow down", "retry_after": retry_after}, status=429)


@pytest.mark.asyncio
async def test_an_accepted_callback_counts_as_responded_and_is_told(
    server: tuple[str, list[web.Response]],
) -> None:
    base, queued = server
    told: list[tuple[str, int]] = []
    sender = callback.CallbackSender(base, answered=lambda token, kind: told.append((token, kind)))
    interaction = fake_interaction()
    queued.append(too_many(0.05))
    try:
        assert not callback.responded(interaction)
        await sender.post(interaction, b'{"type":4,"data":{}}', callback.CHANNEL_MESSAGE)
    finally:
        await sender.close()
    assert callback.responded(interaction)
    assert told == [("tok", 4)]
    assert not queued  # the 429 was waited out


@pytest.mark.asyncio
async def test_a_refused_callback_raises_discords_own_errors(
    server: tuple[str, list[web.Response]],
) -> None:
    base, queued = server
    sender = callback.CallbackSender(base)
    interaction = fake_interaction()
    queued.append(web.json_response({"message": "Unknown interaction", "code": 10062}, status=404))
    queued.append(too_many(30.0))  # longer than the 3-second deadline: not waited out
    try:
        with pytest.raises(discord.NotFound):
            await sender.post(interaction, b"{}", callback.CHANNEL_MESSAGE)
        started = time.perf_counter()
        with pytest.raises(discord.HTTPException) as raised:
            await sender.post(interaction, b"{}", callback.CHANNEL_MESSAGE)
        assert raised.value.status == 429 and time.perf_counter() - started < 1
    finally:
        await sender.close()
    assert not callback.responded(interaction)


def test_selects_take_a_row_each_and_buttons_share_one_as_discord_py_lays_them_out() -> None:
    view = discord.ui.View(timeout=None)
    for n in range(2):
        options = [
            discord.SelectOption(label=f"item {i}", value=f"v{i}", description="why")
            for i in range(3)
        ]
        view.add_item(discord.ui.Select(custom_id=f"s{n}", options=options, max_values=3))
    view.add_item(discord.ui.Button(label="More", custom_id="more", disabled=True))
    view.add_item(discord.ui.Button(label="Less", custom_id="less"))
    rows = json.loads(callback.components(view))
    assert [[c["type"] for c in row["components"]] for row in rows] == [[3], [3], [2, 2]]
    first = rows[0]["components"][0]
    assert first["custom_id"] == "s0" and first["max_values"] == 3 and first["min_values"] == 1
    assert first["options"][0] == {"label": "item 0", "value": "v0", "description": "why"}
    assert rows[2]["components"][0]["disabled"] is True
    assert callback.sendable(view)
    assert not callback.sendable(_with_a_user_select())


def _with_a_user_select() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.UserSelect(custom_id="who"))
    return view


def _meaningful(data: Any) -> Any:
    """Discord's JSON without what means the default (false flags, null ids, `required`)."""
    if isinstance(data, list):
        return [_meaningful(d) for d in data]
    if isinstance(data, dict):
        return {
            k: _meaningful(v) for k, v in data.items() if v not in (False, None) and k != "required"
        }
    return data


@pytest.mark.asyncio
async def test_components_say_what_discord_py_would_send_for_the_same_view() -> None:
    view = discord.ui.View(timeout=None)
    options = [
        discord.SelectOption(label='Ünïcode “quotes” \\ "', value="1", description="d", emoji="✅"),
        discord.SelectOption(label="b", value="2", default=True),
    ]
    view.add_item(
        discord.ui.Select(custom_id="s", placeholder="Pick", options=options, max_values=2)
    )
    view.add_item(discord.ui.Button(label="Go", custom_id="g", emoji="🔖", disabled=True))
    view.add_item(discord.ui.Button(label="Link", url="https://example.com/?a=1&b=</x>"))
    view.add_item(discord.ui.Button(label="Row 4", custom_id="r", row=4))
    for _ in range(2):  # the second time from the cached fragments
        ours = json.loads(callback.components(view))
        assert _meaningful(ours) == _meaningful(view.to_components())
