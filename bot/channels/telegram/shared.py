"""Telegram with several instances: the polling lease, and taking over a dead one's updates."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.channels.telegram.inbox import CHANNEL, DurableQueue
from bot.cluster.claims import take_over
from bot.cluster.lease import Hook, LeaseKeeper
from bot.cluster.tasks import cancel
from bot.storage.base import Store

log = logging.getLogger(__name__)
POLLING_LEASE = "telegram.polling"
DRAIN_SECONDS = 10.0  # a clean stop answers what is waiting for at most this long
# Polling: seconds between looks at the shared inbox, besides being woken by the store (or,
# on a store that cannot wake other instances, by this instance's own polling).
CLAIM_EVERY = 0.25
CLAIM_EVERY_WOKEN = 1.0


class SharedInbox:
    """Polling: one instance at a time long-polls (it holds the lease) and writes the updates
    to the shared inbox; every instance claims and answers them from there, one chat's
    updates one at a time. Webhook: each instance answers what it receives, and takes over
    the updates an instance that died had received but not answered."""

    def __init__(self, queue: DurableQueue) -> None:
        self.queue = queue
        self.lease: LeaseKeeper | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._lease_task: asyncio.Task[None] | None = None
        self._unlisten: Callable[[], Awaitable[None]] | None = None

    async def start(self, start_polling: Hook | None, stop_polling: Hook) -> None:
        """Start the takeover loop and, in polling mode, compete for the polling lease.

        Args:
            start_polling: starts getUpdates (None in webhook mode: no lease needed).
            stop_polling: stops it when the lease is lost.
        """
        store = self.queue.store
        if start_polling is None or not await _claims(store):
            self._tasks.append(asyncio.create_task(
                take_over(store, CHANNEL, self.queue.queue_rows)))
        else:
            self.queue.shared = True
            self._unlisten = await _listen(store, self.queue.wake.set)
            self.queue.announced = self._unlisten is not None
            every = CLAIM_EVERY_WOKEN if self.queue.announced else CLAIM_EVERY
            self._tasks.append(asyncio.create_task(self.queue.consume(every)))
        if start_polling is None:
            return
        self.lease = LeaseKeeper(store, POLLING_LEASE, on_gain=start_polling,
                                 on_loss=stop_polling)
        if not await self.lease.step():
            log.info("telegram: another instance polls; this one takes over if it stops")
        self._lease_task = asyncio.create_task(self.lease.run())

    async def stop(self) -> None:
        """Give the lease up so another instance polls at once, answer what is left that no
        other instance is answering, then stop the loops."""
        if self._lease_task is not None:
            await cancel([self._lease_task])
            self._lease_task = None
        if self.lease is not None:
            await self.lease.release()
        if self.queue.shared:
            await cancel(self._tasks)
            try:
                await self.queue.drain(DRAIN_SECONDS)
            except Exception as exc:
                log.warning("telegram: could not finish the waiting updates (%s)", exc)
        await cancel(self._tasks)
        self._tasks.clear()
        if self._unlisten is not None:
            await self._unlisten()
            self._unlisten = None


async def _listen(store: Store, wake: Callable[[], None]
                  ) -> Callable[[], Awaitable[None]] | None:
    """Be woken by the store when an update is left in the inbox; None: not possible."""
    try:
        return await store.inbox_listen(CHANNEL, wake)
    except NotImplementedError:
        return None
    except Exception as exc:
        log.warning("telegram: not woken by the database (%s); looking on a timer", exc)
        return None


async def _claims(store: Store) -> bool:
    """Whether the store shares its inbox between instances (claims); memory does not."""
    try:
        await store.inbox_claim(CHANNEL, limit=0, own=False)  # claims nothing
    except NotImplementedError:
        return False
    return True
