"""Keep secrets out of logs, whatever logs them (us, discord.py, aiohttp, a traceback).

Two kinds: the bot token (known, replaced wherever it appears), and interaction tokens, new
with every interaction, which let anyone answer as the bot for 15 minutes. discord.py logs
those at DEBUG in request URLs (`/interactions/{id}/{token}/callback`,
`/webhooks/{app_id}/{token}/...`) and in every gateway event it receives (`'token': ...`), so
they are found by shape. The filter sits on handlers, not loggers: a logger's filters do not
apply to records that propagate from its children, a handler's filters see every record it
is about to write.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[REDACTED]"

TOKEN_SHAPES = (
    # An interaction's or webhook's token in a URL path.
    re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s?#'\"]+"),
    # A `token` field of a payload, as JSON or as a Python dict's repr.
    re.compile(r"""(["']token["']\s*:\s*["'])[^"']+"""),
    # Discord's interaction tokens are base64 of "interaction:...", wherever they appear.
    re.compile(r"()aW50ZXJhY3Rpb24[A-Za-z0-9_\-.]+"),
)
"""Patterns whose first group is kept and whose rest is a token to hide."""


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for shape in TOKEN_SHAPES:
            text = shape.sub(rf"\g<1>{REDACTED}", text)
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
    """Add a filter hiding `secret` and interaction tokens to every handler of `logger`
    (default: the root logger)."""
    target = logger or logging.getLogger()
    redactor = RedactingFilter([secret])
    for handler in target.handlers:
        handler.addFilter(redactor)
    return redactor
