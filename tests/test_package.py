"""The wheel installs anywhere: built from the repository, installed into a fresh virtual
environment outside the checkout, it migrates, recommends, validates and reaches `run`'s token
check from a folder that has nothing of the checkout.

Fast and offline on purpose: the wheel is built with this environment's setuptools
(`--no-build-isolation`) from a copy of the sources (so no stale `build/` folder can slip old
files in), and installed with `--no-deps --no-index`. The fresh venv borrows this environment's
third-party packages through a `.pth` line, which only appends that folder to `sys.path`: the
editable install's import hook living there is not run (a folder named in a `.pth` file has
its own `.pth` files ignored), and the test checks that `bot` and `recommender`, the catalog and
the migrations all come from the venv's own site-packages, i.e. from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180
SHIPPED = (
    "recommender/data/catalog.yaml",
    "bot/store/migrations/env.py",
    "bot/store/migrations/script.py.mako",
    "bot/store/migrations/versions/20261123_0001_initial_schema.py",
)


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for package in ("bot", "recommender"):
        shutil.copytree(
            ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    dist = tmp / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "--wheel-dir", str(dist), str(src)],
        cwd=tmp, env=dict(os.environ),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("deepread-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, dict(os.environ))
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    installed = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        cwd=tmp, env=dict(os.environ),
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    own = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp,
            dict(os.environ),
        ).stdout.strip()
    )
    paths = sysconfig.get_paths()
    borrowed = dict.fromkeys([paths["purelib"], paths["platlib"]])
    (own / "_borrowed_dependencies.pth").write_text("\n".join(borrowed) + "\n", encoding="utf-8")
    return venv


def _clean_env(tmp: Path) -> dict[str, str]:
    """The user's environment without anything that would point deepread somewhere: the
    defaults (per-user folders, the packaged catalog) must be enough."""
    drop = {
        "PYTHONPATH", "VIRTUAL_ENV", "DATABASE_URL", "CACHE_DIR", "CATALOG_PATH",
        "DISCORD_TOKEN", "DEV_GUILD_ID", "TEST_DATABASE_URL",
    }  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in drop}
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[name] = str(tmp / "home" / name.lower())
    return env


def test_the_wheel_installs_and_answers_outside_the_checkout(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(SHIPPED) <= names, sorted(set(SHIPPED) - names)
    assert not any(n.startswith(("tests/", "bench/", "recommender/data/sources/")) for n in names)

    venv = _fresh_venv(tmp_path, wheel)
    site = venv / "lib"
    deepread = str(venv / "bin" / "deepread")
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = _clean_env(tmp_path)

    where = _run(
        [str(venv / "bin" / "python"), "-c",
         "import json, sys, bot, recommender\n"
         "from bot.store.migrate import MIGRATIONS_DIR\n"
         "from recommender.catalog import default_catalog_path\n"
         "print(json.dumps({'bot': bot.__file__, 'recommender': recommender.__file__,\n"
         "  'migrations': str(MIGRATIONS_DIR), 'catalog': str(default_catalog_path()),\n"
         "  'path': sys.path, 'hooks': [m for m in sys.modules if '__editable__' in m]}))"],
        cwd, env,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    found = json.loads(where.stdout)
    for key in ("bot", "recommender", "migrations", "catalog"):
        assert Path(found[key]).is_relative_to(site), (key, found[key])
    assert not found["hooks"], "the checkout's editable-install hook must not be active"
    assert not any(p and Path(p).resolve() == ROOT for p in found["path"]), found["path"]

    upgrade = _run([deepread, "db", "upgrade"], cwd, env)
    assert upgrade.returncode == 0, upgrade.stderr
    database = tmp_path / "home" / "xdg_data_home" / "deepread" / "deepread.db"
    assert str(database) in upgrade.stdout and database.is_file()

    recommend = _run([deepread, "recommend", "rnn", "beginner", "--json"], cwd, env)
    assert recommend.returncode == 0, recommend.stderr
    results = json.loads(recommend.stdout)["results"]
    assert results and all(r["level"] in ("beginner", "intermediate") for r in results)
    assert any((tmp_path / "home" / "xdg_cache_home" / "deepread").iterdir())

    validate = _run([deepread, "catalog", "validate"], cwd, env)
    assert validate.returncode == 0, validate.stderr
    assert validate.stdout.strip() == f"{found['catalog']}: OK"

    run = _run([deepread, "run"], cwd, env)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "deepread: DISCORD_TOKEN is not set (put it in the environment or in .env)."
    ]
    assert list(cwd.iterdir()) == [], "nothing may be written relative to the working directory"
