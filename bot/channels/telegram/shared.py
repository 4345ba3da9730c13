"""Telegram with several instances: the polling lease, and taking over a dead one's updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.channels.telegram.inbox import CHANNEL, DurableQueue
from bot.cluster.lease import Hook, LeaseKeeper

log = logging.getLogger(__name__)
POLLING_LEASE = "telegram.polling"
CLAIM_EVERY_POLLING = 0.25  # seconds between looks at the shared inbox (woken earlier here)
CLAIM_EVERY_WEBHOOK = 2.0  # only a dead instance's updates to look for


class SharedInbox:
    """One instance at a time long-polls (it holds the lease) and writes the updates to the
    shared inbox; every instance claims and answers them from there, one chat's updates one
    at a time. In webhook mode each instance answers what it receives, and takes over the
    updates of an instance that died."""

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
        polling = start_polling is not None
        try:
            await store.inbox_claim(CHANNEL, limit=0, own=False)  # claims nothing
        except NotImplementedError:
            polling = False  # a store for one process only: answer what we fetch
        self.queue.shared = polling
        every = CLAIM_EVERY_POLLING if polling else CLAIM_EVERY_WEBHOOK
        self._tasks.append(asyncio.create_task(self.queue.consume(every)))
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
