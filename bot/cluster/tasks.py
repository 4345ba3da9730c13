"""The background jobs every instance runs beside its channels."""

from __future__ import annotations

import asyncio
import contextlib

from bot.cluster.claims import keep_claims
from bot.cluster.knowledge import LearnedSync
from bot.config import Config
from bot.privacy.retention import purge_daily
from bot.storage.base import Store


def start_background(store: Store, config: Config) -> list[asyncio.Task[None]]:
    """Claim renewal, the daily purge (once across instances), the learned.yaml sync.

    Returns:
        The tasks; cancel them to stop.
    """
    return [asyncio.create_task(keep_claims(store), name="claims"),
            asyncio.create_task(purge_daily(store, config.storage.retention_days),
                                name="retention-purge"),
            asyncio.create_task(LearnedSync(store, config.knowledge_dir).run(),
                                name="learned-sync")]


async def cancel(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the tasks and wait until each has stopped."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
