"""Keep this instance's claims alive, and take over the inbox rows of instances that died."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.storage.base import CLAIM_SECONDS, Store

log = logging.getLogger(__name__)
RENEW_EVERY = CLAIM_SECONDS / 4
TAKEOVER_EVERY = 2.0
Rows = list[tuple[str, str]]


async def keep_claims(store: Store, every: float = RENEW_EVERY) -> None:
    """Renew every claim this instance holds, forever (a background task)."""
    while True:
        try:
            await store.claims_renew(CLAIM_SECONDS)
        except NotImplementedError:
            return  # a store for one process only
        except Exception as exc:
            log.warning("claims: renewal failed (%s)", exc)
        await asyncio.sleep(every)


async def take_over(store: Store, channel: str, handle: Callable[[Rows], Awaitable[None]],
                    every: float = TAKEOVER_EVERY) -> None:
    """Claim the inbox rows whose instance stopped renewing them and hand them to `handle`."""
    while True:
        await asyncio.sleep(every)
        try:
            rows = await store.inbox_claim(channel, limit=1000, own=False)
        except NotImplementedError:
            return
        except Exception as exc:
            log.warning("%s: takeover check failed (%s)", channel, exc)
            continue
        if rows:
            log.info("%s: %d event(s) of a stopped instance taken over", channel, len(rows))
            await handle(rows)
