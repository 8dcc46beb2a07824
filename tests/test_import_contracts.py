"""The architecture, held by reading every import (module level and inside functions).

- One door: the faces (`bot/discord`, `bot/cli`) import the service package, the settings
  and each other's own modules, never the engine, index, store, scheduling core or ingest
  code underneath.
- The library knows no Discord and no database; the service knows no Discord.
- No import cycles among the recommender's modules (TYPE_CHECKING imports count too: a
  cycle hidden behind it is still one class spread over several files).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def modules(package: str) -> dict[str, Path]:
    base = ROOT / package.replace(".", "/")
    found = {}
    for path in sorted(base.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(path: Path, module: str) -> Iterator[str]:
    """Every module name `path` imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # `from package import module` imports the module too.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


FACE_ALLOWED_INTERNAL = ("bot.service", "bot.settings", "bot.discord", "bot.cli")
INTERNAL = ("bot", "recommender")


@pytest.mark.parametrize("face", ["bot.discord", "bot.cli"])
def test_faces_go_through_the_service_only(face: str) -> None:
    bad = []
    for module, path in modules(face).items():
        for name in imports(path, module):
            if under(name, INTERNAL) and not under(name, FACE_ALLOWED_INTERNAL) and name != "bot":
                bad.append(f"{module} imports {name}")
    assert not bad, "a face reaches past the service:\n" + "\n".join(sorted(set(bad)))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("recommender", ("bot", "discord", "sqlalchemy", "alembic", "typer", "rich")),
        ("bot.service", ("bot.discord", "bot.cli", "discord", "typer", "rich")),
        ("bot.store", ("bot.discord", "bot.cli", "bot.service", "discord", "recommender")),
        ("bot.daily", ("bot.discord", "bot.cli", "bot.store", "discord", "sqlalchemy")),
    ],
)
def test_arrows_point_down(package: str, forbidden: tuple[str, ...]) -> None:
    bad = [
        f"{module} imports {name}"
        for module, path in modules(package).items()
        for name in imports(path, module)
        if under(name, forbidden)
    ]
    assert not bad, "\n".join(sorted(set(bad)))


def test_the_recommender_has_no_import_cycles() -> None:
    mods = modules("recommender")
    graph = {
        m: {n for n in imports(p, m) if n in mods and n != m and n != "recommender"}
        for m, p in mods.items()
    }
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle.extend([*trail, node, nxt])
                return True
            if nxt not in state and visit(nxt, [*trail, node]):
                return True
        state[node] = 2
        return False

    for start in sorted(graph):
        if start not in state and visit(start, []):
            break
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_checker_sees_a_violation() -> None:
    """The contract test itself can fail: a face importing the engine is caught."""
    source = ROOT / "tests" / "_contract_probe.py"
    source.write_text("def f():\n    from recommender.engine import Engine\n", encoding="utf-8")
    try:
        found = list(imports(source, "bot.discord.probe"))
    finally:
        source.unlink()
    assert "recommender.engine" in found
    assert under("recommender.engine", INTERNAL)
    assert not under("recommender.engine", FACE_ALLOWED_INTERNAL)
