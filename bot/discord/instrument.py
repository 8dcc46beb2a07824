"""Recording what the bot does into `Metrics`, from the Discord face only.

Answer latency is read where it really happens: on the HTTP requests discord.py makes
(an aiohttp trace on the bot's session, which interaction responses and followups share), not
in each command. A callback (`POST /interactions/{id}/{token}/callback`) whose type is a
defer (5, 6) acknowledges; any other callback, or the first followup or edit of the original
message (`/webhooks/{app}/{token}...`) after a defer, is the answer the user sees. So every
path counts the same way (replies, errors, views, modals, expired buttons), and no command
knows about metrics. The outcome comes from `errors.report`, which tags the interaction
(`mark_outcome`) before it answers; otherwise the answer is "ok".

A channel post (`POST /channels/{id}/messages`: the bot posts only the daily picks itself) is
counted sent or failed per attempt.
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord

from bot.discord.callback import created_s
from bot.discord.metrics import Metrics

OUTCOME_KEY = "deepread.outcome"
_CALLBACK = re.compile(r"/interactions/(\d+)/([^/]+)/callback$")
_WEBHOOK = re.compile(r"/webhooks/\d+/([^/]+)(?:/messages/@original)?$")
_CHANNEL_POST = re.compile(r"/channels/\d+/messages$")
_TYPE_FIRST = re.compile(rb'\{\s*"type"\s*:\s*(\d+)\s*[,}]')
DEFER_TYPES = (5, 6)  # deferred channel message ("thinking…"), deferred update
_KEEP = 2048  # interactions remembered until answered (Discord's tokens last 15 minutes)


def callback_type(body: bytes) -> int:
    """The type of an interaction callback from its body. A JSON callback is one chunk that
    discord.py starts with its type (read from there: parsing a whole embed for one number
    cost more than the rest of the trace); any other shape is parsed; a multipart one (a
    file) is an answer, never a defer."""
    start = _TYPE_FIRST.match(body)
    if start is not None:
        return int(start[1])
    try:
        return int(json.loads(body)["type"])
    except (ValueError, KeyError, TypeError):
        return 4


def mark_outcome(interaction: discord.Interaction[Any], outcome: str) -> None:
    """Tag the interaction's outcome before answering it ("user_error", "failure")."""
    interaction.extras[OUTCOME_KEY] = outcome


def label(interaction: discord.Interaction[Any]) -> str:
    """The metric label: `/command sub` for commands, the interaction type otherwise (a
    custom id would make one series per resource)."""
    if interaction.type is discord.InteractionType.application_command:
        command = interaction.command
        if command is not None:
            return f"/{command.qualified_name}"
        data: Mapping[str, Any] = interaction.data or {}
        name = data.get("name")
        return f"/{name}" if name else "application_command"
    return interaction.type.name


@dataclass
class _Pending:
    interaction: discord.Interaction[Any]
    label: str
    created: float
    acknowledged: bool = False


class InteractionTracker:
    """Interactions seen and not yet answered, and the aiohttp trace that answers them."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self._pending: OrderedDict[str, _Pending] = OrderedDict()  # by token

    def arrived(self, interaction: discord.Interaction[Any]) -> None:
        created = created_s(interaction.id)
        self._pending[interaction.token] = _Pending(interaction, label(interaction), created)
        while len(self._pending) > _KEEP:
            self._pending.popitem(last=False)

    def trace_config(self) -> aiohttp.TraceConfig:
        trace = aiohttp.TraceConfig()
        trace.on_request_chunk_sent.append(self._on_chunk_sent)
        trace.on_request_end.append(self._on_request_end)
        trace.on_request_exception.append(self._on_request_exception)
        return trace

    async def _on_chunk_sent(
        self,
        session: aiohttp.ClientSession,
        ctx: SimpleNamespace,
        params: aiohttp.TraceRequestChunkSentParams,
    ) -> None:
        if getattr(ctx, "callback_type", None) is not None or not _CALLBACK.search(params.url.path):
            return
        ctx.callback_type = callback_type(params.chunk)

    async def _on_request_end(
        self,
        session: aiohttp.ClientSession,
        ctx: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        path, status, method = params.url.path, params.response.status, params.method
        if method == "POST" and _CHANNEL_POST.search(path):
            self.metrics.daily_posts.labels("sent" if status < 300 else "failed").inc()
            return
        if status >= 300:
            return
        callback = _CALLBACK.search(path)
        if callback and method == "POST":
            self.responded(callback.group(2), getattr(ctx, "callback_type", 4))
            return
        webhook = _WEBHOOK.search(path)
        if webhook and method in ("POST", "PATCH"):
            self.responded(webhook.group(1), None)

    async def _on_request_exception(
        self,
        session: aiohttp.ClientSession,
        ctx: SimpleNamespace,
        params: aiohttp.TraceRequestExceptionParams,
    ) -> None:
        if params.method == "POST" and _CHANNEL_POST.search(params.url.path):
            self.metrics.daily_posts.labels("failed").inc()

    def responded(self, token: str, callback_type: int | None) -> None:
        """A request answering the interaction with this token went through: a callback of
        this type, or a webhook message (None); `callback` tells it directly."""
        pending = self._pending.get(token)
        if pending is None:
            return
        age = max(0.0, time.time() - pending.created)
        if not pending.acknowledged:
            pending.acknowledged = True
            self.metrics.acknowledge_seconds.labels(pending.label).observe(age)
        if callback_type in DEFER_TYPES:
            return
        del self._pending[token]
        self.metrics.answer_seconds.labels(pending.label).observe(age)
        outcome = str(pending.interaction.extras.get(OUTCOME_KEY, "ok"))
        self.metrics.interactions.labels(pending.label, outcome).inc()
