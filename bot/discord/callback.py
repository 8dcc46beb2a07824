"""Answering an interaction in its callback with one ready-made POST.

discord.py's `InteractionResponse` sends a callback through its webhook adapter, asks Discord
for the created message back (`with_response`) and parses it into a `Message`, and the
embed and view are serialised again for every member. In a burst (a study group asking the same
question after a talk) that machinery was most of what a member waited for: more than the
do-nothing bot's whole cost per interaction, again on top. When nothing needs the message back,
deepread builds the JSON itself (an identical embed fitted and encoded once), posts it on its
own session and records it as answered.

Nothing needs the message back when the answer's view needs nothing from discord.py's store
of messages: no components, only `DynamicItem`s (persistent buttons discord.py rebuilds from
their custom ids whenever they are pressed, whatever message they sit on), or a
`views.ListeningView` (a /recommend list, registered by its custom ids alone). Other views with
state (forms, pages of the reading list) still go through discord.py, which stores them under
the created message.

`responded` is the one question "has this interaction been answered yet?", for either path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import aiohttp
import discord

from bot.discord import formatting, limits

log = logging.getLogger(__name__)

RESPONDED = "deepread.responded"
"""Key in `Interaction.extras`: the callback type this module answered with."""
CHANNEL_MESSAGE = 4
UPDATE_MESSAGE = 7
EPHEMERAL = 64
MAX_RETRIES = 3
CALLBACK_DEADLINE_S = 3.0
"""Discord drops a callback that comes later than this after the interaction was created."""
EDIT_PATIENCE_S = 10.0
"""How long an edit of a sent message may wait out rate limits."""
_NO_MENTIONS = '"allowed_mentions":{"parse":[]}'
"""Every message deepread sends pings nobody (as discord.py's AllowedMentions.none())."""


def responded(interaction: discord.Interaction[Any]) -> bool:
    """Answered (or acknowledged) already, through discord.py or through `CallbackSender`."""
    return interaction.response.is_done() or RESPONDED in interaction.extras


def stateless(view: discord.ui.View | None) -> bool:
    """Nothing of `view` has to live in this process: no view, or only persistent dynamic
    buttons (discord.py finds their handler from the pressed custom id alone)."""
    if view is None:
        return True
    return all(
        isinstance(item, discord.ui.DynamicItem) and isinstance(item.item, discord.ui.Button)
        for item in view.children
    )


def _emoji(emoji: discord.PartialEmoji | discord.Emoji | str) -> dict[str, Any]:
    if isinstance(emoji, str):
        return {"name": emoji}
    return {"name": emoji.name, "id": emoji.id, "animated": bool(emoji.animated)}


def _button(button: discord.ui.Button[Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"type": 2, "style": int(button.style.value)}
    if button.label:
        data["label"] = button.label
    if button.url:
        data["url"] = button.url
    else:
        data["custom_id"] = button.custom_id
    if button.disabled:
        data["disabled"] = True
    if button.emoji is not None:
        data["emoji"] = _emoji(button.emoji)
    return data


def _option(option: discord.SelectOption) -> dict[str, Any]:
    data: dict[str, Any] = {"label": option.label, "value": option.value}
    if option.description:
        data["description"] = option.description
    if option.emoji is not None:
        data["emoji"] = _emoji(option.emoji)
    if option.default:
        data["default"] = True
    return data


def _select(select: discord.ui.Select[Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": 3,
        "custom_id": select.custom_id,
        "options": [_option(o) for o in select.options],
        "min_values": select.min_values,
        "max_values": select.max_values,
    }
    if select.placeholder:
        data["placeholder"] = select.placeholder
    if select.disabled:
        data["disabled"] = True
    return data


def _component(item: discord.ui.Item[Any]) -> tuple[dict[str, Any], int]:
    """(the item's JSON, its width in a row of five)."""
    inner = item.item if isinstance(item, discord.ui.DynamicItem) else item
    if isinstance(inner, discord.ui.Button):
        return _button(inner), 1
    if isinstance(inner, discord.ui.Select):
        return _select(inner), 5
    raise TypeError(f"no ready-made JSON for a {type(inner).__name__}")


def sendable(view: discord.ui.View | None) -> bool:
    """`components` can write this view: buttons and string selects only."""
    if view is None:
        return True
    return all(
        isinstance(
            item.item if isinstance(item, discord.ui.DynamicItem) else item,
            discord.ui.Button | discord.ui.Select,
        )
        for item in view.children
    )


def components(view: discord.ui.View | None) -> list[dict[str, Any]]:
    """The view's rows as Discord's JSON, laid out as discord.py lays them out: an item in its
    `row`, else in the first row with room (five buttons, or one select)."""
    if view is None:
        return []
    rows: dict[int, list[dict[str, Any]]] = {}
    used: dict[int, int] = {}
    for item in view.children:
        data, width = _component(item)
        row = item.row
        if row is None:
            row = next(r for r in range(5) if used.get(r, 0) + width <= 5)
        used[row] = used.get(row, 0) + width
        rows.setdefault(row, []).append(data)
    return [{"type": 1, "components": rows[r]} for r in sorted(rows)]


def _embed_key(embed: discord.Embed) -> tuple[Any, ...]:
    """Everything an embed shows (public attributes): equal keys, equal JSON."""
    footer, author = embed.footer, embed.author
    return (
        embed.title,
        embed.url,
        embed.description,
        embed.colour.value if embed.colour is not None else None,
        embed.timestamp,
        footer.text,
        footer.icon_url,
        author.name,
        author.url,
        author.icon_url,
        embed.image.url,
        embed.thumbnail.url,
        tuple((f.name, f.value, f.inline) for f in embed.fields),
    )


_FITTED: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_FITTED_MAX = 1024


def embed_json(embed: discord.Embed) -> str:
    """The embed fitted to Discord's limits, as JSON; an embed showing the same as one
    before (the same card for a burst of members) is fitted and encoded once."""
    key = _embed_key(embed)
    text = _FITTED.get(key)
    if text is None:
        text = json.dumps(formatting.fit_embed(embed, limits.EMBED_TOTAL).to_dict())
        _FITTED[key] = text
        if len(_FITTED) > _FITTED_MAX:
            _FITTED.popitem(last=False)
    else:
        _FITTED.move_to_end(key)
    return text


def message_data(
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> str:
    """A message's JSON, within Discord's limits and never pinging: content and embed left
    out when not given (an edit then keeps them), the components always the view's (none
    without one)."""
    parts = [_NO_MENTIONS]
    if content is not None:
        parts.append('"content":' + json.dumps(formatting.fit_content(content)))
    if embed is not None:
        parts.append('"embeds":[' + embed_json(embed) + "]")
    parts.append('"components":' + json.dumps(components(view)))
    if ephemeral:
        parts.append(f'"flags":{EPHEMERAL}')
    return "{" + ",".join(parts) + "}"


def message_body(
    kind: int,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> bytes:
    """The callback's JSON: a new message (`CHANNEL_MESSAGE`) or the component's message
    edited (`UPDATE_MESSAGE`), see `message_data`."""
    data = message_data(
        content=content, embed=embed, view=view, ephemeral=ephemeral and kind == CHANNEL_MESSAGE
    )
    return f'{{"type":{kind},"data":{data}}}'.encode()


Answered = Callable[[str, int | None], None]
"""Told (interaction token, callback type) once a callback is accepted, (token, None) once an
edit of the answer is (the metrics)."""


class CallbackSender:
    """Posts ready callbacks on a session of its own (opened on first use, closed with the
    bot); a 429 is waited out while Discord's 3-second deadline allows."""

    def __init__(self, api_base: str, *, answered: Answered | None = None) -> None:
        self.api_base = api_base.rstrip("/")
        self._answered = answered
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "DiscordBot (https://github.com/deepread, 1) deepread",
                },
                timeout=aiohttp.ClientTimeout(total=10),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, interaction: discord.Interaction[Any], body: bytes, kind: int) -> None:
        """Send `body` as the interaction's callback; a refusal raises discord's own
        HTTPException (NotFound for an interaction that expired), as discord.py would."""
        url = f"{self.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
        created = discord.utils.snowflake_time(interaction.id).timestamp()
        await self._send("POST", url, body, deadline=created + CALLBACK_DEADLINE_S)
        interaction.extras[RESPONDED] = kind
        if self._answered is not None:
            self._answered(interaction.token, kind)

    async def edit_original(self, application_id: int, token: str, data: str) -> None:
        """Edit the message an interaction answered with (or, for a click, the message the
        clicked component is on): `data` from `message_data`. Works while the token lives
        (15 minutes)."""
        url = f"{self.api_base}/webhooks/{application_id}/{token}/messages/@original"
        await self._send("PATCH", url, data.encode(), deadline=time.time() + EDIT_PATIENCE_S)
        if self._answered is not None:
            self._answered(token, None)  # after "thinking…", this edit is the answer

    async def _send(self, method: str, url: str, body: bytes, *, deadline: float) -> None:
        session = self._open()
        for attempt in range(MAX_RETRIES + 1):
            async with session.request(method, url, data=body) as response:
                if response.status < 300:
                    return
                data = await _json_or_text(response)
                wait = _retry_after(response, data)
                left = deadline - time.time()
                if response.status == 429 and attempt < MAX_RETRIES and wait < left:
                    # (not the URL: it holds the interaction's token)
                    log.info("%s to Discord rate limited; retrying in %.2f s", method, wait)
                    await asyncio.sleep(wait)
                    continue
                raise _http_error(response, data)


async def _json_or_text(response: aiohttp.ClientResponse) -> Any:
    text = await response.text()
    try:
        return json.loads(text)
    except ValueError:
        return text


def _retry_after(response: aiohttp.ClientResponse, data: Any) -> float:
    value: Any = data.get("retry_after") if isinstance(data, dict) else None
    if value is None:
        value = response.headers.get("Retry-After", 1)
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 1.0


def _http_error(response: aiohttp.ClientResponse, data: Any) -> discord.HTTPException:
    if response.status == 404:
        return discord.NotFound(response, data)
    if response.status == 403:
        return discord.Forbidden(response, data)
    if response.status >= 500:
        return discord.DiscordServerError(response, data)
    return discord.HTTPException(response, data)
