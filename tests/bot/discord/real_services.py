"""Real services for end-to-end command tests: the real catalog and Engine (built once per
test session), and a real Service over a fresh SQLite file with the real migrations."""

from __future__ import annotations

import functools
from pathlib import Path

from bot.discord.services import Services
from bot.discord.wiring import build_services
from bot.service import Service
from recommender.catalog import Catalog, load_catalog
from recommender.engine import Engine


@functools.cache
def real_catalog() -> Catalog:
    return load_catalog()


@functools.cache
def real_engine() -> Engine:
    return Engine.from_catalog(real_catalog())


async def real_services(tmp: Path) -> Services:
    catalog, engine = real_catalog(), real_engine()
    service = await Service.open(f"sqlite+aiosqlite:///{tmp / 'deepread.db'}", catalog, engine)
    return build_services(service)
