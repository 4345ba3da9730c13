"""SQL of the inbox and outbox on PostgreSQL (the twin of bot/storage/queue_sql.py)."""

from __future__ import annotations

from typing import Any


def affected(status: str) -> int:
    """Rows touched, from asyncpg's command status ("DELETE 12", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


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

