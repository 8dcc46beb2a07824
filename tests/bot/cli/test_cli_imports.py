"""A terminal answer imports only what it needs: `--help` and every command but `run` and
`sync` no discord.py; a warm `recommend` no scikit-learn, scipy, YAML parser or database
library; the bot's wiring, even on a cold cache, none of what fitting the index needs (a
child process fits). Checked in fresh interpreters (subprocesses), since the test session
has them all."""

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


def imported_by(args: list[str], tmp_path: Path, probe: str = PROBE) -> set[str]:
    """The modules `probe` (a script given `args`) wrote to MODULES_OUT, in a fresh
    interpreter over a cache and a database in `tmp_path`, without a token."""
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
        [sys.executable, "-c", probe, *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
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


BOT_PROBE = """\
import asyncio, json, os, sys
from bot.cli.run import default_services
from bot.settings import load_settings

async def main():
    services = await default_services(load_settings())
    await services.aclose()

asyncio.run(main())
with open(os.environ["MODULES_OUT"], "w") as out:
    json.dump(sorted({name.split(".")[0] for name in sys.modules}), out)
"""


def test_the_bot_on_a_cold_cache_never_imports_what_fitting_needs(tmp_path: Path) -> None:
    modules = imported_by([], tmp_path, probe=BOT_PROBE)
    assert "discord" in modules and "sqlalchemy" in modules  # the bot's own wiring ran
    assert not modules & {"sklearn", "scipy", "yaml"}, sorted(modules & {"sklearn", "scipy"})
    assert list((tmp_path / "cache").glob("index-*.npz"))  # the child fitted and cached


RAN_PROBE = """\
import json, os, sys
from bot.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
# A module run by import has `__builtins__` in its namespace; one made lazy and never used
# does not (read without attribute access, which would run it).
ran = [n for n, m in list(sys.modules.items())
       if m is not None and "__builtins__" in object.__getattribute__(m, "__dict__")]
with open(os.environ["MODULES_OUT"], "w") as out:
    json.dump(sorted(ran), out)
"""
FEATURES = {
    "bot.service.catalog_answers",
    "bot.service.club_answers",
    "bot.service.community_answers",
    "bot.service.addition_rules",
    "bot.club",
    "bot.club.cycle",
    "recommender.discussion",
    "recommender.fetched.details",
    "recommender.ingest.classify",
    "recommender.overlay",
}
"""Server catalogs', the club's and the group's modules: loaded on first use (bot.service.lazy)."""


def test_a_warm_recommend_does_not_run_the_server_and_club_features(tmp_path: Path) -> None:
    imported_by(["recommend", "lstm", "--json"], tmp_path)  # cold: fills the cache
    ran = imported_by(["recommend", "lstm", "--json"], tmp_path, probe=RAN_PROBE)
    assert "bot.service.core" in ran and "recommender.engine" in ran
    assert not ran & FEATURES, sorted(ran & FEATURES)


def test_a_lazy_module_runs_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.service.lazy import lazy_module

    package = tmp_path / "lazypkg"
    package.mkdir()
    (package / "__init__.py").write_text("import builtins\nbuiltins.LAZY_RUNS.append('pkg')\n")
    (package / "leaf.py").write_text("import builtins\nbuiltins.LAZY_RUNS.append('leaf')\nX = 1\n")
    runs: list[str] = []
    monkeypatch.setattr("builtins.LAZY_RUNS", runs, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("lazypkg", "lazypkg.leaf"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    leaf = lazy_module("lazypkg.leaf")
    assert runs == []  # neither the module nor its package ran yet
    assert leaf.X == 1
    assert runs == ["leaf"]  # its package still only when something imports it
    assert lazy_module("lazypkg.leaf") is sys.modules["lazypkg.leaf"]
    # the service's own answer types arrive through the package on first use
    from bot.service import SuggestOutcome
    from bot.service.catalog_answers import SuggestOutcome as defined

    assert SuggestOutcome is defined


def test_invite_url_is_discord_pys() -> None:
    import discord

    permissions = discord.Permissions(PERMISSIONS.value)
    assert invite_url(42) == discord.utils.oauth_url(42, permissions=permissions, scopes=SCOPES)
