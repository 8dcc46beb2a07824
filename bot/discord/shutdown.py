"""Finishing the interactions in flight before the bot closes (SIGTERM, `docker stop`).

discord.py runs each interaction in a task of its own and names them: the command tree's
`CommandTree-invoker`, a view's `discord-ui-view-dispatch-…`, a modal's
`discord-ui-modal-dispatch-…`, a persistent button's `discord-ui-dynamic-item-…`, and event
handlers such as our `on_interaction` (`discord.py: on_interaction`). Waiting for those tasks
is waiting for exactly the work members are waiting on; the gateway's own tasks and the
cogs' loops are not among them. A test (tests/bot/discord/test_e2e_shutdown.py) holds the
names to discord.py's: an interaction in flight during SIGTERM must still get its answer.
"""

from __future__ import annotations

import asyncio

INTERACTION_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
    "discord.py: on_interaction",
)


def in_flight() -> set[asyncio.Task[object]]:
    """Unfinished tasks serving an interaction (the calling task excluded)."""
    current = asyncio.current_task()
    return {
        task
        for task in asyncio.all_tasks()
        if task is not current and not task.done() and task.get_name().startswith(INTERACTION_TASKS)
    }


async def drain(timeout: float) -> int:
    """Wait up to `timeout` seconds until no interaction is in flight (those arriving
    meanwhile included); how many were still running when time ran out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        tasks = in_flight()
        left = deadline - loop.time()
        if not tasks or left <= 0:
            return len(tasks)
        await asyncio.wait(tasks, timeout=left)
