"""Answering an interaction in its callback with one ready-made POST.

discord.py's `InteractionResponse` sends a callback through its webhook adapter, asks Discord
for the created message back (`with_response`) and parses it into a `Message`, and the
embed and view are serialised again for every member. In a burst (a study group asking the same
question after a talk) that machinery was most of what a member waited for: more than the
do-nothing bot's whole cost per interaction, again on top. When nothing needs the message back,
deepread builds the JSON itself (an identical embed fitted and encoded once), posts it on its
own session and records it as answered.

Nothing needs the message back when the answer carries no live view: no components, or only
`DynamicItem`s (persistent buttons discord.py rebuilds from their custom ids whenever they are
pressed, whatever message they sit on). A view with state (`InvokerView`: a list, a form) still
goes through discord.py, which must store it under the created message.

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
_NO_MENTIONS: dict[str, list[str]] = {"parse": []}


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
        emoji = button.emoji
        data["emoji"] = {"name": emoji.name, "id": emoji.id, "animated": emoji.animated}
    return data


def components(view: discord.ui.View | None) -> list[dict[str, Any]]:
    """A stateless view's rows, as Discord's JSON: buttons in their `row`, else five a row."""
    if view is None:
        return []
    rows: dict[int, list[dict[str, Any]]] = {}
    free = 0
    for item in view.children:
        assert isinstance(item, discord.ui.DynamicItem)
        button = item.item
        assert isinstance(button, discord.ui.Button)
        row = item.row
        if row is None:
            while len(rows.get(free, ())) >= 5:
                free += 1
            row = free
        rows.setdefault(row, []).append(_button(button))
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


def message_body(
    kind: int,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> bytes:
    """The callback's JSON: a new message (`CHANNEL_MESSAGE`) or the component's message
    edited (`UPDATE_MESSAGE`, where a missing part is left as it was). Never pings."""
    parts = ['"allowed_mentions":' + json.dumps(_NO_MENTIONS)]
    if content is not None:
        parts.append('"content":' + json.dumps(formatting.fit_content(content)))
    if embed is not None:
        parts.append('"embeds":[' + embed_json(embed) + "]")
    if view is not None or kind == CHANNEL_MESSAGE:
        parts.append('"components":' + json.dumps(components(view)))
    if ephemeral and kind == CHANNEL_MESSAGE:
        parts.append(f'"flags":{EPHEMERAL}')
    return f'{{"type":{kind},"data":{{{",".join(parts)}}}}}'.encode()


Answered = Callable[[str, int], None]
"""Told (interaction token, callback type) once a callback is accepted (the metrics)."""


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
        session = self._open()
        for attempt in range(MAX_RETRIES + 1):
            async with session.post(url, data=body) as response:
                if response.status < 300:
                    interaction.extras[RESPONDED] = kind
                    if self._answered is not None:
                        self._answered(interaction.token, kind)
                    return
                data = await _json_or_text(response)
                wait = _retry_after(response, data)
                left = CALLBACK_DEADLINE_S - (time.time() - created)
                if response.status == 429 and attempt < MAX_RETRIES and wait < left:
                    log.info("interaction callback rate limited; retrying in %.2f s", wait)
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
