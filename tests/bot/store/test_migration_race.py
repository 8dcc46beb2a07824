"""Processes starting together on a new database: one migrates, the others wait, all write.

Four `deepread read ... --user 777` processes are started at once on a database with no
tables. Each waits on a start line (a file the test creates once all four have imported
deepread), so they reach the migration within milliseconds of each other: without the
migration lock, one or two of them failed with "table daily_post_log already exists" and
lost their write.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

PROCESSES = 4
RESOURCES = [
    "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting",
    "understanding-lstm-networks",
    "the-unreasonable-effectiveness-of-recurrent-neural-networks",
    "deep-learning-book",
]
ROOT = Path(__file__).resolve().parents[3]

READY_THEN_RUN = """
import sys, time
from pathlib import Path
from bot.cli import main
Path(sys.argv[1]).touch()  # imported: ready
while not Path(sys.argv[2]).exists():
    time.sleep(0.002)
main(sys.argv[3:])
"""


async def test_four_processes_starting_together_all_migrate_or_wait_then_write(
    empty_database_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DATABASE_URL": empty_database_url, "PYTHONPATH": str(ROOT)}
    go = tmp_path / "go"
    procs = []
    for n, rid in enumerate(RESOURCES[:PROCESSES]):
        args = [str(tmp_path / f"ready-{n}"), str(go), "read", rid, "--user", "777"]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", READY_THEN_RUN, *args,
            cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        procs.append(proc)
    for _ in range(6000):
        if all((tmp_path / f"ready-{n}").exists() for n in range(PROCESSES)):
            break
        await asyncio.sleep(0.01)
    go.touch()
    results = [await asyncio.wait_for(p.communicate(), 120) for p in procs]
    failures = [err.decode() for p, (_, err) in zip(procs, results, strict=True) if p.returncode]
    assert failures == []
    listing = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from bot.cli import main; main()", "list", "--user", "777", "--json",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await listing.communicate()
    assert sorted(e["resource_id"] for e in json.loads(out)) == sorted(RESOURCES[:PROCESSES])
