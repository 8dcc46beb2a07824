"""The on-disk index cache: the only module of the recommender that touches files.

One `.npz` per catalog version, named by the catalog's content hash and the index format, so
a changed catalog (or a changed index layout) simply misses and is rebuilt. It holds plain
arrays and one JSON document (vocabulary, ids, words, passages): no pickles, nothing that
depends on sklearn's private attributes. Written to a temporary file and renamed, so a reader
never sees half a file and two writers never corrupt each other.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender import index as index_module
from recommender import text as text_module
from recommender import vocabulary
from recommender.index import Index

INDEX_FORMAT = 3
_PREFIX = "index-"


def _code_fingerprint() -> str:
    """The source of every module that shapes the index: a change to stemming, features or
    vocabulary makes old caches miss without anyone remembering to bump INDEX_FORMAT."""
    digest = hashlib.sha256()
    for module in (text_module, index_module, vocabulary):
        if module.__file__:
            digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def index_key(content_hash: str) -> str:
    """Catalog hash + index format + the code and vocabulary the index was built with."""
    parts = (content_hash, INDEX_FORMAT, _code_fingerprint())
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def cache_file(cache_dir: Path, content_hash: str) -> Path:
    return cache_dir / f"{_PREFIX}{index_key(content_hash)[:32]}.npz"


def _csr_arrays(name: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    return {
        f"{name}_data": matrix.data,
        f"{name}_indices": matrix.indices,
        f"{name}_indptr": matrix.indptr,
        f"{name}_shape": np.array(matrix.shape, dtype=np.int64),
    }


def _csr(arrays: Any, name: str) -> sp.csr_matrix:
    shape = tuple(int(x) for x in arrays[f"{name}_shape"])
    parts = (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"])
    return sp.csr_matrix(parts, shape=shape)


def save_index(index: Index, path: Path) -> None:
    """Write atomically (temp file in the same folder, then rename); stale versions removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, allow_pickle=False, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in path.parent.glob(f"{_PREFIX}*.npz"):
        if old != path:
            old.unlink(missing_ok=True)


def load_index(path: Path, expected_ids: tuple[str, ...]) -> Index | None:
    """The cached index, or None when missing, unreadable or not for these resources."""
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
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
