"""LOG_FORMAT=json: one JSON object per line, the token redacted from messages and tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secret-token-part"
SCRIPT = f"""
import logging
from bot.cli.run import configure_logging
from bot.settings import Settings
configure_logging(Settings(_env_file=None, log_format="json"), {TOKEN!r})
log = logging.getLogger("deepread.test")
log.info("plain line")
log.warning("token %s in args", {TOKEN!r})
try:
    raise RuntimeError("failed with " + {TOKEN!r})
except RuntimeError:
    log.exception("it broke")
logging.getLogger("discord.http").error("multi\\nline %s", "message")
"""


def test_json_logs_parse_and_hide_the_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "LOG_LEVEL")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stderr and "secret-token-part" not in done.stderr
    lines = done.stderr.strip().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["message"] for r in records] == [
        "plain line",
        "token [REDACTED] in args",
        "it broke",
        "multi\nline message",
    ]
    assert records[1]["level"] == "WARNING" and records[1]["logger"] == "deepread.test"
    assert "RuntimeError: failed with [REDACTED]" in records[2]["exc"]
    assert all(r["time"].endswith("+00:00") for r in records)
