"""Retention: log rows older than `storage.retention_days` are deleted, daily and on demand."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from bot.storage.base import Store

log = logging.getLogger(__name__)
DAY_SECONDS = 86400.0
LAST_RUN_KEY = "retention.last_purge"
LEASE_NAME = "retention.purge"
LEASE_SECONDS = 3600.0
CHECK_EVERY = 600.0


async def purge_once(store: Store, retention_days: int, now: float | None = None
                     ) -> dict[str, int]:
    """Delete turns, feedback, referrals and sessions older than the retention period.

    Args:
        store: the store.
        retention_days: how many days to keep; 0 or less keeps everything.
        now: the current time (default: the wall clock).

    Returns:
        Rows deleted per table (empty when retention is off).
    """
    if retention_days <= 0:
        return {}
    now = time.time() if now is None else now
    deleted = await store.purge(now - retention_days * DAY_SECONDS)
    if any(deleted.values()):
        log.info("retention: deleted %s (older than %d days)", deleted, retention_days)
    return deleted


async def purge_if_due(store: Store, retention_days: int, now: float | None = None
                       ) -> dict[str, int] | None:
    """Purge when no process did in the last day; a lease keeps two from doing it at once
    (every instance and console on one database runs this check).

    Returns:
        Rows deleted per table, or None when it was not this process's turn.
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


async def purge_daily(store: Store, retention_days: int, every: float = CHECK_EVERY) -> None:
    """Check now, then every `every` seconds, until cancelled (a background task)."""
    while True:
        try:
            await purge_if_due(store, retention_days)
        except Exception:  # a failed purge must never stop the bot; retried next time
            log.exception("retention purge failed")
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def daily_purge(store: Store, retention_days: int) -> AsyncIterator[asyncio.Task[None]]:
    """Run `purge_daily` in the background for the duration of the block."""
    task = asyncio.create_task(purge_daily(store, retention_days), name="retention-purge")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
