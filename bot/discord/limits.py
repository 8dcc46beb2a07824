"""Discord's hard limits, in one place (https://discord.com/developers/docs/resources/message).

Exceeding any of these makes Discord reject the whole request with a 400, so every piece of
text that reaches Discord goes through `formatting`, which enforces them.
"""

from __future__ import annotations

from typing import Final

MESSAGE_CONTENT: Final = 2000

EMBED_TITLE: Final = 256
EMBED_DESCRIPTION: Final = 4096
EMBED_FIELDS: Final = 25
EMBED_FIELD_NAME: Final = 256
EMBED_FIELD_VALUE: Final = 1024
EMBED_FOOTER: Final = 2048
EMBED_AUTHOR: Final = 256
# The sum of title, description, field names and values, footer text and author name of all
# embeds of one message.
EMBED_TOTAL: Final = 6000
EMBEDS_PER_MESSAGE: Final = 10

AUTOCOMPLETE_CHOICES: Final = 25
CHOICE_NAME: Final = 100
CHOICE_VALUE: Final = 100

SELECT_OPTIONS: Final = 25
SELECT_LABEL: Final = 100
SELECT_DESCRIPTION: Final = 100
SELECT_VALUE: Final = 100
SELECT_PLACEHOLDER: Final = 150

BUTTON_LABEL: Final = 80
CUSTOM_ID: Final = 100
COMPONENTS_PER_ROW: Final = 5
ACTION_ROWS: Final = 5

# Interaction timing: the initial response must arrive within 3 s; the token then lives 15 min.
INTERACTION_DEADLINE_S: Final = 3.0
INTERACTION_TOKEN_TTL_S: Final = 15 * 60.0
ANSWER_BUDGET_S: Final = 1.5
"""How long a command may work before it acknowledges with "thinking…" (counted from when
Discord created the interaction): the answer then arrives in the callback itself, one round
trip instead of two, and half the deadline stays free for that response's own trip."""

POLL_QUESTION: Final = 300
POLL_ANSWER: Final = 55
POLL_ANSWERS: Final = 10
THREAD_NAME: Final = 100
EVENT_NAME: Final = 100
EVENT_DESCRIPTION: Final = 1000
