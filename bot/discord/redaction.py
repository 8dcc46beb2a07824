"""Keep the bot token out of logs, whatever logs it (us, discord.py, aiohttp, a traceback).

The filter sits on handlers, not loggers: a logger's filters do not apply to records that
propagate from its children, a handler's filters see every record it is about to write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "[REDACTED]"


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: let the handler report it as usual
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secret: str, logger: logging.Logger | None = None) -> RedactingFilter:
    """Add a filter hiding `secret` to every handler of `logger` (default: the root logger)."""
    target = logger or logging.getLogger()
    redactor = RedactingFilter([secret])
    for handler in target.handlers:
        handler.addFilter(redactor)
    return redactor
