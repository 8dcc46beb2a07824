"""Feature discovery: every package under `bot.discord.exts` with a `setup()` is a feature.

Adding a feature is adding a package; nothing else lists them, so a feature cannot be written
and then forgotten in a registry (python-discord's layout).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from bot.discord import exts


def walk_extensions(package: ModuleType = exts) -> list[str]:
    """Dotted names of the feature packages, sorted (load order must not depend on the disk)."""
    found: list[str] = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.ispkg or any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        if callable(getattr(module, "setup", None)):
            found.append(info.name)
    return sorted(found)
