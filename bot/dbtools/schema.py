"""What the copy reads about both schemas: tables, columns, types, identity columns."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Lease holders of the old installation mean nothing to the new one: not copied.
EPHEMERAL = frozenset({"leases"})


class CopyError(RuntimeError):
    """The copy cannot go ahead (schema mismatch, non-empty target, count mismatch)."""


@dataclass(frozen=True)
class Table:
    """One table copied from SQLite: its columns and how each value is converted."""

    name: str
    columns: tuple[str, ...]
    converters: tuple[Callable[[Any], Any], ...]
    has_rowid: bool


def q(name: str) -> str:
    """An identifier quoted for both databases (names come from the schemas, never input)."""
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(conn: sqlite3.Connection) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Every user table of the SQLite file: (columns in order, whether it has a rowid)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                        " AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    found = {}
    for name, sql in rows:
        cols = tuple(r[1] for r in conn.execute(f"PRAGMA table_info({q(name)})"))
        found[name] = (cols, "WITHOUT ROWID" not in (sql or "").upper())
    return found


def _convert(pg_type: str) -> Callable[[Any], Any]:
    """SQLite keeps any value in any column; PostgreSQL's binary COPY wants the right type."""
    if pg_type in ("text", "character varying"):
        # PostgreSQL text cannot hold NUL; the bot strips it from messages before storing.
        return lambda v: v if v is None else str(v).replace("\x00", "")
    if pg_type in ("double precision", "real", "numeric"):
        return lambda v: v if v is None else float(v)
    if pg_type in ("integer", "bigint", "smallint"):
        return lambda v: v if v is None else int(v)
    if pg_type == "boolean":
        return lambda v: v if v is None else bool(v)
    return lambda v: v


async def pg_columns(conn: Any) -> dict[str, dict[str, str]]:
    """{table: {column: data type}} of the target's `public` schema (current search path)."""
    rows = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        found.setdefault(row[0], {})[row[1]] = row[2]
    return found


async def identity_columns(conn: Any, table: str) -> list[str]:
    """Columns of `table` fed by a sequence (identity or serial), whose counter we reset."""
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND table_name = $1 AND (is_identity = 'YES'"
        " OR column_default LIKE 'nextval(%')", table)
    return [r[0] for r in rows]


def plan(source: dict[str, tuple[tuple[str, ...], bool]],
         target: dict[str, dict[str, str]]) -> list[Table]:
    """The tables to copy, with converters; CopyError when the target lacks a table or column.

    Args:
        source: sqlite_tables() of the file.
        target: pg_columns() of the migrated PostgreSQL database.

    Returns:
        One Table per source table, ephemeral ones left out, in name order.
    """
    tables = []
    for name, (cols, has_rowid) in sorted(source.items()):
        if name in EPHEMERAL:
            continue
        if name not in target:
            raise CopyError(f"table {name} of the SQLite file is not in the PostgreSQL "
                            "database: is the SQLite file from a newer dvcbot?")
        missing = [c for c in cols if c not in target[name]]
        if missing:
            raise CopyError(f"column {name}.{missing[0]} of the SQLite file is not in the "
                            "PostgreSQL database: is the SQLite file from a newer dvcbot?")
        tables.append(Table(name, cols, tuple(_convert(target[name][c]) for c in cols),
                            has_rowid))
    return tables
