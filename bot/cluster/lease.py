"""A named lease kept by one instance at a time: renewed while alive, taken over when not."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.storage.base import Store

log = logging.getLogger(__name__)
LEASE_SECONDS = 6.0  # a dead holder's lease is taken over after at most this plus RENEW_EVERY
RENEW_EVERY = 1.5
Hook = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


class LeaseKeeper:
    """Tries to take the lease every `every` seconds; calls `on_gain` / `on_loss` on changes.

    A database that cannot be reached counts as a lost lease: another instance may hold it
    by the time we can tell again.
    """

    def __init__(self, store: Store, name: str, *, on_gain: Hook = _nothing,
                 on_loss: Hook = _nothing, seconds: float = LEASE_SECONDS,
                 every: float = RENEW_EVERY) -> None:
        self.store = store
        self.name = name
        self.seconds = seconds
        self.every = every
        self.held = False
        self._on_gain = on_gain
        self._on_loss = on_loss

    async def step(self) -> bool:
        """Take or renew the lease once; run the hook if that changed who holds it.

        Returns:
            True while this instance holds the lease.
        """
        try:
            got = await self.store.lease(self.name, self.seconds)
        except NotImplementedError:
            got = True  # a store for one process only: nobody to share with
        except Exception as exc:
            log.warning("lease %s: cannot reach the database (%s)", self.name, exc)
            got = False
        if got != self.held:
            self.held = got
            log.info("lease %s %s by %s", self.name, "taken" if got else "lost",
                     self.store.holder)
            try:
                await (self._on_gain() if got else self._on_loss())
            except BaseException:
                self.held = False  # gaining failed: tried again at the next tick
                raise
        return got

    async def run(self) -> None:
        """Keep trying forever (a background task); cancel it to stop."""
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.step()
            except Exception:
                log.exception("lease %s: hook failed", self.name)

    async def release(self) -> None:
        """Give the lease up now (a clean stop), so another instance need not wait."""
        if not self.held:
            return
        self.held = False
        await self._on_loss()
        with contextlib.suppress(Exception):
            await self.store.lease_release(self.name)
