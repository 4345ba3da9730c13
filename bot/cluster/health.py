"""The database's state for /healthz: "up", or a short reason that names no address."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.storage.base import Store

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2.0


def database_check(store: Store, timeout: float = TIMEOUT_SECONDS
                   ) -> Callable[[], Awaitable[str]]:
    """A /healthz check running a trivial query on `store`.

    The reason given is the error's type only ("down: ConnectionRefusedError"): its message
    may name the host, the user or the database, and /healthz is often reachable by anyone.
    """

    async def check() -> str:
        try:
            async with asyncio.timeout(timeout):
                await store.ping()
        except TimeoutError:
            return f"down: no answer within {timeout:g} s"
        except Exception as exc:
            log.warning("healthz: the database does not answer (%s)", type(exc).__name__)
            return f"down: {type(exc).__name__}"
        return "up"

    return check
