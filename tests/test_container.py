"""The Dockerfile and compose.yaml say what tests/test_package.py checks.

The container cannot be started on our machines, so its steps are the wheel test's and this
test holds them together: the builder copies exactly what the wheel test builds from, the
runtime installs the wheel into a pip-less venv with an outside pip and no index, runs as a
non-root user with the database and cache on /data, and stops on SIGTERM; compose runs it
over PostgreSQL. hadolint itself runs in `make lint`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stage(name: str) -> list[tuple[str, str]]:
    steps = instructions()
    start = next(i for i, (w, r) in enumerate(steps) if w == "FROM" and r.endswith(f"AS {name}"))
    end = next((i for i in range(start + 1, len(steps)) if steps[i][0] == "FROM"), len(steps))
    return steps[start + 1 : end]


def test_the_builder_copies_what_the_wheel_test_builds_from() -> None:
    copied = " ".join(r for w, r in stage("builder") if w == "COPY").split()
    assert set(copied) >= {"pyproject.toml", "README.md", "bot", "recommender"}
    test_source = (ROOT / "tests" / "test_package.py").read_text(encoding="utf-8")
    assert '("pyproject.toml", "README.md")' in test_source
    assert '("bot", "recommender")' in test_source
    assert any(w == "RUN" and "pip wheel" in r for w, r in stage("builder"))


def test_the_runtime_installs_only_the_wheel_as_a_non_root_user() -> None:
    runtime = stage("runtime")
    runs = " ".join(r for w, r in runtime if w == "RUN")
    assert "python -m venv --without-pip" in runs
    assert "pip --python /opt/deepread/bin/python install" in runs and "--no-index" in runs
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f'"deepread[postgres]=={version}"' in runs
    assert not any(w == "COPY" for w, _ in runtime), "the runtime copies nothing but mounts"
    assert not re.search(r"apt-get|gcc|build-essential", runs)
    (user,) = [r for w, r in runtime if w == "USER"]
    assert user.split(":")[0] not in ("0", "root")
    env = " ".join(r for w, r in runtime if w == "ENV")
    assert "DATABASE_URL=sqlite+aiosqlite:////data/deepread.db" in env
    assert "CACHE_DIR=/data/cache" in env
    assert ("VOLUME", '["/data"]') in runtime
    assert ("ENTRYPOINT", '["deepread"]') in runtime and ("CMD", '["run"]') in runtime
    assert ("STOPSIGNAL", "SIGTERM") in runtime
    assert any(w == "HEALTHCHECK" and "/healthz" in r for w, r in runtime)


def test_dockerignore_lets_in_only_the_build_sources() -> None:
    lines = (ROOT / ".dockerignore").read_text().split()
    assert lines[lines.index("*")] == "*"
    assert {"!pyproject.toml", "!README.md", "!bot/", "!recommender/"} <= set(lines)


def test_compose_runs_the_bot_over_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    bot = services["bot"]
    assert bot["build"] == "."
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "postgres" in bot["depends_on"]
    assert "data:/data" in bot["volumes"]
    assert all(p.startswith("127.0.0.1:") for p in bot["ports"])
    assert set(compose["volumes"]) == {"pgdata", "data"}
