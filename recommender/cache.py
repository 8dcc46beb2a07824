"""The on-disk cache of the recommender: the fitted index and the parsed catalog.

Two artifacts per catalog version, both named by a key of the catalog file's content hash, a
format number and the source of the code that shapes them, so a changed catalog (or a changed
layout, vocabulary or parser) simply misses and is rebuilt:

- `index-*.npz`: the fitted index as plain arrays and one JSON document (vocabulary, ids,
  words, passages): no pickles, nothing that depends on sklearn's private attributes.
- `catalog-*.json`: the validated resources, so a warm start parses no YAML (PyYAML's pure
  Python loader takes about two seconds over the catalog; `json` a few milliseconds).

Both are written with `recommender.files.write_atomically` (a temporary file in the same
folder, flushed, fsynced and renamed), so a reader never sees half a file and two writers
never corrupt each other. A file that cannot be read, is empty or is corrupt is a miss: the
caller rebuilds and the artifact is written again. A cache that cannot be written (a
read-only folder, a full disk) costs speed, never an answer: it is logged and skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import numpy as np

from recommender import catalog as catalog_module
from recommender import index as index_module
from recommender import stop_words, vocabulary
from recommender import text as text_module
from recommender.catalog import resource_from_dict, resource_to_dict
from recommender.files import write_atomically
from recommender.index import CsrArrays, Index
from recommender.resource import Resource

log = logging.getLogger(__name__)

INDEX_FORMAT = 3
CATALOG_FORMAT = 1
_PREFIX = "index-"
_CATALOG_PREFIX = "catalog-"


def _fingerprint(*modules: ModuleType) -> str:
    """The source of the modules that shape an artifact: a change to stemming, stop words,
    features or vocabulary makes old caches miss without anyone remembering to bump a format
    number."""
    digest = hashlib.sha256()
    for module in modules:
        if module.__file__:
            digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def index_key(content_hash: str) -> str:
    """Catalog hash + index format + the code and vocabulary the index was built with."""
    code = _fingerprint(text_module, stop_words, index_module, vocabulary)
    parts = (content_hash, INDEX_FORMAT, code)
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _package_fingerprint() -> str:
    """The source of every module directly in the `recommender` package. Validation may call
    helpers (a schema module, say) that this module cannot name; a cached catalog must never
    outlive a change to any of them, and reading ~20 small files costs under a millisecond."""
    digest = hashlib.sha256()
    for path in sorted(Path(catalog_module.__file__ or "").parent.glob("*.py")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def catalog_key(content_hash: str) -> str:
    """Catalog file hash + format + the code that validates and converts its entries."""
    parts = (content_hash, CATALOG_FORMAT, _package_fingerprint())
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def cache_file(cache_dir: Path, content_hash: str) -> Path:
    return cache_dir / f"{_PREFIX}{index_key(content_hash)[:32]}.npz"


def catalog_cache_file(cache_dir: Path, content_hash: str) -> Path:
    return cache_dir / f"{_CATALOG_PREFIX}{catalog_key(content_hash)[:32]}.json"


def write_atomic(path: Path, write: Callable[[IO[bytes]], object], stale: str) -> bool:
    """Write `path` atomically (`recommender.files`) and remove the older versions of the
    artifact (files matching the glob `stale`); False, with a warning in the log, when the
    file cannot be written."""
    try:
        write_atomically(path, write)
    except OSError as exc:
        log.warning("cannot write the cache file %s: %s", path, exc)
        return False
    for old in path.parent.glob(stale):
        if old != path:
            old.unlink(missing_ok=True)
    return True


# --- the index --------------------------------------------------------------------------------


def _csr_arrays(name: str, matrix: CsrArrays) -> dict[str, np.ndarray]:
    return {
        f"{name}_data": matrix.data,
        f"{name}_indices": matrix.indices,
        f"{name}_indptr": matrix.indptr,
        f"{name}_shape": np.array(matrix.shape, dtype=np.int64),
    }


def _csr(arrays: Any, name: str) -> CsrArrays:
    rows, columns = (int(x) for x in arrays[f"{name}_shape"])
    parts = (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"])
    if parts[2].shape != (rows + 1,) or parts[0].shape != parts[1].shape:
        raise ValueError(f"inconsistent CSR arrays for {name}")
    return CsrArrays(*parts, shape=(rows, columns))


def save_index(index: Index, path: Path) -> bool:
    """Write the index atomically; stale versions removed. False when it could not be."""
    terms = sorted(index.vocabulary, key=index.vocabulary.__getitem__)
    meta = {
        "ids": list(index.ids),
        "terms": terms,
        "surface": dict(index.surface),
        "words": list(index.words),
        "passages": list(index.passages),
    }
    arrays = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        "idf": index.idf,
        "passage_owner": index.passage_owner,
        "levels": index.levels,
        "kinds": index.kinds,
        "prior": index.prior,
        **_csr_arrays("matrix", index.matrix),
        **_csr_arrays("by_term", index.by_term),
        **_csr_arrays("name_by_term", index.name_by_term),
        **_csr_arrays("passage_by_term", index.passage_by_term),
    }
    return write_atomic(
        path, lambda handle: np.savez(handle, allow_pickle=False, **arrays), f"{_PREFIX}*.npz"
    )


def load_index(path: Path, expected_ids: tuple[str, ...]) -> Index | None:
    """The cached index, or None when missing, unreadable, corrupt or not for these resources.

    Arrays are read into memory here (the file is closed on return), so a later rewrite of
    the file cannot change an index in use.
    """
    try:
        with np.load(path, allow_pickle=False) as arrays:
            meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
            if tuple(meta["ids"]) != expected_ids:
                return None
            return Index(
                ids=expected_ids,
                vocabulary={term: i for i, term in enumerate(meta["terms"])},
                idf=arrays["idf"],
                matrix=_csr(arrays, "matrix"),
                by_term=_csr(arrays, "by_term"),
                name_by_term=_csr(arrays, "name_by_term"),
                surface=meta["surface"],
                words=tuple(meta["words"]),
                passages=tuple(meta["passages"]),
                passage_owner=arrays["passage_owner"],
                passage_by_term=_csr(arrays, "passage_by_term"),
                levels=arrays["levels"],
                kinds=arrays["kinds"],
                prior=arrays["prior"],
            )
    except (
        OSError,
        EOFError,  # an empty file
        ValueError,
        KeyError,
        TypeError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
    ):
        return None


# --- the parsed catalog -----------------------------------------------------------------------


def save_cached_catalog(resources: Iterable[Resource], path: Path) -> bool:
    """Write the validated resources as JSON, atomically. False when it could not be."""
    document = {
        "format": CATALOG_FORMAT,
        "key": path.stem.removeprefix(_CATALOG_PREFIX),
        "resources": [resource_to_dict(r) for r in resources],
    }
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return write_atomic(path, lambda handle: handle.write(data), f"{_CATALOG_PREFIX}*.json")


def load_cached_catalog(path: Path) -> tuple[Resource, ...] | None:
    """The resources of a catalog cached by `save_cached_catalog`, or None when the file is missing,
    unreadable, empty, corrupt or of another format (the caller then parses the YAML)."""
    try:
        document = json.loads(path.read_bytes())
        if not isinstance(document, Mapping) or document.get("format") != CATALOG_FORMAT:
            return None
        if document.get("key") != path.stem.removeprefix(_CATALOG_PREFIX):
            return None
        entries = document["resources"]
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            return None
        return tuple(resource_from_dict(entry) for entry in entries)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return None
