"""What every CLI module shares: the user-error type and output helpers."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit code `exit_code`."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def print_json(data: Any) -> None:
    """Stable, UTF-8 JSON on stdout (one document, trailing newline)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def console() -> Console:
    """A console that never wraps lines into a pipe's idea of width too narrowly."""
    return Console(soft_wrap=False, highlight=False)
