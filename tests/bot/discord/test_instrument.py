"""Reading an interaction callback's type from its body (answer or "thinking…")."""

from __future__ import annotations

import json

import pytest

from bot.discord.instrument import callback_type


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (json.dumps({"type": 5, "data": {"flags": 64}}, separators=(",", ":")).encode(), 5),
        (b'{ "type" : 6 }', 6),
        (json.dumps({"type": 4, "data": {"embeds": [{"title": '"type":5'}]}}).encode(), 4),
        (b'{"data":{"type":5},"type":7}', 7),  # not first: the whole body is read
        (b"--boundary\r\nContent-Disposition: form-data", 4),  # a file: an answer
        (b'{"type":"x"}', 4),
    ],
)
def test_the_callback_type_is_read_from_the_body(body: bytes, expected: int) -> None:
    assert callback_type(body) == expected
