"""The production Store: one SQLite file through aiosqlite, WAL mode, numbered migrations."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import AsyncGenerator, Iterable
from dataclasses import astuple, fields
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage import chunked, cluster_sql, daily, filelock, queries, queue_sql
from bot.storage.base import (
    CLAIM_SECONDS,
    AlreadyHandled,
    Commit,
    FeedbackRecord,
    LogStats,
    ReferralRecord,
    ReportQuery,
    Store,
    TurnRecord,
)
from bot.storage.batch import GroupCommitter, begin_immediate
from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)

_TURN_COLS = [f.name for f in fields(TurnRecord)]
_FEEDBACK_COLS = [f.name for f in fields(FeedbackRecord)]
_REFERRAL_COLS = [f.name for f in fields(ReferralRecord)]
UPDATE_MEMORY_SECONDS = 7 * 24 * 3600  # redeliveries older than a week are not expected


def _insert(table: str, cols: list[str]) -> str:
    # Table and column names come from our own dataclasses, never from input.
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"  # noqa: S608


_TURN_SQL = _insert("turns", _TURN_COLS)
_FEEDBACK_SQL = _insert("feedback", _FEEDBACK_COLS)
_REFERRAL_SQL = _insert("referrals", _REFERRAL_COLS)


async def migrate(db: aiosqlite.Connection, upto: int | None = None) -> int:
    """Apply every migration newer than `PRAGMA user_version`, each in its own transaction.

    Args:
        db: an open connection.
        upto: stop after this version (tests and benchmarks load old schemas).

    Returns:
        The schema version after migrating.
    """
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for number, sql in MIGRATIONS:
        if number <= current or (upto is not None and number > upto):
            continue
        log.info("applying migration v%03d", number)
        await db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        current = number
    return current


class SQLiteStore(Store):
    """Sessions and logs in one SQLite file; every turn is one transaction."""

    def __init__(self, path: str | Path, *, group_commit: bool = True) -> None:
        """Create the store; call `open()` before use.

        Args:
            path: the database file (its folder is created), or ":memory:".
            group_commit: share one transaction among concurrent turns (False: one each).
        """
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        # One connection is shared by every coroutine: a transaction must not interleave
        # with another one's statements.
        self._write = asyncio.Lock()
        self._batch = GroupCommitter(lambda: self.db, self._write,
                                     max_batch=256 if group_commit else 1)
        self._reader: aiosqlite.Connection | None = None  # reports never hold up turns

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection."""
        if self._db is None:
            raise RuntimeError("SQLiteStore.open() was not called")
        return self._db

    async def open(self, schema: int | None = None) -> None:
        """Open the file and migrate it (only up to version `schema` when given: tests and
        benchmarks build old schemas)."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await self._prepare(self._db, schema)
        except BaseException:
            # Its thread would keep the process alive after the error.
            await self._db.close()
            self._db = None
            raise

    async def _prepare(self, db: aiosqlite.Connection, schema: int | None) -> None:
        # First: every later statement waits for a lock another process holds.
        await db.execute("PRAGMA busy_timeout=5000")
        # NORMAL in WAL mode survives a process crash (SIGKILL); only power loss can drop
        # the last commits.
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA secure_delete=ON")
        # Several processes may open one file at once (instances started together): one at a
        # time switches it to WAL and migrates, the others then find it done.
        lock = (contextlib.nullcontext() if self.path == ":memory:"
                else filelock.exclusive(self.path + ".lock"))
        async with lock:
            await db.execute("PRAGMA journal_mode=WAL")
            await migrate(db, schema)

    async def close(self) -> None:
        await self._batch.wait_idle()
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def load_session(self, user_key: str) -> dict[str, Any]:
        async with self.db.execute("SELECT data FROM sessions WHERE user_key = ?",
                                   (user_key,)) as cursor:
            row = await cursor.fetchone()
        return json.loads(row[0]) if row else {}

    async def seen_update(self, channel: str, update_id: str) -> bool:
        async with self.db.execute(
                "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?",
                (channel, update_id)) as cursor:
            return await cursor.fetchone() is not None

    async def commit(self, commit: Commit) -> None:
        await self._batch.run(lambda db: self._commit(db, commit))

    async def _commit(self, db: aiosqlite.Connection, commit: Commit) -> None:
        now = time.time()
        if commit.update_id:  # first: nothing else is written when it was played already
            cursor = await db.execute("INSERT OR IGNORE INTO processed_updates VALUES (?, ?, ?)",
                                      (commit.channel, commit.update_id, now))
            if cursor.rowcount == 0:
                raise AlreadyHandled(commit.update_id)
        await db.execute(
            "INSERT INTO sessions (user_key, channel, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_key) DO UPDATE SET data = excluded.data,"
            " channel = excluded.channel, updated_at = excluded.updated_at",
            (commit.user_key, commit.channel, json.dumps(commit.session, ensure_ascii=False),
             now))
        if commit.turn:
            await db.execute(_TURN_SQL, astuple(commit.turn))
        if commit.feedback:
            await db.execute(_FEEDBACK_SQL, astuple(commit.feedback))
        if commit.referral:
            await db.execute(_REFERRAL_SQL, astuple(commit.referral))
        if commit.update_id and commit.replies is not None:
            await cluster_sql.outbox_put(db, commit.channel, commit.update_id,
                                         commit.replies, now, self.holder)

    async def get_value(self, key: str) -> str | None:
        async with self.db.execute("SELECT value FROM kv WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def set_value(self, key: str, value: str) -> None:
        await self._batch.run(lambda db: db.execute(
            "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key)"
            " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (key, value, time.time())))

    async def ping(self) -> None:
        async with self.db.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def inbox_add(self, channel: str, update_id: str, payload: str,
                        order_key: str = "", *, claim: bool = True) -> bool:
        holder = self.holder if claim else None
        return bool(await self._batch.run(lambda db: cluster_sql.inbox_add(
            db, channel, update_id, payload, order_key, holder)))

    async def inbox_pending(self, channel: str, limit: int = 1000) -> list[tuple[str, str]]:
        return await queue_sql.inbox_pending(self.db, channel, limit)

    async def inbox_done(self, channel: str, update_id: str) -> None:
        await self._batch.run(lambda db: queue_sql.delete(db, "inbox", channel, update_id))

    async def outbox_claim(self, channel: str, update_id: str, max_age: float,
                           max_attempts: int) -> str | None:
        return await self._batch.run(lambda db: cluster_sql.outbox_claim(
            db, channel, update_id, max_age, max_attempts, self.holder))

    async def outbox_sent(self, channel: str, update_id: str) -> None:
        await self._batch.run(lambda db: cluster_sql.outbox_sent(db, channel, update_id,
                                                                 self.holder))

    async def inbox_claim(self, channel: str, limit: int = 1000, *,
                          own: bool = True) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = await self._batch.run(
            lambda db: cluster_sql.inbox_claim(db, channel, limit, self.holder, own))
        return rows

    async def inbox_take(self, channel: str, update_id: str) -> bool:
        return bool(await self._batch.run(
            lambda db: cluster_sql.inbox_take(db, channel, update_id, self.holder)))

    async def claims_renew(self, seconds: float = CLAIM_SECONDS) -> None:
        await self._batch.run(lambda db: cluster_sql.claims_renew(db, self.holder, seconds))

    async def lease(self, name: str, seconds: float) -> bool:
        return bool(await self._batch.run(
            lambda db: cluster_sql.lease(db, name, self.holder, seconds)))

    async def lease_release(self, name: str) -> None:
        await self._batch.run(lambda db: cluster_sql.lease_release(db, name, self.holder))

    async def forget_old_updates(self, older_than: float = UPDATE_MEMORY_SECONDS) -> None:
        """Drop redelivery markers older than `older_than` seconds."""
        await self._batch.run(lambda db: db.execute(
            "DELETE FROM processed_updates WHERE ts < ?", (time.time() - older_than,)))

    async def _read_db(self) -> aiosqlite.Connection:
        """A second connection (its own thread) for reports: turns go on while they run."""
        if self.path == ":memory:":
            return self.db
        if self._reader is None:
            self._reader = await aiosqlite.connect(self.path, isolation_level=None)
            await self._reader.execute("PRAGMA query_only = ON")
            await self._reader.execute("PRAGMA busy_timeout = 5000")
        return self._reader

    async def log_stats(self, query: ReportQuery) -> LogStats:
        return await daily.log_stats(await self._read_db(), query)

    async def purge(self, before: float) -> dict[str, int]:
        """Delete old rows in small transactions (bot/storage/chunked.py): turns go on."""
        deleted = {table: await chunked.delete_older(self.db, self._write, table, column, before)
                   for table, column in queries.PURGED}
        forget = time.time() - UPDATE_MEMORY_SECONDS
        await chunked.delete_older(self.db, self._write, "processed_updates", "ts", forget)
        await chunked.delete_older(self.db, self._write, "outbox", "created_at", forget)
        async with self._write:
            await begin_immediate(self.db)
            try:  # the cut day's miss examples must not outlive their turns (v005)
                for sql, params in queries.misses_refresh(before):
                    await self.db.execute(sql, params)
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            # Old page images would otherwise linger in the WAL file until a checkpoint. A
            # statement still open on this connection (a claim scan) makes it fail with
            # "table is locked": then SQLite's automatic checkpoint does it later.
            try:
                await self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as exc:
                log.info("purge: WAL checkpoint postponed (%s)", exc)
        return deleted

    async def append_log(self, turns: Iterable[TurnRecord],
                         feedback: Iterable[FeedbackRecord] = (),
                         referrals: Iterable[ReferralRecord] = ()) -> None:
        """Insert many log rows in one transaction (imports, synthetic logs for benchmarks).

        Args:
            turns: turn records, already redacted.
            feedback: feedback records.
            referrals: referral records.
        """
        async with self._write:
            await begin_immediate(self.db)
            try:
                await self.db.executemany(_TURN_SQL, (astuple(t) for t in turns))
                await self.db.executemany(_FEEDBACK_SQL, (astuple(f) for f in feedback))
                await self.db.executemany(_REFERRAL_SQL, (astuple(r) for r in referrals))
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise

    async def export_rows(self, table: str, query: ReportQuery
                          ) -> AsyncGenerator[tuple[Any, ...], None]:
        """Rows of `turns` or `feedback` for analysts (see queries.EXPORT_COLUMNS)."""
        reader = await self._read_db()
        async with contextlib.aclosing(queries.export_rows(reader, table, query)) as rows:
            async for row in rows:
                yield row
