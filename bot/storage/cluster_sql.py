"""SQLite statements for several processes on one file: claims on inbox/outbox rows, leases."""

from __future__ import annotations

import time

import aiosqlite

from bot.storage.base import CLAIM_SECONDS, undelivered


async def inbox_add(db: aiosqlite.Connection, channel: str, update_id: str, payload: str,
                    order_key: str, holder: str | None) -> bool:
    """Insert claimed by `holder`, unless None or the chat has an older event not held by
    `holder` (then unclaimed: it waits its turn). True when the row is new and `holder`'s."""
    now = time.time()
    if holder and order_key:
        async with db.execute("SELECT 1 FROM inbox WHERE channel = ? AND order_key = ?"
                              " AND claimed_by != ? LIMIT 1", (channel, order_key, holder)) as c:
            if await c.fetchone() is not None:
                holder = None
    cursor = await db.execute(
        "INSERT OR IGNORE INTO inbox (channel, update_id, payload, received_at, claimed_by,"
        " claimed_until, order_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (channel, update_id, payload, now, holder or "",
         now + CLAIM_SECONDS if holder else 0.0, order_key))
    return cursor.rowcount == 1 and holder is not None


# Only the oldest waiting event of a chat may be claimed by whoever comes (one at a time).
HEAD = ("(head.order_key = '' OR NOT EXISTS (SELECT 1 FROM inbox AS older"
        " WHERE older.channel = head.channel AND older.order_key = head.order_key"
        " AND (older.received_at < head.received_at OR (older.received_at = head.received_at"
        " AND older.rowid < head.rowid))))")


async def inbox_claim(db: aiosqlite.Connection, channel: str, limit: int, holder: str,
                      own: bool) -> list[tuple[str, str]]:
    now = time.time()
    mine = "claimed_by = ?" if own else "claimed_by = ? AND 0"
    cursor = await db.execute(
        "UPDATE inbox SET claimed_by = ?, claimed_until = ? WHERE rowid IN ("  # noqa: S608
        " SELECT rowid FROM inbox AS head WHERE channel = ?"
        f" AND ({mine} OR (claimed_until < ? AND claimed_by != ? AND {HEAD}))"
        " ORDER BY received_at, rowid LIMIT ?)"
        " RETURNING update_id, payload, received_at, rowid",
        (holder, now + CLAIM_SECONDS, channel, holder, now, holder, limit))
    rows = sorted(await cursor.fetchall(), key=lambda r: (float(r[2]), int(r[3])))
    await cursor.close()
    return [(str(r[0]), str(r[1])) for r in rows]


async def inbox_take(db: aiosqlite.Connection, channel: str, update_id: str,
                     holder: str) -> bool:
    now = time.time()
    # Not past an older event of the same chat that is not ours: that one goes first.
    cursor = await db.execute(
        "UPDATE inbox AS head SET claimed_by = ?, claimed_until = ? WHERE channel = ?"
        " AND update_id = ? AND (claimed_by = ? OR (claimed_until < ? AND (order_key = ''"
        " OR NOT EXISTS (SELECT 1 FROM inbox AS older WHERE older.channel = head.channel"
        " AND older.order_key = head.order_key AND older.claimed_by != ?"
        " AND older.rowid < head.rowid))))",
        (holder, now + CLAIM_SECONDS, channel, update_id, holder, now, holder))
    if cursor.rowcount == 1:
        return True
    async with db.execute("SELECT 1 FROM inbox WHERE channel = ? AND update_id = ?",
                          (channel, update_id)) as found:
        return await found.fetchone() is None  # gone: handled already, nothing to hold


async def outbox_put(db: aiosqlite.Connection, channel: str, update_id: str, replies: str,
                     now: float, holder: str) -> None:
    """Keep the replies, claimed no longer than any inbox row `holder` holds on the channel:
    whoever takes the event over must be able to take its replies too. (The event's own row
    cannot be found by key: channels key the inbox on the platform's id and the turn on that
    id plus a digest of the content.)"""
    await db.execute(
        "INSERT OR REPLACE INTO outbox (channel, update_id, replies, created_at, claimed_by,"
        " claimed_until) VALUES (?, ?, ?, ?, ?, MIN(?, COALESCE((SELECT MIN(claimed_until)"
        " FROM inbox WHERE channel = ? AND claimed_by = ?), ?)))",
        (channel, update_id, replies, now, holder, now + CLAIM_SECONDS, channel, holder,
         now + CLAIM_SECONDS))


async def outbox_claim(db: aiosqlite.Connection, channel: str, update_id: str, max_age: float,
                       max_attempts: int, holder: str) -> str | None:
    now = time.time()
    cursor = await db.execute(
        "UPDATE outbox SET attempts = attempts + 1, claimed_by = ?, claimed_until = ?"
        " WHERE channel = ? AND update_id = ? AND (claimed_by = ? OR claimed_until < ?)"
        " RETURNING replies, created_at, attempts",
        (holder, now + CLAIM_SECONDS, channel, update_id, holder, now))
    row = await cursor.fetchone()
    await cursor.close()
    if row is None:
        return None  # sent already, or being sent by another live instance
    if float(row[1]) < now - max_age or int(row[2]) > max_attempts:
        await db.execute("DELETE FROM outbox WHERE channel = ? AND update_id = ?",
                         (channel, update_id))
        undelivered(channel, update_id)
        return None
    return str(row[0])


async def outbox_sent(db: aiosqlite.Connection, channel: str, update_id: str,
                      holder: str) -> None:
    await db.execute("DELETE FROM outbox WHERE channel = ? AND update_id = ? AND claimed_by = ?",
                     (channel, update_id, holder))


async def claims_renew(db: aiosqlite.Connection, holder: str, seconds: float) -> None:
    until = time.time() + seconds
    # Outbox first: a reply's claim never outlives its event's (see outbox_put).
    for table in ("outbox", "inbox"):  # our own constants
        await db.execute(f"UPDATE {table} SET claimed_until = ? WHERE claimed_by = ?",  # noqa: S608
                         (until, holder))


async def lease(db: aiosqlite.Connection, name: str, holder: str, seconds: float) -> bool:
    now = time.time()
    cursor = await db.execute(
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT(name)"
        " DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
        " WHERE leases.holder = excluded.holder OR leases.expires_at < ? RETURNING holder",
        (name, holder, now + seconds, now))
    row = await cursor.fetchone()
    await cursor.close()
    return row is not None


async def lease_release(db: aiosqlite.Connection, name: str, holder: str) -> None:
    await db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
