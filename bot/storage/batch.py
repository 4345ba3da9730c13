"""Group commit: the writes of many concurrent turns share one SQLite transaction."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)
Op = Callable[[aiosqlite.Connection], Awaitable[Any]]
LOCK_RETRIES = 6  # BEGIN waits busy_timeout (5 s) each time: about 30 s in all, then fails


class GroupCommitter:
    """Queues write operations; one task runs every queued one in a single transaction.

    Each operation runs inside its own SAVEPOINT, so one that fails is rolled back and reported
    to its caller alone; the others commit. A caller's await returns once its batch committed,
    so "committed before the reply is sent" still holds.
    """

    def __init__(self, db: Callable[[], aiosqlite.Connection], lock: asyncio.Lock,
                 max_batch: int = 256) -> None:
        self._db = db
        self.max_batch = max_batch  # 1: one transaction per write (the old behaviour)
        self._lock = lock  # also held by bulk writers (purge, imports)
        self._pending: list[tuple[Op, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None
        self.batches = 0

    async def run(self, op: Op) -> Any:
        """Queue `op` and wait for the transaction that contains it to commit."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((op, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await asyncio.shield(future)

    async def wait_idle(self) -> None:
        """Let the queued writes finish (before closing the connection)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _drain(self) -> None:
        async with self._lock:
            while self._pending:
                batch = self._pending[:self.max_batch]
                self._pending = self._pending[self.max_batch:]
                await self._run_batch(batch)

    async def _run_batch(self, batch: list[tuple[Op, asyncio.Future[Any]]]) -> None:
        db = self._db()
        try:
            await begin_immediate(db)
        except Exception as exc:
            _fail(batch, exc)
            return
        results: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        try:
            for op, future in batch:
                await db.execute("SAVEPOINT op")
                try:
                    results.append((future, await op(db), None))
                    await db.execute("RELEASE op")
                except Exception as exc:  # reported to that caller only
                    await db.execute("ROLLBACK TO op")
                    await db.execute("RELEASE op")
                    results.append((future, None, exc))
            await db.execute("COMMIT")
        except BaseException as exc:
            await _rollback(db)
            _fail(batch, exc if isinstance(exc, Exception) else RuntimeError("cancelled"))
            if not isinstance(exc, Exception):
                raise
            return
        self.batches += 1
        for future, result, error in results:
            if future.done():
                continue
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)


async def begin_immediate(db: aiosqlite.Connection) -> None:
    """BEGIN IMMEDIATE, retried while another process holds the lock (bounded)."""
    for attempt in range(1, LOCK_RETRIES + 1):
        try:
            await db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or attempt == LOCK_RETRIES:
                raise
            log.warning("database locked by another process; waiting (try %d of %d)",
                        attempt, LOCK_RETRIES)
            await asyncio.sleep(0.1 * attempt)


async def _rollback(db: aiosqlite.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):  # nothing was open
        await db.execute("ROLLBACK")


def _fail(batch: list[tuple[Op, asyncio.Future[Any]]], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)
