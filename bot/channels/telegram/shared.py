"""Telegram with several instances: the polling lease, and taking over a dead one's updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.channels.telegram.inbox import CHANNEL, DurableQueue
from bot.cluster.claims import take_over
from bot.cluster.lease import Hook, LeaseKeeper

log = logging.getLogger(__name__)
POLLING_LEASE = "telegram.polling"


class SharedInbox:
    """One instance at a time long-polls (it holds the lease); every instance takes over the
    updates an instance that died had received but not answered."""

    def __init__(self, queue: DurableQueue) -> None:
        self.queue = queue
        self.lease: LeaseKeeper | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, start_polling: Hook | None, stop_polling: Hook) -> None:
        """Start the takeover loop and, in polling mode, compete for the polling lease.

        Args:
            start_polling: starts getUpdates (None in webhook mode: no lease needed).
            stop_polling: stops it when the lease is lost.
        """
        store = self.queue.store
        self._tasks.append(asyncio.create_task(take_over(store, CHANNEL, self.queue.queue_rows)))
        if start_polling is None:
            return
        self.lease = LeaseKeeper(store, POLLING_LEASE, on_gain=start_polling,
                                 on_loss=stop_polling)
        if not await self.lease.step():
            log.info("telegram: another instance polls; this one takes over if it stops")
        self._tasks.append(asyncio.create_task(self.lease.run()))

    async def stop(self) -> None:
        """Stop the loops; give the lease up so another instance polls at once."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.lease is not None:
            await self.lease.release()
