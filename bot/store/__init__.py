"""Per-user reading state and guild settings: SQLAlchemy 2 async over SQLite or PostgreSQL.

Nothing here knows about Discord or the catalog's contents; it stores plain ids and text.
The engine is built by `make_engine(url)` on demand, never at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.store.errors import StoreError

if TYPE_CHECKING:
    from bot.store.repository import Store


def __getattr__(name: str) -> Any:
    # `Store` (and with it SQLAlchemy) is imported on first use, not with the package: the
    # service's value checks and records import `bot.store.*` on paths that never open a
    # database (a terminal question about the catalog).
    if name == "Store":
        from bot.store.repository import Store

        return Store
    raise AttributeError(name)


__all__ = ["Store", "StoreError"]
