"""The dependency-injection seam between the Discord layer and everything below it.

Cogs never build their own catalog, engine or store: they ask `bot.services.service`. Production
wiring (`deepread run`) and tests build a `Services` and hand it to `create_bot`, so a test
can pass fakes or the real thing without patching imports.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from bot.discord.metrics import Metrics
from bot.service import Service

log = logging.getLogger(__name__)

# A persistent button's action: (discord user id, resource id) -> confirmation text to show.
ResourceAction = Callable[[int, str], Awaitable[str]]


@dataclass(frozen=True)
class Services:
    """What the bot needs from the layers below: the one service door (absent in tests of
    the shared infrastructure, which then answer "not available") and the handlers of the
    persistent resource buttons, which outlive any one message's view."""

    service: Service | None = None
    # Handlers for persistent resource buttons, by action name ("mark", "save").
    resource_actions: Mapping[str, ResourceAction] = field(default_factory=dict)
    # The bot's instruments (served on METRICS_PORT); the service's store reports its
    # timings here when wired by `wiring.build_services`.
    metrics: Metrics = field(default_factory=Metrics)

    async def ping(self) -> None:
        """Raise unless the database answers; without a service there is none to ask."""
        if self.service is not None:
            await self.service.ping()

    async def aclose(self) -> None:
        """Close whatever holds resources (DB pools, thread pools); errors are logged, not raised.

        Shutdown must finish even if one component fails to close.
        """
        component = self.service
        closer = getattr(component, "aclose", None)
        if not callable(closer):
            return
        try:
            result = closer()
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("error while closing %s", type(component).__name__)
