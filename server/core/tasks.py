"""Background loops that always stop.

The server's background loops have the shape `while True: await sleep(); try: await work()
except SomeError: continue`. A library that turns a cancellation into its own error inside
`work()` (redis-py did, under the media worker's SIGTERM: the worker never exited) makes
`task.cancel()` vanish: the loop goes back to sleep and the `await task` that stops it waits
forever. Two defences, used by the heartbeats, watches, sweeps and the clock's loop:

- the loop swallows errors with `swallowed(...)` or calls `raise_if_cancelled()` in its
  `except`: a cancellation that came back as another error ends the loop anyway;
- the loop is stopped by `cancel_and_wait`, which cancels again at the loop's next await
  until it ends, within a bound after which the task is left, logged, and the shutdown goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

RECANCEL_S = 0.2  # a cancellation lost in a loop that forgot `swallowed` is repeated this often
STOP_WITHIN_S = 10.0  # then the task is left: the process's shutdown must go on


def raise_if_cancelled() -> None:
    """In an `except` that swallows an error: the current task asked to stop (a cancellation a
    library turned into that error) stops anyway."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


@contextmanager
def swallowed(*errors: type[BaseException]) -> Iterator[None]:
    """`contextlib.suppress(*errors)` for a background loop: not when the task is being
    cancelled (see `raise_if_cancelled`)."""
    try:
        yield
    except errors:
        raise_if_cancelled()


async def cancel_and_wait(
    task: asyncio.Future[Any] | None, *, within_s: float = STOP_WITHIN_S
) -> bool:
    """Cancels `task` and waits until it has ended: True when it has (an error it raised while
    stopping is logged, not raised), False when it still runs after `within_s` seconds."""
    if task is None:
        return True
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not task.done():
        remaining = deadline - loop.time()
        if remaining <= 0:
            name = task.get_name() if isinstance(task, asyncio.Task) else repr(task)
            log.warning("la tâche %s ne s'est pas arrêtée en %.1f s : laissée", name, within_s)
            return False
        task.cancel()
        await asyncio.wait({task}, timeout=min(RECANCEL_S, remaining))
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("erreur à l'arrêt d'une tâche : %r", error, exc_info=error)
    return True
