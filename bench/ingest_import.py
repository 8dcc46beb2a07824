"""How long `deepread catalog import` takes on a big awesome list, and its peak memory.

Run: .venv/bin/python bench/ingest_import.py [--links N]
Writes an awesome list of N links (default 100,000: a few sections of `* [Title](url) -
description` items, some repeats) and a copy of the curation file to a temporary folder, then
runs `deepread catalog import` on them in a fresh process, as a user would, and prints its
wall time and peak resident memory (ru_maxrss of the child), and what it reported.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bench/bot.py sits next to this script and would shadow the `bot` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recommender.ingest.build import default_curation_path

WORDS = [
    "recurrent",
    "convolutional",
    "attention",
    "generative",
    "sparse",
    "deep",
    "network",
    "learning",
]


def awesome_list(path: Path, links: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("# Awesome big list\n\n")
        for n in range(links):
            if n % 1000 == 0:
                out.write(f"\n## Section {n // 1000}\n\n")
            words = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(4))
            target = n if n % 50 else n - 1  # every 50th item repeats the previous link
            out.write(
                f"* [{words.title()} study {n}](https://example.org/papers/{target}) - "
                f"A {words} paper, number {n}.\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deepread-import-bench-") as tmp:
        folder = Path(tmp)
        listing = folder / "awesome.md"
        awesome_list(listing, args.links)
        curation = folder / "curation.yaml"
        shutil.copy(default_curation_path(), curation)
        command = [
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "catalog",
            "import",
            str(listing),
            "--curation",
            str(curation),
        ]
        start = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=Path(__file__).parents[1]
        )
        elapsed = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        first = (done.stdout or done.stderr).splitlines()[:1]
        print(
            f"import of {args.links:,} links ({listing.stat().st_size / 2**20:.1f} MiB of "
            f"Markdown): {elapsed:.1f} s, peak RSS {peak_mib:.0f} MiB, exit {done.returncode}"
        )
        print(f"  {first[0] if first else '(no output)'}")
        print(f"  curation file: {curation.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
