"""Speed of the recommender: per-query latency, index build time, cache load time, memory.

    python bench/speed.py [--catalog PATH] [--size 100000] [--rounds 20]

Measured on the real catalog and on a synthetic catalog of `--size` resources generated from
it (titles and descriptions recombined from real ones, so the vocabulary and the length of
texts stay realistic). Targets (see the issue): recommend p50 ≤ 1 ms on the catalog and
≤ 10 ms at 100,000 resources; build at 100,000 ≤ 60 s; a cached index loads in ≤ 1 s.
Prints figures; exits 0 either way (a benchmark reports, it does not gate).
"""

from __future__ import annotations

import argparse
import random
import resource as rusage
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

from recommender.catalog import Catalog, default_catalog_path, load_catalog
from recommender.engine import Engine
from recommender.resource import Resource

QUERIES_FILE = Path(__file__).with_name("queries.yaml")
FALLBACK_QUERIES = [
    "rnn beginner",
    "lstm",
    "dropout",
    "convolutonal networks",
    "karpathy",
    "what is the best book to learn deep learning?",
    "advanced generative models",
    "intro to ml",
    "reinforcment learning",
    "how do lstms work",
]


def queries() -> list[str]:
    if QUERIES_FILE.exists():
        data = yaml.safe_load(QUERIES_FILE.read_text(encoding="utf-8"))
        return [q["query"] for q in data["queries"]]
    return FALLBACK_QUERIES


def synthetic(catalog: Catalog, size: int, seed: int = 7) -> Catalog:
    """`size` resources recombined from the real ones: each keeps kind/level/topics of one
    resource, with a title mixing two real titles and another resource's description."""
    rng = random.Random(seed)
    real = catalog.resources
    described = [r.description for r in real if r.description]
    out: list[Resource] = []
    for i in range(size):
        base = real[i % len(real)]
        other = rng.choice(real)
        title_words = base.title.split() + rng.sample(
            other.title.split(), k=min(3, len(other.title.split()))
        )
        description = rng.choice(described) if described and rng.random() < 0.45 else None
        out.append(
            replace(
                base,
                id=f"{base.id}-{i}",
                title=" ".join(title_words),
                description=description,
                description_source="document" if description else None,
                prerequisites=(),
            )
        )
    return Catalog(out)


def percentiles(
    call: Callable[[str], object], qs: Sequence[str], rounds: int
) -> tuple[float, float]:
    for q in qs:  # warm caches (stems, typo lookups) as a running bot would have
        call(q)
    times = []
    for _ in range(rounds):
        for q in qs:
            start = time.perf_counter()
            call(q)
            times.append(time.perf_counter() - start)
    ms = np.array(times) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def report(name: str, engine: Engine, qs: Sequence[str], rounds: int) -> None:
    for service in ("recommend", "paper", "ask"):
        p50, p99 = percentiles(getattr(engine, service), qs, rounds)
        print(f"  {name:>9} {service:<9} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms")


def peak_mb() -> float:
    kb = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog_path())
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    catalog = load_catalog(args.catalog)
    qs = queries()
    print(f"catalog: {args.catalog} ({len(catalog)} resources), {len(qs)} queries")

    # build_index imports scikit-learn on first use (serving never does); time the fit alone.
    import sklearn.feature_extraction.text  # noqa: F401

    start = time.perf_counter()
    engine = Engine.from_catalog(catalog)
    print(f"  build ({len(catalog)}): {time.perf_counter() - start:.3f} s")
    report("catalog", engine, qs, args.rounds)

    big = synthetic(catalog, args.size)
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        big_engine = Engine.from_catalog(big, cache_dir=cache)
        print(f"  build ({len(big)}, incl. cache write): {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        Engine.from_catalog(big, cache_dir=cache)
        print(f"  cached load ({len(big)}): {time.perf_counter() - start:.3f} s")
        size_mb = sum(f.stat().st_size for f in Path(cache).iterdir()) / 1e6
        print(f"  cache file: {size_mb:.1f} MB")
    report(f"{len(big) // 1000}k", big_engine, qs, max(1, args.rounds // 4))
    print(f"  peak memory (max RSS): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
