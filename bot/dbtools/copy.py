"""Copy every table of a SQLite installation into an empty PostgreSQL database, verified."""
# ruff: noqa: S608 - identifiers come from both schemas and are quoted by q(); values are bound

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bot.dbtools.schema import (
    CopyError,
    Table,
    identity_columns,
    pg_columns,
    plan,
    q,
    sqlite_tables,
)
from bot.storage.migrations import ALL
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore

log = logging.getLogger(__name__)
BATCH_ROWS = 5000


@dataclass(frozen=True)
class Copied:
    """Rows of one table in the SQLite file and, after the copy, in PostgreSQL."""

    table: str
    source: int
    target: int


async def _upgrade_source(path: Path) -> None:
    """Bring the SQLite file to this version's schema, as `dvcbot run` would at start-up."""
    if not path.is_file():
        raise CopyError(f"no SQLite database at {path}")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    latest = ALL[-1].number
    if version > latest:
        raise CopyError(f"{path} has schema v{version:03d}, newer than this dvcbot "
                        f"(v{latest:03d}): run migrate-to from the newer version")
    if version < latest:
        store = SQLiteStore(path)
        await store.open()
        await store.close()


async def _check_empty(conn: Any, tables: list[Table], replace: bool) -> None:
    """Refuse a target holding rows in any copied table, or empty it with `replace`."""
    full = [t.name for t in tables
            if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM {q(t.name)})')]
    if not full:
        return
    if not replace:
        raise CopyError(f"the PostgreSQL database already holds data ({', '.join(full)}): "
                        "nothing copied; use --replace to overwrite it")
    names = ", ".join(q(t.name) for t in tables)
    await conn.execute(f"TRUNCATE {names} RESTART IDENTITY")
    log.warning("emptied %d tables of the target before copying", len(tables))


def _convert(table: Table, rows: list[tuple[Any, ...]], first: int) -> list[tuple[Any, ...]]:
    """Values as PostgreSQL's columns want them; CopyError naming the row and column if not."""
    records = []
    for number, row in enumerate(rows, start=first):
        try:
            records.append(tuple(f(v) for f, v in zip(table.converters, row, strict=True)))
        except (TypeError, ValueError):
            for column, f, v in zip(table.columns, table.converters, row, strict=True):
                with contextlib.suppress(TypeError, ValueError):
                    f(v)
                    continue
                raise CopyError(f"table {table.name}, row {number}: column {column}: {v!r} "
                                "cannot be stored in PostgreSQL; nothing copied") from None
    return records


async def _copy_table(conn: Any, src: sqlite3.Connection, table: Table, batch: int,
                      progress: Callable[[str, int], None]) -> int:
    """COPY one table in batches with its triggers off (aggregates are copied as they are)."""
    cols = ", ".join(q(c) for c in table.columns)
    order = " ORDER BY rowid" if table.has_rowid else ""  # keeps arrival order (inbox)
    cursor = src.execute(f"SELECT {cols} FROM {q(table.name)}{order}")
    await conn.execute(f"ALTER TABLE {q(table.name)} DISABLE TRIGGER USER")
    done = 0
    while rows := cursor.fetchmany(batch):
        records = _convert(table, rows, done + 1)
        try:
            await conn.copy_records_to_table(table.name, records=records,
                                             columns=list(table.columns))
        except asyncpg.PostgresError as exc:
            raise CopyError(f"table {table.name}, rows {done + 1}-{done + len(rows)}: "
                            f"{exc}; nothing copied") from exc
        done += len(records)
        progress(table.name, done)
    await conn.execute(f"ALTER TABLE {q(table.name)} ENABLE TRIGGER USER")
    for column in await identity_columns(conn, table.name):
        # The next generated id follows the copied ones, as it would have in SQLite.
        await conn.execute(
            f'SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({q(column)}), 0) + 1,'
            f' false) FROM {q(table.name)}', table.name, column)
    return done


async def migrate_to(sqlite_path: str | Path, url: str, *, replace: bool = False,
                     batch: int = BATCH_ROWS,
                     progress: Callable[[str, int], None] = lambda table, rows: None,
                     ) -> list[Copied]:
    """Copy a SQLite installation into PostgreSQL in one transaction and verify the counts.

    The target is migrated to the current schema first; the SQLite file too (as a start-up
    would). Everything is copied in one PostgreSQL transaction, so a failure or a count
    mismatch leaves the target as it was, and the command can simply be run again.

    Args:
        sqlite_path: the installation's SQLite file (read in one snapshot).
        url: the PostgreSQL URL (a missing password comes from PGPASSWORD or ~/.pgpass).
        replace: empty a target that already holds data instead of refusing.
        batch: rows per COPY.
        progress: called with (table, rows copied so far) after each batch.

    Returns:
        The per-table counts, equal on both sides.

    Raises:
        CopyError: schema mismatch, non-empty target, or different counts after the copy.
        StoreUnavailable: PostgreSQL cannot be reached.
    """
    path = Path(sqlite_path)
    await _upgrade_source(path)
    store = PostgresStore(url, min_size=1, max_size=1)
    await store.open()  # runs the PostgreSQL migrations under their advisory lock
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        src.execute("BEGIN")  # one read snapshot for every table and count
        async with store.pool.acquire() as conn, conn.transaction():
            tables = plan(sqlite_tables(src), await pg_columns(conn))
            await _check_empty(conn, tables, replace)
            result = []
            for table in tables:
                copied = await _copy_table(conn, src, table, batch, progress)
                source = int(src.execute(f"SELECT COUNT(*) FROM {q(table.name)}").fetchone()[0])
                target = int(await conn.fetchval(f"SELECT COUNT(*) FROM {q(table.name)}"))
                if not source == copied == target:
                    raise CopyError(f"{table.name}: {source} rows in SQLite, {target} in "
                                    "PostgreSQL: nothing copied (rolled back)")
                result.append(Copied(table.name, source, target))
        return result
    finally:
        src.close()
        await store.close()
