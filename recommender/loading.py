"""Opening the catalog and its engine fast: the one call every composition root makes.

A cold start parses and validates the YAML catalog and fits the index, then caches both in
`cache_dir` (see cache.py). A warm start reads the catalog file's bytes only to hash them,
then loads the validated resources from JSON and the index from arrays: no YAML parse, no
scikit-learn or scipy import. Both caches are keyed by the hash of the catalog file's bytes
(and of the code that shapes them), so an edited catalog is parsed and validated again: a
corrupt catalog still stops the program with the same clear message.

A long-running bot fills cold caches in a child process first (`fit_apart`): parsing YAML,
validating and fitting import PyYAML, the schema, scikit-learn and scipy, which a process
keeps for its lifetime (about 75 MB of the 205 MB a bot idled at), while all it needs is what
the fit writes. It then opens the catalog as a warm start.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from recommender.cache import (
    cache_file,
    catalog_cache_file,
    load_cached_catalog,
    save_cached_catalog,
)
from recommender.catalog import Catalog, catalog_from_bytes, file_hash, read_catalog_bytes
from recommender.engine import Engine

log = logging.getLogger(__name__)

FIT_APART_TIMEOUT_S = 900.0
"""A fit of the bundled catalog takes seconds; a child that is still at it after this long
is stopped, and the caller fits in its own process."""
_CHILD_ENV_DROPPED = ("DISCORD_TOKEN",)


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


def _cached(catalog_path: Path, cache_dir: Path) -> bool:
    """Whether both artifacts of this exact catalog file are in `cache_dir`."""
    content_hash = file_hash(read_catalog_bytes(catalog_path))
    return (
        catalog_cache_file(cache_dir, content_hash).is_file()
        and cache_file(cache_dir, content_hash).is_file()
    )


def fit_apart(catalog_path: Path | str, cache_dir: Path | str) -> bool:
    """Fill `cache_dir` with this catalog's validated resources and fitted index in a child
    process when either is missing (see the module doc); True when both are there after.

    False when the child could not (an invalid catalog, a folder it cannot write, a crash):
    the caller's `open_catalog` then does the work in its own process as it always did, and
    an invalid catalog stops the program with the usual message. A catalog file that cannot
    be read raises CatalogError here, as `open_catalog` would."""
    path, cache = Path(catalog_path), Path(cache_dir)
    if _cached(path, cache):
        return True
    env = {k: v for k, v in os.environ.items() if k not in _CHILD_ENV_DROPPED}
    command = [sys.executable, "-m", __name__, str(path), str(cache)]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=FIT_APART_TIMEOUT_S
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("fitting the index in a child process failed (%s): fitting here", exc)
        return False
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        log.warning("fitting the index in a child process failed (%s): fitting here", last)
        return False
    return _cached(path, cache)


def _main(argv: list[str]) -> int:
    """`python -m recommender.loading CATALOG CACHE_DIR`: open the catalog, which validates
    it and writes both caches (what `fit_apart` runs)."""
    if len(argv) != 2:
        print("usage: python -m recommender.loading CATALOG CACHE_DIR", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    open_catalog(argv[0], argv[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
