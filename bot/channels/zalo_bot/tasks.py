"""Background work for webhooks: acknowledge at once, process after, log every failure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    """Keeps references to running tasks (so none is garbage-collected) and logs errors."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` in the background; an exception is logged with its traceback.

        Args:
            coro: the work to do.

        Returns:
            The task.
        """
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            log.warning("%s: an event was cancelled before it was processed", self.name)
            return
        exc = task.exception()
        if exc is not None:
            log.error("%s: processing an event failed", self.name, exc_info=exc)

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for running tasks (on shutdown); cancel what is still running after `timeout`.

        Args:
            timeout: seconds to wait.
        """
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            log.error("%s: event still running at shutdown, cancelled", self.name)
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
