"""The fetcher's tests run against the shared local fake web (`tests/fake_web.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_web import HUGE_BYTES, SAMPLES, fixed, make_app, serve_fake_web

__all__ = ["HUGE_BYTES", "SAMPLES", "fixed", "make_app"]


@pytest.fixture
async def fake_web() -> AsyncIterator[str]:
    """The fake web's base URL (`http://127.0.0.1:PORT`), on a free port, for one test."""
    async with serve_fake_web() as base:
        yield base
