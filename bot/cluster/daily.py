"""The retention purge, run once a day by one instance whichever instances are running."""

from __future__ import annotations

import asyncio
import logging
import time

from bot.privacy.retention import DAY_SECONDS, purge_once
from bot.storage.base import Store

log = logging.getLogger(__name__)
LAST_RUN_KEY = "retention.last_purge"
LEASE_NAME = "retention.purge"
LEASE_SECONDS = 3600.0
CHECK_EVERY = 600.0


async def purge_if_due(store: Store, retention_days: int, now: float | None = None
                       ) -> dict[str, int] | None:
    """Purge when no instance did in the last day; the lease keeps two from doing it at once.

    Returns:
        Rows deleted per table, or None when it was not this instance's turn.
    """
    now = time.time() if now is None else now
    try:
        if not await store.lease(LEASE_NAME, LEASE_SECONDS):
            return None
    except NotImplementedError:
        pass  # one process: nobody to share with
    last = await store.get_value(LAST_RUN_KEY)
    if last is not None and now - float(last) < DAY_SECONDS:
        return None
    deleted = await purge_once(store, retention_days, now)
    await store.set_value(LAST_RUN_KEY, repr(now))
    return deleted


async def purge_shared(store: Store, retention_days: int, every: float = CHECK_EVERY) -> None:
    """Check now, then every `every` seconds, until cancelled (a background task)."""
    while True:
        try:
            await purge_if_due(store, retention_days)
        except Exception:  # a failed purge must never stop the bot; retried next time
            log.exception("retention purge failed")
        await asyncio.sleep(every)
