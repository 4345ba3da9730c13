"""Zalo OA with several instances: whose event is it, and taking over a dead one's events."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.channels.zalo_oa.events import CHANNEL
from bot.cluster import claims
from bot.storage.base import Store

log = logging.getLogger(__name__)
Rows = list[tuple[str, str]]


async def store_event(store: Store, key: str, payload: str) -> bool:
    """Write a verified event to the inbox; True when this instance should process it."""
    if await store.inbox_add(CHANNEL, key, payload):
        return True
    try:
        mine = await store.inbox_take(CHANNEL, key)
    except NotImplementedError:
        return True  # a store for one process only
    if not mine:
        log.info("zalo-oa: event delivered again is being handled by another instance")
    return mine


async def claim_own(store: Store) -> Rows:
    """The events this instance (or its previous run) stored and did not finish."""
    try:
        return await store.inbox_claim(CHANNEL, limit=100_000)
    except NotImplementedError:
        return await store.inbox_pending(CHANNEL, limit=100_000)


async def take_over(store: Store, spawn: Callable[[Rows], Awaitable[None]]) -> None:
    """Process the events of instances that stopped (a background task)."""
    await claims.take_over(store, CHANNEL, spawn)
