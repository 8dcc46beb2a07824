"""Every test runs with its own per-user folders, never the developer's.

deepread's default database and cache live in the user's data and cache folders
(platformdirs, which follows the XDG variables on Linux). They are pointed at a throwaway
folder here, at import time, before `bot.settings` computes its defaults, so that a test (or a
CLI subprocess it starts, which inherits the environment) that relies on a default never
reads or writes `~/.local/share/deepread` or `~/.cache/deepread`.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_HOME = tempfile.mkdtemp(prefix="deepread-test-home-")
for _name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
    os.environ[_name] = os.path.join(_HOME, _name.lower())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_HOME, ignore_errors=True)
