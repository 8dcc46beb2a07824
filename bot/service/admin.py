"""The host's door: catalog building, importing and checking, and the database schema.

`deepread catalog ...` and `deepread db ...` are tools for whoever runs the bot, not members'
questions, so they are not `Service` methods; they still reach the layers below only through
this module, so the faces keep one door (see `tests/test_import_contracts.py`).
"""

from __future__ import annotations

from bot.store.backup import backup_sqlite
from bot.store.engine import display_url
from bot.store.migrate import schema_status, upgrade_database
from recommender.catalog import (
    CatalogError,
    catalog_stats,
    default_catalog_path,
    load_catalog,
    validate_text,
)
from recommender.fetched.details import FetchedDetails
from recommender.fetched.files import parse_bibtex, parse_csl_json
from recommender.ingest.build import (
    build_catalog_text,
    default_curation_path,
    default_sources_dir,
)
from recommender.ingest.curation import (
    Curation,
    CurationError,
    dump_curation,
    load_yaml,
    parse_curation,
    read_curation_text,
    write_curation,
)
from recommender.ingest.import_details import import_details
from recommender.ingest.importer import ImportResult, import_awesome_list

__all__ = [
    "CatalogError",
    "Curation",
    "CurationError",
    "FetchedDetails",
    "ImportResult",
    "backup_sqlite",
    "build_catalog_text",
    "catalog_stats",
    "default_catalog_path",
    "default_curation_path",
    "default_sources_dir",
    "display_url",
    "dump_curation",
    "import_awesome_list",
    "import_details",
    "load_catalog",
    "load_yaml",
    "parse_bibtex",
    "parse_csl_json",
    "parse_curation",
    "read_curation_text",
    "schema_status",
    "upgrade_database",
    "validate_text",
    "write_curation",
]
