"""Numbered migrations on PostgreSQL: `schema_version`, applied under an advisory lock."""

from __future__ import annotations

import logging
import time

import asyncpg

from bot.storage.base import StoreUnavailable
from bot.storage.migrations import ALL, Migration

log = logging.getLogger(__name__)
# pg_advisory_xact_lock key held while migrating: two instances starting at once take turns,
# the second finds the work done. The constant is "dvcbot" in ASCII.
MIGRATION_LOCK = 0x647663626F74


class MigrationError(StoreUnavailable):
    """A migration cannot run on PostgreSQL (no PG_SQL) or the database is newer than us."""


def _check(migrations: list[Migration]) -> None:
    missing = [m.module for m in migrations if not m.pg_sql]
    if missing:
        raise MigrationError(
            f"migration {missing[0]} has no PG_SQL: every module in bot/storage/migrations/ "
            "needs both SQL (SQLite) and PG_SQL (PostgreSQL)")


async def migrate(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> int:
    """Apply every migration not yet in `schema_version`, all in one transaction.

    The transaction first takes `pg_advisory_xact_lock(MIGRATION_LOCK)`, so concurrent
    start-ups are serialised; a failing migration leaves the schema as it was.

    Args:
        conn: a connection (not inside a transaction).
        migrations: the list to apply (tests); default every module found.

    Returns:
        The schema version after migrating.

    Raises:
        MigrationError: a pending migration has no PG_SQL.
    """
    migrations = ALL if migrations is None else migrations
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                           " version INTEGER PRIMARY KEY,"
                           " name TEXT NOT NULL,"
                           " applied_at DOUBLE PRECISION NOT NULL)")
        current = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0)"
                                          " FROM schema_version"))
        pending = [m for m in migrations if m.number > current]
        if migrations and current > migrations[-1].number:
            log.warning("the database schema (v%03d) is newer than this program's (v%03d):"
                        " upgrade every instance", current, migrations[-1].number)
        _check(pending)
        for m in pending:
            log.info("applying migration v%03d on PostgreSQL", m.number)
            await conn.execute(m.pg_sql or "")
            await conn.execute("INSERT INTO schema_version VALUES ($1, $2, $3)",
                               m.number, m.module.rsplit(".", 1)[-1], time.time())
            current = m.number
    return current
