"""Answering an interaction in its callback with one ready-made POST.

discord.py's `InteractionResponse` sends a callback through its webhook adapter, asks Discord
for the created message back (`with_response`) and parses it into a `Message`, and the
embed and view are serialised again for every member. In a burst (a study group asking the same
question after a talk) that machinery was most of what a member waited for: more than the
do-nothing bot's whole cost per interaction, again on top. When nothing needs the message back,
deepread builds the JSON itself (an identical embed fitted and encoded once), posts it on its
own connections (`http_client`) and records it as answered.

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
import functools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import aiohttp
import discord

from bot.discord import formatting, limits
from bot.discord.http_client import KeepAliveClient, Reply

log = logging.getLogger(__name__)

RESPONDED = "deepread.responded"
"""Key in `Interaction.extras`: the callback type this module answered with."""
ASKED_DISCORD_PY = "deepread.asked_discord_py"
"""Key in `Interaction.extras`: deepread has asked for discord.py's response object (`response`)."""
CHANNEL_MESSAGE = 4
UPDATE_MESSAGE = 7
EPHEMERAL = 64
MAX_RETRIES = 3
CALLBACK_DEADLINE_S = 3.0
"""Discord drops a callback that comes later than this after the interaction was created."""
EDIT_PATIENCE_S = 10.0
"""How long an edit of a sent message may wait out rate limits."""
REQUEST_TIMEOUT_S = 10.0
"""One request's limit, connecting included."""
_NO_MENTIONS = '"allowed_mentions":{"parse":[]}'
"""Every message deepread sends pings nobody (as discord.py's AllowedMentions.none())."""


def created_s(interaction_id: int) -> float:
    """When an interaction was created, in Unix seconds, from its snowflake (as discord.py's
    `created_at`, without building a datetime on every answer)."""
    return ((interaction_id >> 22) + discord.utils.DISCORD_EPOCH) / 1000


def response(interaction: discord.Interaction[Any]) -> discord.InteractionResponse[Any]:
    """discord.py's response object for `interaction`: deepread reaches it only through here.

    discord.py makes it on first access, and it refers back to the interaction: from then on
    the interaction, and the message a click carries (its embeds, selects and options), are
    freed only by the garbage collector's middle generation. In bursts of clicks that came to
    110-180 ms collections every few bursts; without the cycle, the one seen took 34 ms. Asking
    through here is recorded, so `responded` can tell that discord.py sent nothing without
    making one."""
    interaction.extras[ASKED_DISCORD_PY] = True
    return interaction.response


def responded(interaction: discord.Interaction[Any]) -> bool:
    """Answered (or acknowledged) already, through discord.py or through `CallbackSender`.

    discord.py answers on its own only autocompletes (an empty list after an error); any
    other response went through `response`, which left its mark."""
    if RESPONDED in interaction.extras:
        return True
    if ASKED_DISCORD_PY in interaction.extras or (
        interaction.type is discord.InteractionType.autocomplete
    ):
        return interaction.response.is_done()
    return False


def stateless(view: discord.ui.View | None) -> bool:
    """Nothing of `view` has to live in this process: no view, or only persistent dynamic
    buttons (discord.py finds their handler from the pressed custom id alone)."""
    if view is None:
        return True
    return all(
        isinstance(item, discord.ui.DynamicItem) and isinstance(item.item, discord.ui.Button)
        for item in view.children
    )


def _emoji(emoji: discord.PartialEmoji | discord.Emoji | str | None) -> str | None:
    if emoji is None:
        return None
    if isinstance(emoji, str):
        return json.dumps({"name": emoji})
    return json.dumps({"name": emoji.name, "id": emoji.id, "animated": bool(emoji.animated)})


# The JSON of components is assembled from encoded fragments: a /recommend list is three
# selects of the same five resources, and every click on it sends them all again, each option
# as it was. An option or button encodes once per look (label, value, ...), not per message.


@functools.lru_cache(maxsize=8192)
def _option(
    label: str, value: str, description: str | None, emoji: str | None, default: bool
) -> str:
    data: dict[str, Any] = {"label": label, "value": value}
    if description:
        data["description"] = description
    text = json.dumps(data)[:-1]
    if emoji is not None:
        text += ',"emoji":' + emoji
    return text + (',"default":true}' if default else "}")


@functools.lru_cache(maxsize=4096)
def _button(
    style: int,
    label: str | None,
    url: str | None,
    custom_id: str | None,
    disabled: bool,
    emoji: str | None,
) -> str:
    data: dict[str, Any] = {"type": 2, "style": style}
    if label:
        data["label"] = label
    if url:
        data["url"] = url
    else:
        data["custom_id"] = custom_id
    if disabled:
        data["disabled"] = True
    text = json.dumps(data)[:-1]
    return text + (',"emoji":' + emoji if emoji is not None else "") + "}"


def _select(select: discord.ui.Select[Any]) -> str:
    options = ",".join(
        _option(o.label, o.value, o.description, _emoji(o.emoji), o.default) for o in select.options
    )
    head = _select_head(select.custom_id, select.placeholder, select.disabled)
    return (
        f'{head},"options":[{options}],'
        f'"min_values":{int(select.min_values)},"max_values":{int(select.max_values)}}}'
    )


@functools.lru_cache(maxsize=4096)
def _select_head(custom_id: str, placeholder: str | None, disabled: bool) -> str:
    """A select's JSON up to its options, unclosed (each click on a list sends its three
    selects again, under the same ids)."""
    head: dict[str, Any] = {"type": 3, "custom_id": custom_id}
    if placeholder:
        head["placeholder"] = placeholder
    if disabled:
        head["disabled"] = True
    return json.dumps(head)[:-1]


