"""Per-user reading state and guild settings: SQLAlchemy 2 async over SQLite or PostgreSQL.

Nothing here knows about Discord or the catalog's contents; it stores plain ids and text.
The engine is built by `make_engine(url)` on demand, never at import time.
"""

from bot.store.errors import StoreError
from bot.store.repository import Store

__all__ = ["Store", "StoreError"]
