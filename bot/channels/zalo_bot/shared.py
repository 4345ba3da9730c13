"""Zalo Bot polling with several instances: one polls at a time (a lease), and the updates
an instance that died had stored but not answered are taken over by the others."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from bot.channels.zalo_bot.updates import CHANNEL
from bot.cluster.claims import take_over
from bot.cluster.lease import LeaseKeeper
from bot.cluster.tasks import cancel
from bot.storage.base import Store

log = logging.getLogger(__name__)
POLLING_LEASE = "zalo_bot.polling"
Handle = Callable[[dict[str, Any], str], None]


class PollingLease:
    """Runs `poll` while this instance holds the polling lease; hands taken-over rows to
    `handle` (update, key). The holder answers what it fetches."""

    def __init__(self, store: Store, poll: Callable[[], Coroutine[Any, Any, None]],
                 handle: Handle) -> None:
        self.store = store
        self.lease = LeaseKeeper(store, POLLING_LEASE, on_gain=self._gain, on_loss=self._lose)
        self._poll = poll
        self._handle = handle
        self.poller: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Compete for the lease (polling at once if free) and watch for a dead one's rows."""
        if not await self.lease.step():
            log.info("zalo-bot: another instance polls; this one takes over if it stops")
        self._tasks = [asyncio.create_task(self.lease.run()),
                       asyncio.create_task(take_over(self.store, CHANNEL, self._taken))]

    async def stop(self) -> None:
        """Stop polling and give the lease up, so another instance polls at once."""
        await cancel(self._tasks)
        self._tasks = []
        await self.lease.release()
        await self._lose()

    async def _gain(self) -> None:
        if self.poller is None or self.poller.done():
            self.poller = asyncio.create_task(self._poll())

    async def _lose(self) -> None:
        if self.poller is not None:
            await cancel([self.poller])
            self.poller = None

    async def _taken(self, rows: list[tuple[str, str]]) -> None:
        for key, payload in rows:
            try:
                update = json.loads(payload)
            except ValueError:
                update = None
            if isinstance(update, dict):
                self._handle(update, key)
            else:
                log.warning("zalo-bot: inbox update %s unreadable, dropped", key)
                await self.store.inbox_done(CHANNEL, key)
