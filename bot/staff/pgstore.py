"""Staff data on PostgreSQL: the SQLite staff queries run on the PostgresStore's pool."""
# ruff: noqa: S608 - every value is bound; only constant fragments are assembled.

from __future__ import annotations

from typing import Any

import asyncpg

from bot.staff.store import SQLiteStaff
from bot.storage.base import ReportQuery
from bot.storage.dialect import POSTGRES
from bot.storage.postgres import PostgresStore
from bot.storage.postgres.queue import affected


class PostgresStaff(SQLiteStaff):
    """Same methods and SQL as SQLiteStaff; statements are translated to PostgreSQL's dialect.

    Reads and writes take a pooled connection each, so the console never queues behind turns.
    """

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

    async def feedback(self, query: ReportQuery) -> list[tuple[str | None, str | None, int, int]]:
        conds: list[str] = ["1 = 1"]
        params: list[Any] = []
        for cond, value in (("ts >= ?", query.since), ("ts < ?", query.until),
                            ("channel = ?", query.channel), ("referral = ?", query.team)):
            if value:
                conds.append(cond)
                params.append(value)
        up, down = POSTGRES.count_if("rating > 0"), POSTGRES.count_if("rating < 0")
        return await self._all(f"SELECT topic, flow_id, {up}, {down} FROM feedback WHERE "
                               + " AND ".join(conds) + " GROUP BY 1, 2", params)
