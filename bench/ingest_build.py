"""How long `deepread catalog build` takes, and what it produces (not run by `make test`)."""

from __future__ import annotations

import time

from recommender.ingest.build import (
    build_catalog_text,
    default_curation_path,
    default_sources_dir,
    read_mentions,
)
from recommender.ingest.curation import load_curation


def main() -> None:
    curation = load_curation(default_curation_path())
    runs = 5
    start = time.perf_counter()
    for _ in range(runs):
        text, report = build_catalog_text(default_sources_dir(), curation)
    per_run = (time.perf_counter() - start) / runs
    start = time.perf_counter()
    mentions, pairs = read_mentions(default_sources_dir())
    parse_time = time.perf_counter() - start
    print(
        f"build: {per_run * 1000:.0f} ms per run ({runs} runs), "
        f"parsing alone {parse_time * 1000:.0f} ms"
    )
    print(
        f"mentions: {len(mentions)} ({dict(sorted(report.mentions.items()))}); "
        f"post pairs: {len(pairs)}"
    )
    print(
        f"merged entries: {report.merged}; dropped: {len(report.dropped)}; "
        f"catalog bytes: {len(text)}"
    )
    print(f"descriptions shipped: {dict(report.descriptions)}")


if __name__ == "__main__":
    main()
