"""SQL of the inbox and outbox (one operation each, run inside a group-commit transaction)."""

from __future__ import annotations

import aiosqlite


async def inbox_pending(db: aiosqlite.Connection, channel: str,
                        limit: int) -> list[tuple[str, str]]:
    async with db.execute("SELECT update_id, payload FROM inbox WHERE channel = ?"
                          " ORDER BY received_at, rowid LIMIT ?", (channel, limit)) as cursor:
        rows = await cursor.fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


async def delete(db: aiosqlite.Connection, table: str, channel: str, update_id: str) -> None:
    assert table in ("inbox", "outbox")  # our own constants, never input
    await db.execute(f"DELETE FROM {table} WHERE channel = ? AND update_id = ?",  # noqa: S608
                     (channel, update_id))
