"""PostgreSQL statements for several instances: claims, leases and the per-citizen turn lock.

Claim and lease times come from the database clock (`clock_timestamp()`), so instances on
machines whose clocks disagree still agree on who holds what.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from bot.storage.base import CLAIM_SECONDS, undelivered
from bot.storage.postgres.queue import affected

NOW = "extract(epoch FROM clock_timestamp())"
TURN_LOCK_CLASS = 0x64766374  # "dvct": the first key of pg_advisory_xact_lock(int, int)


async def inbox_add(db: Any, channel: str, update_id: str, payload: str, order_key: str,
                    holder: str | None) -> bool:
    """Insert claimed by `holder`, unless None or the chat has an older event not held by
    `holder` (then unclaimed: it waits its turn). True when the row is new and `holder`'s."""
    mine = ("$4 <> '' AND ($6 = '' OR NOT EXISTS (SELECT 1 FROM inbox WHERE channel = $1"
            " AND order_key = $6 AND claimed_by <> $4))")
    row = await db.fetchrow(
        "INSERT INTO inbox (channel, update_id, payload, received_at, claimed_by,"  # noqa: S608
        f" claimed_until, order_key) VALUES ($1, $2, $3, {NOW},"
        f" CASE WHEN {mine} THEN $4 ELSE '' END,"
        f" CASE WHEN {mine} THEN {NOW} + $5 ELSE 0 END, $6)"
        " ON CONFLICT DO NOTHING RETURNING claimed_by",
        channel, update_id, payload, holder or "", CLAIM_SECONDS, order_key)
    return row is not None and bool(holder) and row[0] == holder


# Only the oldest waiting event of a chat may be claimed by whoever comes (one at a time).
HEAD = ("(head.order_key = '' OR NOT EXISTS (SELECT 1 FROM inbox AS older"
        " WHERE older.channel = head.channel AND older.order_key = head.order_key"
        " AND (older.received_at, older.seq) < (head.received_at, head.seq)))")


async def inbox_claim(db: Any, channel: str, limit: int, holder: str,
                      own: bool) -> list[tuple[str, str]]:
    rows = await db.fetch(
        f"UPDATE inbox SET claimed_by = $1, claimed_until = {NOW} + $2"  # noqa: S608
        " WHERE (channel, update_id) IN (SELECT channel, update_id FROM inbox AS head"
        " WHERE channel = $3 AND ((claimed_by = $1 AND $4)"
        f" OR (claimed_until < {NOW} AND claimed_by <> $1 AND {HEAD}))"
        " ORDER BY received_at, seq LIMIT $5 FOR UPDATE SKIP LOCKED)"
        " RETURNING update_id, payload, received_at, seq",
        holder, CLAIM_SECONDS, channel, own, limit)
    rows = sorted(rows, key=lambda r: (float(r[2]), int(r[3])))
    return [(str(r[0]), str(r[1])) for r in rows]


async def inbox_take(db: Any, channel: str, update_id: str, holder: str) -> bool:
    # Not past an older event of the same chat that is not ours: that one goes first.
    status = await db.execute(
        f"UPDATE inbox AS head SET claimed_by = $1, claimed_until = {NOW} + $2"  # noqa: S608
        " WHERE channel = $3 AND update_id = $4"
        f" AND (claimed_by = $1 OR (claimed_until < {NOW} AND (order_key = ''"
        " OR NOT EXISTS (SELECT 1 FROM inbox AS older WHERE older.channel = head.channel"
        " AND older.order_key = head.order_key AND older.claimed_by <> $1"
        " AND older.seq < head.seq))))",
        holder, CLAIM_SECONDS, channel, update_id)
    if affected(status) == 1:
        return True
    return await db.fetchval("SELECT 1 FROM inbox WHERE channel = $1 AND update_id = $2",
                             channel, update_id) is None


def outbox_claim_until(channel: str, holder: str, seconds: str) -> str:
    """SQL for a new reply's claim expiry, given the SQL references of its channel, holder
    and claim length: no later than any inbox row the holder holds on the channel, so
    whoever takes the event over can take its replies too. (Not the event's own row: the
    channels key the inbox on the platform's id and the turn on that id plus a digest of the
    content; see bot/storage/cluster_sql.py for the SQLite twin.)"""
    return (f"LEAST({NOW} + {seconds}, (SELECT min(claimed_until) FROM inbox"  # noqa: S608
            f" WHERE channel = {channel} AND claimed_by = {holder}))")


async def outbox_claim(db: Any, channel: str, update_id: str, max_age: float,
                       max_attempts: int, holder: str) -> str | None:
    """One more attempt at sending, if no other live instance is sending them (in the
    caller's transaction: the UPDATE's row lock makes a second claimant wait, then see
    the new claim and get nothing)."""
    row = await db.fetchrow(
        f"UPDATE outbox SET attempts = attempts + 1, claimed_by = $1,"  # noqa: S608
        f" claimed_until = {NOW} + $2 WHERE channel = $3 AND update_id = $4"
        f" AND (claimed_by = $1 OR claimed_until < {NOW})"
        f" RETURNING replies, created_at, attempts, {NOW}",
        holder, CLAIM_SECONDS, channel, update_id)
    if row is None:
        return None
    if float(row[1]) < float(row[3]) - max_age or int(row[2]) > max_attempts:
        await db.execute("DELETE FROM outbox WHERE channel = $1 AND update_id = $2",
                         channel, update_id)
        undelivered(channel, update_id)
        return None
    return str(row[0])


async def outbox_sent(db: Any, channel: str, update_id: str, holder: str) -> None:
    await db.execute("DELETE FROM outbox WHERE channel = $1 AND update_id = $2"
                     " AND claimed_by = $3", channel, update_id, holder)


async def claims_renew(db: Any, holder: str, seconds: float) -> None:
    # Outbox first: a reply's claim never outlives its event's (see outbox_claim_until).
    for table in ("outbox", "inbox"):  # our own constants
        await db.execute(f"UPDATE {table} SET claimed_until = {NOW} + $1"  # noqa: S608
                         " WHERE claimed_by = $2", seconds, holder)


async def lease(db: Any, name: str, holder: str, seconds: float) -> bool:
    row = await db.fetchrow(
        f"INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, {NOW} + $3)"  # noqa: S608
        " ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder,"
        " expires_at = EXCLUDED.expires_at"
        f" WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < {NOW}"
        " RETURNING holder", name, holder, seconds)
    return row is not None


async def lease_release(db: Any, name: str, holder: str) -> None:
    await db.execute("DELETE FROM leases WHERE name = $1 AND holder = $2", name, holder)


def turn_key(user_key: str) -> int:
    """A signed 32-bit key per citizen (a rare collision only makes two citizens wait)."""
    return int.from_bytes(hashlib.blake2b(user_key.encode(), digest_size=4).digest(), "big",
                          signed=True)


@contextlib.asynccontextmanager
async def turn_lock(pool: asyncpg.Pool, user_key: str) -> AsyncIterator[None]:
    """Hold the citizen's advisory lock for the duration of the block.

    The lock lives on a connection of `pool`, a pool of its own: a turn holding it takes its
    queries' connections from the main pool, so however many turns wait for a lock, none
    waits for a connection another lock holder needs (no deadlock). A process that dies
    loses its connection, and the database releases the lock.
    """
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", TURN_LOCK_CLASS,
                           turn_key(user_key))
        yield
