"""Retention purge in small transactions, so citizens' turns interleave with it."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

import aiosqlite

from bot.storage.batch import begin_immediate

CHUNK_ROWS = 200  # one transaction deletes at most this many rows (a few milliseconds)
MIN_PAUSE_SECONDS = 0.002


async def delete_older(db: aiosqlite.Connection, lock: asyncio.Lock, table: str, column: str,
                       before: float, chunk: int = CHUNK_ROWS) -> int:
    """Delete rows of `table` whose `column` < `before`, `chunk` rows per transaction,
    taking `lock` (the store's write lock) for each transaction only.

    After each chunk the purge waits as long as the chunk took: in this process the turns
    queued on `lock` go first anyway; another process's writer, polling through SQLite's busy
    handler (sleeps of 1 to 100 ms), needs the database unlocked long enough to notice.

    Returns:
        Rows deleted.
    """
    sql = (f"DELETE FROM {table} WHERE rowid IN "  # noqa: S608 - names are ours (queries.PURGED)
           f"(SELECT rowid FROM {table} WHERE {column} < ? LIMIT ?)")
    total = 0
    loop = asyncio.get_running_loop()
    while True:
        async with lock:
            began = loop.time()
            await begin_immediate(db)
            try:
                cursor = await db.execute(sql, (before, chunk))
                count = cursor.rowcount
                await db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    await db.execute("ROLLBACK")
                raise
        total += count
        if count < chunk:
            return total
        await asyncio.sleep(max(MIN_PAUSE_SECONDS, loop.time() - began))
