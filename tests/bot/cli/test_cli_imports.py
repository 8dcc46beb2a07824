"""A terminal answer imports only what it needs: `--help` and every command but `run` and
`sync` no discord.py; a warm `recommend` no scikit-learn, scipy, YAML parser or database
library. Checked in fresh interpreters (subprocesses), since the test session has them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from bot.cli import COMMANDS, build_app, modules_for
from bot.cli.run import PERMISSIONS, SCOPES, invite_url

ROOT = Path(__file__).resolve().parents[3]
PROBE = """\
import json, os, sys
from bot.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
with open(os.environ["MODULES_OUT"], "w") as out:
    json.dump(sorted({name.split(".")[0] for name in sys.modules}), out)
"""
HEAVY = {"discord", "aiohttp", "sklearn", "scipy", "yaml", "sqlalchemy", "alembic"}


def imported_by(args: list[str], tmp_path: Path) -> set[str]:
    out = tmp_path / "modules.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CACHE_DIR": str(tmp_path / "cache"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        "MODULES_OUT": str(out),
    }
    env.pop("DISCORD_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.exists(), done.stderr[-2000:]
    return set(json.loads(out.read_text()))


def test_the_command_table_matches_what_the_modules_register() -> None:
    for module, names in COMMANDS.items():
        group = typer.main.get_group(build_app([module]))
        assert tuple(group.commands) == names, module
    everything = typer.main.get_group(build_app())
    assert sorted(everything.commands) == sorted(n for names in COMMANDS.values() for n in names)


def test_modules_for_picks_the_module_of_the_command() -> None:
    assert modules_for(["recommend", "rnn", "--json"]) == ("search",)
    assert modules_for(["progress", "--user", "1"]) == ("progress",)
    assert modules_for(["catalog", "validate"]) == ("catalog",)
    assert modules_for(["--help"]) == tuple(COMMANDS)
    assert modules_for(["recomend"]) == tuple(COMMANDS)  # a typo: help lists everything
    assert modules_for([]) == tuple(COMMANDS)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["invite", "--client-id", "42"],
        ["catalog", "validate"],
        ["progress", "--user", "1", "--json"],
        ["recommend", "rnn", "--json"],
    ],
)
def test_only_run_and_sync_import_discord(args: list[str], tmp_path: Path) -> None:
    modules = imported_by(args, tmp_path)
    assert "typer" in modules
    assert "discord" not in modules and "aiohttp" not in modules


def test_a_warm_recommend_imports_nothing_heavy(tmp_path: Path) -> None:
    imported_by(["recommend", "lstm", "--json"], tmp_path)  # cold: fills the cache
    modules = imported_by(["recommend", "lstm", "--json"], tmp_path)
    assert "numpy" in modules and "recommender" in modules
    assert not modules & HEAVY, sorted(modules & HEAVY)


def test_invite_url_is_discord_pys() -> None:
    import discord

    permissions = discord.Permissions(PERMISSIONS.value)
    assert invite_url(42) == discord.utils.oauth_url(42, permissions=permissions, scopes=SCOPES)
