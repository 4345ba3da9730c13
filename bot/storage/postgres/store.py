"""PostgresStore: the Store interface on PostgreSQL through asyncpg's connection pool."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import astuple
from typing import Any

import asyncpg

from bot.storage import daily, queries
from bot.storage.base import (
    CLAIM_SECONDS,
    Commit,
    FeedbackRecord,
    LogStats,
    ReferralRecord,
    ReportQuery,
    Store,
    StoreUnavailable,
    TurnRecord,
)
from bot.storage.dburl import safe_url
from bot.storage.dialect import POSTGRES
from bot.storage.migrations import ALL
from bot.storage.postgres import cluster, notify, onetrip, queue
from bot.storage.postgres.schema import migrate

log = logging.getLogger(__name__)

_COLUMNS = onetrip.COLUMNS
UPDATE_MEMORY_SECONDS = 7 * 24 * 3600  # as SQLiteStore: redeliveries older than a week


class PostgresStore(Store):
    """Sessions and logs in PostgreSQL; every turn is one statement on a pooled connection.

    Several processes may share the database: migrations take an advisory lock, and every
    write is a self-contained transaction.
    """

    dialect = POSTGRES

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        """Create the store; call `open()` before use.

        Args:
            url: a libpq URL (`postgresql://user@host/db`); a missing password is taken from
                PGPASSWORD or ~/.pgpass by the driver.
            min_size: connections kept open in the pool.
            max_size: most connections open at once.
        """
        self.url = url
        self._sizes = (min_size, max_size)
        self._pool: asyncpg.Pool | None = None
        # Per-citizen turn locks live on a pool of their own (see cluster.turn_lock); it opens
        # no connection before the first turn, so reports and CLI commands never pay for it.
        self._lock_pool: asyncpg.Pool | None = None

    @property
    def pool(self) -> asyncpg.Pool:
        """The open connection pool."""
        if self._pool is None:
            raise RuntimeError("PostgresStore.open() was not called")
        return self._pool

    async def open(self, schema: int | None = None) -> None:
        """Connect the pool and migrate (only up to version `schema` when given: tests and
        benchmarks build old schemas)."""
        try:
            self._pool = await asyncpg.create_pool(self.url, min_size=self._sizes[0],
                                                   max_size=self._sizes[1])
        except (OSError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StoreUnavailable(f"cannot open the PostgreSQL database {safe_url(self.url)}:"
                                   f" {exc}") from exc
        try:
            async with self._pool.acquire() as conn:
                await migrate(conn, None if schema is None
                              else [m for m in ALL if m.number <= schema])
            self._lock_pool = await asyncpg.create_pool(self.url, min_size=0,
                                                        max_size=self._sizes[1])
        except BaseException:
            await self._pool.close()
            self._pool = None
            raise

    async def close(self) -> None:
        if self._lock_pool is not None:
            await self._lock_pool.close()
            self._lock_pool = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def load_session(self, user_key: str) -> dict[str, Any]:
        data = await self.pool.fetchval("SELECT data FROM sessions WHERE user_key = $1",
                                        user_key)
        return json.loads(data) if data is not None else {}

    async def seen_update(self, channel: str, update_id: str) -> bool:
        return await self.pool.fetchval(
            "SELECT 1 FROM processed_updates WHERE channel = $1 AND update_id = $2",
            channel, update_id) is not None

    async def commit(self, commit: Commit) -> None:
        # One statement: one round trip, and its own transaction (all of it or nothing).
        sql, args = onetrip.commit_statement(commit, time.time(), self.holder)
        await self.pool.execute(sql, *args)

    async def get_value(self, key: str) -> str | None:
        value = await self.pool.fetchval("SELECT value FROM kv WHERE key = $1", key)
        return None if value is None else str(value)

    async def set_value(self, key: str, value: str) -> None:
        await self.pool.execute(
            "INSERT INTO kv (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key)"
            " DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at",
            key, value, time.time())

    async def ping(self) -> None:
        await self.pool.fetchval("SELECT 1")

    async def inbox_add(self, channel: str, update_id: str, payload: str,
                        order_key: str = "", *, claim: bool = True) -> bool:
        mine = await cluster.inbox_add(self.pool, channel, update_id, payload, order_key,
                                       self.holder if claim else None)
        if not claim:
            await notify.announce(self.pool, channel)
        return mine

    async def inbox_listen(self, channel: str, wake: Callable[[], None]
                           ) -> Callable[[], Awaitable[None]]:
        return await notify.listen(self.url, channel, wake)

    async def inbox_pending(self, channel: str, limit: int = 1000) -> list[tuple[str, str]]:
        return await queue.inbox_pending(self.pool, channel, limit)

    async def inbox_done(self, channel: str, update_id: str) -> None:
        await queue.delete(self.pool, "inbox", channel, update_id)

    async def outbox_claim(self, channel: str, update_id: str, max_age: float,
                           max_attempts: int) -> str | None:
        async with self.pool.acquire() as conn, conn.transaction():
            return await cluster.outbox_claim(conn, channel, update_id, max_age, max_attempts,
                                              self.holder)

    async def outbox_sent(self, channel: str, update_id: str) -> None:
        await cluster.outbox_sent(self.pool, channel, update_id, self.holder)

    # --- several instances (bot/storage/postgres/cluster.py) ------------------------------
    async def inbox_claim(self, channel: str, limit: int = 1000, *,
                          own: bool = True) -> list[tuple[str, str]]:
        return await cluster.inbox_claim(self.pool, channel, limit, self.holder, own)

    async def inbox_take(self, channel: str, update_id: str) -> bool:
        return await cluster.inbox_take(self.pool, channel, update_id, self.holder)

    async def claims_renew(self, seconds: float = CLAIM_SECONDS) -> None:
        await cluster.claims_renew(self.pool, self.holder, seconds)

    async def lease(self, name: str, seconds: float) -> bool:
        return await cluster.lease(self.pool, name, self.holder, seconds)

    async def lease_release(self, name: str) -> None:
        await cluster.lease_release(self.pool, name, self.holder)

    @contextlib.asynccontextmanager
    async def turn_lock(self, user_key: str) -> AsyncIterator[None]:
        if self._lock_pool is None:
            raise RuntimeError("PostgresStore.open() was not called")
        async with cluster.turn_lock(self._lock_pool, user_key):
            yield

    async def forget_old_updates(self, older_than: float = UPDATE_MEMORY_SECONDS) -> None:
        """Drop redelivery markers older than `older_than` seconds."""
        await self.pool.execute("DELETE FROM processed_updates WHERE ts < $1",
                                time.time() - older_than)

    async def log_stats(self, query: ReportQuery) -> LogStats:
        # One snapshot for every aggregate, as SQLite's reader sees one WAL snapshot per query.
        async with self.pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            async def run(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in await conn.fetch(sql, *params)]

            return await daily.collect_stats(run, query, POSTGRES)

    async def purge(self, before: float) -> dict[str, int]:
        deleted: dict[str, int] = {}
        async with self.pool.acquire() as conn, conn.transaction():
            for table, column in queries.PURGED:
                status = await conn.execute(POSTGRES.sql(queries.purge_sql(table, column)),
                                            before)
                deleted[table] = queue.affected(status)
            for sql, params in queries.misses_refresh(before):
                await conn.execute(POSTGRES.sql(sql), *params)
            old = time.time() - UPDATE_MEMORY_SECONDS
            await conn.execute("DELETE FROM processed_updates WHERE ts < $1", old)
            await conn.execute("DELETE FROM outbox WHERE created_at < $1", old)
        return deleted

    async def append_log(self, turns: Iterable[TurnRecord],
                         feedback: Iterable[FeedbackRecord] = (),
                         referrals: Iterable[ReferralRecord] = ()) -> None:
        """Insert many log rows in one transaction with COPY (imports, benchmarks).

        The daily aggregates' triggers run once per table, over all the copied rows.
        """
        async with self.pool.acquire() as conn, conn.transaction():
            for table, rows in (("turns", turns), ("feedback", feedback),
                                ("referrals", referrals)):
                records = [astuple(r) for r in rows]
                if records:
                    await conn.copy_records_to_table(table, records=records,
                                                     columns=_COLUMNS[table])

    async def export_rows(self, table: str, query: ReportQuery
                          ) -> AsyncGenerator[tuple[Any, ...], None]:
        """Rows of `turns` or `feedback` for analysts (see queries.EXPORT_COLUMNS)."""
        sql, params = queries.export_sql(table, query)
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            async for row in conn.cursor(POSTGRES.sql(sql), *params, prefetch=1000):
                yield tuple(row)
