"""Wake the instances when an event is left in the shared inbox (LISTEN/NOTIFY)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

log = logging.getLogger(__name__)
TOPIC = "dvcbot_inbox"  # the NOTIFY channel; the payload names the inbox channel


async def announce(db: Any, channel: str) -> None:
    """Tell the listening instances that `channel` has an event for anyone to claim."""
    await db.execute("SELECT pg_notify($1, $2)", TOPIC, channel)


async def listen(url: str, channel: str, wake: Callable[[], None]
                 ) -> Callable[[], Awaitable[None]]:
    """Call `wake` on each announcement for `channel`, on a connection of its own.

    A lost connection only costs speed: the caller still looks at the inbox on a timer.

    Returns:
        A coroutine function that stops listening.
    """
    conn = await asyncpg.connect(url)

    def heard(_conn: object, _pid: int, _topic: str, payload: str) -> None:
        if payload == channel:
            wake()

    def lost(_conn: object) -> None:
        log.warning("%s: no longer woken by the database; looking on a timer", channel)

    conn.add_termination_listener(lost)
    await conn.add_listener(TOPIC, heard)

    async def stop() -> None:
        conn.remove_termination_listener(lost)
        with contextlib.suppress(Exception):
            await conn.close(timeout=5)

    return stop
