"""The dependency-injection seam between the Discord layer and everything below it.

Cogs never build their own catalog, engine or store: they read `bot.services`. Production
wiring (`deepread run`) and tests build a `Services` and hand it to `create_bot`, so a test
can pass fakes or the real thing without patching imports.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from recommender.catalog import Catalog

log = logging.getLogger(__name__)

# A persistent button's action: (discord user id, resource id) -> confirmation text to show.
ResourceAction = Callable[[int, str], Awaitable[str]]


@dataclass(frozen=True)
class Services:
    """What the bot needs from the layers below; every field may be absent in a test.

    `engine` and `service` are typed `Any` on purpose: the Discord layer only passes them to
    cogs, which know their concrete types; this module must not import them (arrows point down
    only, and they are built by other packages).
    """

    catalog: Catalog | None = None
    engine: Any = None
    service: Any = None
    # Handlers for persistent resource buttons, by action name ("mark", "save").
    resource_actions: Mapping[str, ResourceAction] = field(default_factory=dict)

    async def aclose(self) -> None:
        """Close whatever holds resources (DB pools, thread pools); errors are logged, not raised.

        Shutdown must finish even if one component fails to close.
        """
        for component in (self.service, self.engine):
            closer = getattr(component, "aclose", None) or getattr(component, "close", None)
            if not callable(closer):
                continue
            try:
                result = closer()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("error while closing %s", type(component).__name__)