def _component(item: discord.ui.Item[Any]) -> tuple[str, int]:
    """(the item's JSON, its width in a row of five)."""
    inner = item.item if isinstance(item, discord.ui.DynamicItem) else item
    if isinstance(inner, discord.ui.Button):
        emoji = _emoji(inner.emoji)
        style = int(inner.style.value)
        return _button(style, inner.label, inner.url, inner.custom_id, inner.disabled, emoji), 1
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


def components(view: discord.ui.View | None) -> str:
    """The view's rows as Discord's JSON, laid out as discord.py lays them out: an item in its
    `row`, else in the first row with room (five buttons, or one select)."""
    if view is None:
        return "[]"
    rows: dict[int, list[str]] = {}
    used: dict[int, int] = {}
    for item in view.children:
        data, width = _component(item)
        row = item.row
        if row is None:
            row = next(r for r in range(5) if used.get(r, 0) + width <= 5)
        used[row] = used.get(row, 0) + width
        rows.setdefault(row, []).append(data)
    return (
        "["
        + ",".join(f'{{"type":1,"components":[{",".join(rows[r])}]}}' for r in sorted(rows))
        + "]"
    )


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


@dataclass(frozen=True, slots=True)
class EncodedEmbed:
    """An embed already fitted to Discord's limits and encoded (`encoded`). An answer that
    repeats (a page of a list in one of the few states clicks leave it in, for every member
    of a burst) is encoded once and then costs its builder a cache lookup, not an Embed, a
    copy and an encoding per click."""

    json: str

    def embed(self) -> discord.Embed:
        """As discord.py's Embed, for an answer that goes through discord.py."""
        return discord.Embed.from_dict(json.loads(self.json))


def encoded(embed: discord.Embed) -> EncodedEmbed:
    """`embed` fitted and encoded (for its caller to keep: not remembered here as well)."""
    return EncodedEmbed(json.dumps(formatting.fit_embed(embed, limits.EMBED_TOTAL).to_dict()))


AnyEmbed = discord.Embed | EncodedEmbed


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
    embed: AnyEmbed | None = None,
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
        text = embed.json if isinstance(embed, EncodedEmbed) else embed_json(embed)
        parts.append('"embeds":[' + text + "]")
    parts.append('"components":' + components(view))
    if ephemeral:
        parts.append(f'"flags":{EPHEMERAL}')
    return "{" + ",".join(parts) + "}"


def message_body(
    kind: int,
    *,
    content: str | None = None,
    embed: AnyEmbed | None = None,
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
    """Posts ready callbacks on connections of its own (`http_client`, opened on first use,
    closed with the bot); a 429 is waited out while Discord's 3-second deadline allows."""

    def __init__(self, api_base: str, *, answered: Answered | None = None) -> None:
        self.api_base = api_base.rstrip("/")
        self._answered = answered
        self._client: KeepAliveClient | None = None

    def _open(self) -> KeepAliveClient:
        if self._client is None:
            self._client = KeepAliveClient(
                self.api_base,
                headers={"User-Agent": "DiscordBot (https://github.com/deepread, 1) deepread"},
                timeout_s=REQUEST_TIMEOUT_S,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def post(self, interaction: discord.Interaction[Any], body: bytes, kind: int) -> None:
        """Send `body` as the interaction's callback; a refusal raises discord's own
        HTTPException (NotFound for an interaction that expired), as discord.py would."""
        path = f"/interactions/{interaction.id}/{interaction.token}/callback"
        await self._send(
            "POST", path, body, deadline=created_s(interaction.id) + CALLBACK_DEADLINE_S
        )
        interaction.extras[RESPONDED] = kind
        if self._answered is not None:
            self._answered(interaction.token, kind)

    async def edit_original(self, application_id: int, token: str, data: str) -> None:
        """Edit the message an interaction answered with (or, for a click, the message the
        clicked component is on): `data` from `message_data`. Works while the token lives
        (15 minutes)."""
        path = f"/webhooks/{application_id}/{token}/messages/@original"
        await self._send("PATCH", path, data.encode(), deadline=time.time() + EDIT_PATIENCE_S)
        if self._answered is not None:
            self._answered(token, None)  # after "thinking…", this edit is the answer

    async def _send(self, method: str, path: str, body: bytes, *, deadline: float) -> None:
        client = self._open()
        for attempt in range(MAX_RETRIES + 1):
            reply = await client.request(method, path, body)
            if reply.status < 300:
                return
            data = reply.json_or_text()
            if reply.replayed and _already_acknowledged(reply, data):
                return  # the first try landed before its connection dropped
            wait = _retry_after(reply, data)
            left = deadline - time.time()
            if reply.status == 429 and attempt < MAX_RETRIES and wait < left:
                # (not the path: it holds the interaction's token)
                log.info("%s to Discord rate limited; retrying in %.2f s", method, wait)
                await asyncio.sleep(wait)
                continue
            raise _http_error(reply, data)


def _already_acknowledged(reply: Reply, data: Any) -> bool:
    return reply.status == 400 and isinstance(data, dict) and data.get("code") == 40060


def _retry_after(reply: Reply, data: Any) -> float:
    value: Any = data.get("retry_after") if isinstance(data, dict) else None
    if value is None:
        value = reply.headers.get("retry-after", 1)
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 1.0


def _http_error(reply: Reply, data: Any) -> discord.HTTPException:
    """discord.py's own exception for a refusal: it reads `status` and `reason` from the
    response it is given, which a `Reply` has."""
    response = cast(aiohttp.ClientResponse, reply)
    if reply.status == 404:
        return discord.NotFound(response, data)
    if reply.status == 403:
        return discord.Forbidden(response, data)
    if reply.status >= 500:
        return discord.DiscordServerError(response, data)
    return discord.HTTPException(response, data)
