"""SQL of the inbox and outbox on PostgreSQL (the twin of bot/storage/queue_sql.py)."""

from __future__ import annotations

import time
from typing import Any

from bot.storage.base import undelivered


def affected(status: str) -> int:
    """Rows touched, from asyncpg's command status ("DELETE 12", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def inbox_add(db: Any, channel: str, update_id: str, payload: str) -> bool:
    """Store an event once; False when (channel, update_id) is already waiting."""
    status = await db.execute(
        "INSERT INTO inbox (channel, update_id, payload, received_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING", channel, update_id, payload, time.time())
    return affected(status) == 1


async def inbox_pending(db: Any, channel: str, limit: int) -> list[tuple[str, str]]:
    """(update_id, payload) oldest first."""
    rows = await db.fetch("SELECT update_id, payload FROM inbox WHERE channel = $1"
                          " ORDER BY received_at, seq LIMIT $2", channel, limit)
    return [(str(r[0]), str(r[1])) for r in rows]


async def delete(db: Any, table: str, channel: str, update_id: str) -> None:
    """Forget one inbox or outbox row."""
    assert table in ("inbox", "outbox")  # our own constants, never input
    await db.execute(f"DELETE FROM {table} WHERE channel = $1 AND update_id = $2",  # noqa: S608
                     channel, update_id)


async def outbox_claim(db: Any, channel: str, update_id: str, max_age: float,
                       max_attempts: int) -> str | None:
    """One more attempt at sending; None (row dropped) when too old or tried too often.

    Runs inside the caller's transaction.
    """
    row = await db.fetchrow(
        "UPDATE outbox SET attempts = attempts + 1 WHERE channel = $1 AND update_id = $2"
        " RETURNING replies, created_at, attempts", channel, update_id)
    if row is None:
        return None
    if float(row[1]) < time.time() - max_age or int(row[2]) > max_attempts:
        await delete(db, "outbox", channel, update_id)
        undelivered(channel, update_id)
        return None
    return str(row[0])
