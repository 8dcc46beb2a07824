"""Modules loaded on first use: the features a terminal question never touches.

`deepread recommend` imports the service, and the service mixes in server catalogs, the
reading club and the server as a group. Their answer types (some forty frozen dataclasses,
about half a millisecond each to create), the club's core and the duplicate rules would
otherwise be imported by every command, a tenth of a terminal answer's time. A module
returned here runs when one of its attributes is first read (importlib's own LazyLoader), so
the mixins can name them at the top and pay only when a feature is used.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from types import ModuleType

_LAZY_SPECS: dict[str, importlib.machinery.ModuleSpec] = {}
"""The specs of the modules made lazy here, by name."""


def lazy_module(name: str) -> ModuleType:
    """The module `name`, executed on first attribute access (at once if already imported)."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = _spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}", name=name)
    _LAZY_SPECS[name] = spec
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules and parent not in _LAZY_SPECS:
        setattr(sys.modules[parent], child, module)
    return module


def _spec(name: str) -> importlib.machinery.ModuleSpec | None:
    """Where `name` is, without running its packages: `importlib.util.find_spec` would import
    the parent package (and a package's `__init__` may import every module of it)."""
    if name in _LAZY_SPECS:  # a lazy module's own attributes would run it
        return _LAZY_SPECS[name]
    parent, _, _ = name.rpartition(".")
    if not parent or (parent in sys.modules and parent not in _LAZY_SPECS):
        return importlib.util.find_spec(name)
    found = _spec(parent)
    if found is None or found.submodule_search_locations is None:
        return None
    return importlib.machinery.PathFinder.find_spec(name, list(found.submodule_search_locations))
