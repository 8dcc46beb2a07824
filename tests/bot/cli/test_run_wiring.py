"""`default_services`: the production wiring opens a migrated database and wires the
persistent buttons to the service (what `deepread run` serves)."""

from __future__ import annotations

from pathlib import Path

from bot.cli.run import default_services
from bot.service import Service
from bot.settings import Settings
from bot.store.migrate import head_revision, schema_status
from recommender.catalog import default_catalog_path
from recommender.engine import Engine

DROPOUT = "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting"


def settings_for(tmp_path: Path, catalog: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        catalog_path=catalog,
        cache_dir=tmp_path / "cache",
    )


async def test_default_services_are_real_and_migrated(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, default_catalog_path())
    services = await default_services(settings)
    try:
        assert services.service is not None and len(services.service.catalog) > 100
        assert isinstance(services.service.recommender, Engine)
        assert isinstance(services.service, Service)
        status = await schema_status(settings.database_url)
        assert status.current == head_revision()
        assert any((tmp_path / "cache").iterdir())  # the index is cached for the next start
        text = await services.resource_actions["mark"](42, DROPOUT)
        assert "as done" in text
        text = await services.resource_actions["save"](42, DROPOUT)
        assert "as saved" in text
        entries = await services.service.entries(42)
        assert [(e.resource_id, e.status) for e in entries] == [(DROPOUT, "saved")]
        gone = await services.resource_actions["mark"](42, "no-such-resource")
        assert "no longer in the catalog" in gone
    finally:
        await services.aclose()


async def test_an_empty_catalog_still_starts(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("version: 1\nresources: []\n", encoding="utf-8")
    services = await default_services(settings_for(tmp_path, catalog))
    try:
        assert services.service is not None and services.service.recommender is None
    finally:
        await services.aclose()
