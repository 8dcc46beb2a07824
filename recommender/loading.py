"""Opening the catalog and its engine fast: the one call every composition root makes.

A cold start parses and validates the YAML catalog and fits the index, then caches both in
`cache_dir` (see cache.py). A warm start reads the catalog file's bytes only to hash them,
then loads the validated resources from JSON and the index from arrays: no YAML parse, no
scikit-learn or scipy import. Both caches are keyed by the hash of the catalog file's bytes
(and of the code that shapes them), so an edited catalog is parsed and validated again: a
corrupt catalog still stops the program with the same clear message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from recommender.cache import catalog_cache_file, load_cached_catalog, save_cached_catalog
from recommender.catalog import Catalog, catalog_from_bytes, file_hash, read_catalog_bytes
from recommender.engine import Engine


@dataclass(frozen=True, slots=True)
class LoadedCatalog:
    """A validated catalog and the engine over it."""

    catalog: Catalog
    engine: Engine


def read_catalog(catalog_path: Path | str, cache_dir: Path | str | None) -> Catalog:
    """The validated catalog at `catalog_path`, from `cache_dir` when this exact file was
    validated before; parsed, validated and cached otherwise (CatalogError when invalid)."""
    path = Path(catalog_path)
    raw = read_catalog_bytes(path)
    content_hash = file_hash(raw)
    cached_file = catalog_cache_file(Path(cache_dir), content_hash) if cache_dir else None
    resources = load_cached_catalog(cached_file) if cached_file else None
    if resources is not None:
        return Catalog(resources, content_hash=content_hash)
    catalog = catalog_from_bytes(path, raw)
    if cached_file:
        save_cached_catalog(catalog.resources, cached_file)
    return catalog


def open_catalog(catalog_path: Path | str, cache_dir: Path | str | None) -> LoadedCatalog:
    """The catalog and its engine, each from the cache when it is warm (see module doc)."""
    catalog = read_catalog(catalog_path, cache_dir)
    return LoadedCatalog(catalog, Engine.from_catalog(catalog, cache_dir=cache_dir))
