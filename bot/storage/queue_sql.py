"""SQL of the inbox and outbox (one operation each, run inside a group-commit transaction)."""

from __future__ import annotations

import time

import aiosqlite

from bot.storage.base import undelivered


async def inbox_add(db: aiosqlite.Connection, channel: str, update_id: str,
                    payload: str) -> bool:
    cursor = await db.execute(
        "INSERT OR IGNORE INTO inbox (channel, update_id, payload, received_at)"
        " VALUES (?, ?, ?, ?)", (channel, update_id, payload, time.time()))
    return cursor.rowcount == 1


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


async def outbox_claim(db: aiosqlite.Connection, channel: str, update_id: str,
                       max_age: float, max_attempts: int) -> str | None:
    cursor = await db.execute(
        "UPDATE outbox SET attempts = attempts + 1 WHERE channel = ? AND update_id = ?"
        " RETURNING replies, created_at, attempts", (channel, update_id))
    row = await cursor.fetchone()
    await cursor.close()
    if row is None:
        return None
    if float(row[1]) < time.time() - max_age or int(row[2]) > max_attempts:
        await delete(db, "outbox", channel, update_id)
        undelivered(channel, update_id)
        return None
    return str(row[0])
