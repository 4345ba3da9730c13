"""Staff data on PostgreSQL: the SQLite staff queries run on the PostgresStore's pool."""

from __future__ import annotations

from typing import Any

import asyncpg

from bot.staff.store import SQLiteStaff
from bot.storage.dialect import POSTGRES
from bot.storage.postgres import PostgresStore
from bot.storage.postgres.queue import affected


class PostgresStaff(SQLiteStaff):
    """Same methods and SQL as SQLiteStaff; statements are translated to PostgreSQL's dialect.

    Reads and writes take a pooled connection each, so the console never queues behind turns.
    """

    dialect = POSTGRES

    def __init__(self, store: PostgresStore) -> None:
        self.store = store  # type: ignore[assignment]  # SQLiteStaff's attribute, another store
        self.pg = store

    async def _all(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        return [tuple(r) for r in await self.pg.pool.fetch(POSTGRES.sql(sql), *params)]

    async def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        try:
            return affected(await self.pg.pool.execute(POSTGRES.sql(sql), *params))
        except asyncpg.UniqueViolationError as exc:  # an account or team that exists
            raise ValueError(f"{params[0]!r} exists") from exc
