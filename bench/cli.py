"""How fast a terminal answer is, against importing scikit-learn, measured in the same run.

A person typing `deepread recommend lstm` waits for the interpreter, every import and the
catalog and index loading on each call. The yardstick is `python -c "import
sklearn.feature_extraction.text"` on the same machine at the same moment (these machines are
shared, so absolute times drift; the ratio much less): the target is a warm-cache answer in at
most half of that. Each round runs the three commands one after the other as subprocesses, so
load from elsewhere hits all of them alike; medians over the rounds are reported.

    .venv/bin/python bench/cli.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 0.5


def deepread_command() -> list[str]:
    """The installed console script next to this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("deepread")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli import main; main()"]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="Rounds (median reported).")
    args = parser.parse_args()
    deepread = deepread_command()
    commands = {
        "deepread recommend lstm --json": [*deepread, "recommend", "lstm", "--json"],
        "python -c 'import sklearn.feature_extraction.text'": [
            sys.executable,
            "-c",
            "import sklearn.feature_extraction.text",
        ],
        "deepread --help": [*deepread, "--help"],
    }
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "CACHE_DIR": cache}
        for command in commands.values():  # warm the cache and the bytecode
            timed(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        print(f"{name:<52} median {value:.3f} s  (range {spread} s, {args.runs} runs)")
    recommend, sklearn = list(medians.values())[:2]
    ratio = recommend / sklearn
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio recommend / sklearn import: {ratio:.2f} (target ≤ {TARGET_RATIO}: {verdict})")


if __name__ == "__main__":
    main()
