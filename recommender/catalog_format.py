"""The catalog file's format facts, without the schema machinery: what a serving process
needs (the id pattern, the field order for writing) imports this, and only validating a file
imports pydantic (`recommender.schema`, which declares the same fields as a model; a test
holds the two together)."""

from __future__ import annotations

import re
from typing import Final

CATALOG_VERSION: Final = 1
DESCRIPTION_SOURCES: tuple[str, ...] = ("document", "curated")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH: Final = 80
ORIGINS: tuple[str, ...] = ("seed", "curated")
"""`seed`: found in one of the five reading lists; `curated`: written and checked by hand."""

FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "url",
    "authors",
    "year",
    "kind",
    "topics",
    "level",
    "level_source",
    "description",
    "description_source",
    "prerequisites",
    "sources",
    "origin",
    "authors_complete",
    "historical",
    "alternative_url",
    "former_ids",
)
"""Every field of an entry, in the order the file writes them."""
REQUIRED_FIELDS: tuple[str, ...] = ("id", "title", "kind", "topics", "level")
