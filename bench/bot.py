"""Bot latency and memory through the fake Discord: deepread vs. a bot that does nothing.

Each bot runs as its own process (`deepread run` with its real services: the real catalog and
Engine, a real Service over a fresh SQLite file; or this file with --serve-baseline), logged
in to a fake Discord served by this process. 200 `/recommend topic:rnn beginner` interactions
from 50 users are sent at once; latency is INTERACTION_CREATE sent → interaction callback
received by the fake (deepread defers, as it does for database work, so its callback is the
"thinking…" acknowledgement); "answer" is INTERACTION_CREATE → the message with the five
picks. The baseline answers the same command with fixed text at once, so the difference is
deepread's own cost. `--command help` measures /help instead.

    .venv/bin/python bench/bot.py [--interactions 200] [--users 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_discord import FakeDiscord, InteractionRecord  # noqa: E402

COMMANDS = {
    "recommend": {
        "id": "1",
        "name": "recommend",
        "type": 1,
        "options": [{"name": "topic", "type": 3, "value": "rnn beginner"}],
    },
    "help": {"id": "1", "name": "help", "type": 1},
}
ACK_TYPES = (4, 5)  # a message, or "thinking…" followed by one


def rss_mib(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, in MiB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(
    kind: str, interactions: int, users: int, workdir: Path, command: dict[str, object]
) -> dict[str, float]:
    async with FakeDiscord() as fake:
        env = dict(os.environ)
        catalog = ROOT / "recommender" / "data" / "catalog.yaml"
        if not catalog.exists():
            catalog = workdir / "catalog.yaml"
            catalog.write_text("version: 1\nresources: []\n", encoding="utf-8")
        env.update(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.api_base,
            DISCORD_GATEWAY_URL=fake.gateway_url,
            CATALOG_PATH=str(catalog),
            CACHE_DIR=str(workdir / f"cache-{kind}"),
            DATABASE_URL=f"sqlite+aiosqlite:///{workdir / f'{kind}.db'}",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        env.pop("DEV_GUILD_ID", None)
        if kind == "deepread":
            argv = [sys.executable, "-c", "from bot.cli import main; main()", "run"]
        else:
            argv = [sys.executable, str(Path(__file__).resolve()), "--serve-baseline"]
        started = time.perf_counter()
        log_path = workdir / f"{kind}.log"
        with log_path.open("wb") as log:
            proc = await asyncio.create_subprocess_exec(*argv, cwd=workdir, env=env, stderr=log)
        try:
            await asyncio.wait_for(fake.gateway.identified.wait(), 60)
            ready_s = time.perf_counter() - started
            people = [fake.make_user(f"user{i}") for i in range(users)]
            for person in people[:5]:  # warm-up: first-call costs are not steady state
                await fake.wait_for_callback(
                    await fake.dispatch_interaction(2, command, user=person), timeout=10
                )
            rss_idle, _ = rss_mib(proc.pid)
            begin = time.perf_counter()
            records: list[InteractionRecord] = await asyncio.gather(
                *(
                    fake.dispatch_interaction(2, command, user=people[i % users])
                    for i in range(interactions)
                )
            )
            outcomes = await asyncio.gather(
                *(fake.wait_for_callback(r, timeout=15) for r in records), return_exceptions=True
            )
            answers = await asyncio.gather(
                *(answered(fake, r, o) for r, o in zip(records, outcomes, strict=True))
            )
            wall = time.perf_counter() - begin
            rss_now, rss_peak = rss_mib(proc.pid)
            sequential: list[float] = []
            for person in people:  # one at a time: the cost of one interaction, no queueing
                record = await fake.dispatch_interaction(2, command, user=person)
                outcome = await fake.wait_for_callback(record, timeout=10)
                done = await answered(fake, record, outcome)
                sequential.append((done or 0.0) * 1000)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()
    problems = [line for line in log_path.read_text().splitlines() if "Error" in line]
    for line in problems[:5]:
        print(f"[{kind}] {line}", file=sys.stderr)
    latencies = [r.latency * 1000 for r in records if r.latency is not None]
    errors = sum(1 for o in outcomes if isinstance(o, BaseException)) + len(fake.unhandled)
    errors += sum(1 for o in outcomes if isinstance(o, dict) and o.get("type") not in ACK_TYPES)
    errors += sum(1 for a in answers if a is None)
    answer_ms = [a * 1000 for a in answers if a is not None]
    return {
        "ready_s": ready_s,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": percentile(latencies, 0.99) if latencies else float("nan"),
        "max_ms": max(latencies, default=float("nan")),
        "answer_p50_ms": statistics.median(answer_ms) if answer_ms else float("nan"),
        "answer_p99_ms": percentile(answer_ms, 0.99) if answer_ms else float("nan"),
        "throughput": interactions / wall,
        "seq_p50_ms": statistics.median(sequential),
        "errors": errors,
        "rss_idle": rss_idle,
        "rss_after": rss_now,
        "rss_peak": rss_peak,
        "exit": float(proc.returncode or 0),
        "logged_errors": len(problems),
    }


async def answered(fake: FakeDiscord, record: InteractionRecord, outcome: object) -> float | None:
    """Seconds from INTERACTION_CREATE to the message the user reads; None if it never came."""
    if not isinstance(outcome, dict) or outcome.get("type") not in ACK_TYPES:
        return None
    if outcome["type"] == 4:
        return record.latency
    try:
        await fake.wait_for_followup(record, timeout=15)
    except TimeoutError:
        return None
    finished = [r.at for r in fake.requests_for(record) if "/webhooks/" in r.path]
    return (min(finished) - record.dispatched_at) if finished else None


async def serve_baseline() -> None:
    """A bot with one /help that answers fixed text: the floor deepread is compared with."""
    import discord
    from discord import app_commands

    from bot.discord.client import configure_endpoints

    configure_endpoints(os.environ["DISCORD_API_BASE"], os.environ["DISCORD_GATEWAY_URL"])
    client = discord.AutoShardedClient(intents=discord.Intents.default())
    tree = app_commands.CommandTree(client)

    @tree.command(name="help", description="Fixed text.")
    async def help_command(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("fixed text", ephemeral=True)

    @tree.command(name="recommend", description="Fixed text.")
    async def recommend_command(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message("fixed text")

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with client:
        runner = asyncio.create_task(client.start(os.environ["DISCORD_TOKEN"]))
        await stop.wait()
        await client.close()
        await runner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--command", choices=sorted(COMMANDS), default="recommend")
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        asyncio.run(serve_baseline())
        return
    with tempfile.TemporaryDirectory() as tmp:
        results = {
            kind: asyncio.run(
                measure(kind, args.interactions, args.users, Path(tmp), COMMANDS[args.command])
            )
            for kind in ("deepread", "baseline")
        }
    shown = "/recommend topic:rnn beginner" if args.command == "recommend" else "/help"
    print(f"{args.interactions} × {shown} from {args.users} users at once, via the fake Discord")
    header = f"{'bot':<10}{'ready s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    header += f"{'ans p50':>9}{'ans p99':>9}{'1-by-1':>8}"
    header += f"{'req/s':>8}{'errors':>8}{'RSS idle':>10}{'RSS after':>11}{'RSS peak':>10}"
    print(header)
    for kind, r in results.items():
        print(
            f"{kind:<10}{r['ready_s']:>9.2f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['max_ms']:>9.1f}{r['answer_p50_ms']:>9.1f}{r['answer_p99_ms']:>9.1f}"
            f"{r['seq_p50_ms']:>8.1f}{r['throughput']:>8.0f}{int(r['errors']):>8}"
            f"{r['rss_idle']:>9.1f}M{r['rss_after']:>10.1f}M{r['rss_peak']:>9.1f}M"
        )
    ratio = results["deepread"]["p99_ms"] / results["baseline"]["p99_ms"]
    print(f"deepread p99 / baseline p99 = {ratio:.2f} (target <= 1.25)")
    peak = results["deepread"]["rss_peak"]
    print(f"deepread peak RSS with the catalog loaded = {peak:.0f} MiB (target <= 250)")
    print("latency = INTERACTION_CREATE sent -> callback received by the fake (burst of all at")
    print("once); 'ans' = until the message with the answer; '1-by-1' = median answer time of")
    print("one interaction at a time; RSS of the bot process;")
    print("errors = missing/late callbacks + unknown routes; 'ready s' = spawn -> IDENTIFY")


if __name__ == "__main__":
    main()
