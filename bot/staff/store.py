"""Staff data in the store: accounts, audit log, teams, inbox decisions, daily aggregates."""
# Every value is bound as a parameter; only constant fragments are assembled.
# ruff: noqa: S608

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from bot.staff import memstore
from bot.staff.records import DAY, SUSPECT_SCAN_DAYS, Account, Summary, day_number
from bot.storage import queries
from bot.storage.base import ReportQuery, Store
from bot.storage.dialect import SQLITE, Dialect
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore


def _day_where(query: ReportQuery) -> tuple[str, list[Any]]:
    conds: list[str] = ["n > 0"]
    params: list[Any] = []
    if query.since is not None:
        conds.append("day >= ?")
        params.append(day_number(query.since))
    if query.until is not None:
        conds.append("day < ?")
        params.append(day_number(query.until))
    if query.channel:
        conds.append("channel = ?")
        params.append(query.channel)
    if query.team:
        conds.append("team = ?")
        params.append(query.team)
    return " WHERE " + " AND ".join(conds), params


class SQLiteStaff:
    """Staff tables of an open SQLiteStore (migration v003)."""

    dialect: Dialect = SQLITE

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self._reader: sqlite3.Connection | None = None
        self._reading = threading.Lock()

    def _query(self, sql: str, params: tuple[Any, ...] | list[Any]) -> list[Any]:
        with self._reading:
            if self._reader is None:
                uri = Path(self.store.path).resolve().as_uri() + "?mode=ro"
                self._reader = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self._reader.execute("PRAGMA busy_timeout=5000")
            return self._reader.execute(sql, params).fetchall()

    async def _all(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        """Read on the console's own connection in a worker thread, so long reads never queue
        behind citizens' turns on the store's connection (WAL lets readers run beside it)."""
        if self.store.path == ":memory:":
            async with self.store.db.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        return await asyncio.to_thread(self._query, sql, params)

    async def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        async with self.store._write:
            cursor = await self.store.db.execute(sql, params)
            return cursor.rowcount

    async def add_account(self, name: str, role: str, team: str | None, pw_hash: str) -> None:
        await self._write("INSERT INTO staff_accounts (name, role, team, pw_hash, created_at)"
                          " VALUES (?, ?, ?, ?, ?)", (name, role, team, pw_hash, time.time()))

    async def account(self, name: str) -> Account | None:
        rows = await self._all("SELECT name, role, team, pw_hash, failed, locked_until"
                               " FROM staff_accounts WHERE name = ?", (name,))
        return Account(*rows[0]) if rows else None

    async def accounts(self) -> list[Account]:
        return [Account(*r) for r in await self._all(
            "SELECT name, role, team, pw_hash, failed, locked_until FROM staff_accounts"
            " ORDER BY name")]

    async def remove_account(self, name: str) -> bool:
        return await self._write("DELETE FROM staff_accounts WHERE name = ?", (name,)) > 0

    async def set_failures(self, name: str, failed: int, locked_until: float) -> None:
        await self._write("UPDATE staff_accounts SET failed = ?, locked_until = ? WHERE name = ?",
                          (failed, locked_until, name))

    async def audit(self, actor: str, action: str, detail: str) -> None:
        await self._write("INSERT INTO staff_audit (ts, actor, action, detail)"
                          " VALUES (?, ?, ?, ?)",
                          (time.time(), actor, action, detail))

    async def audit_log(self, limit: int = 200) -> list[tuple[float, str, str, str]]:
        return [tuple(r) for r in await self._all(
            "SELECT ts, actor, action, detail FROM staff_audit ORDER BY id DESC LIMIT ?",
            (limit,))]

    async def add_team(self, code: str, topic: str | None, note: str, actor: str) -> None:
        await self._write("INSERT INTO staff_teams VALUES (?, ?, ?, ?, ?)",
                          (code, topic, note, time.time(), actor))

    async def teams(self) -> list[tuple[str, str | None, str]]:
        return [tuple(r) for r in await self._all(
            "SELECT code, topic, note FROM staff_teams ORDER BY code")]

    async def arrivals(self, query: ReportQuery) -> dict[str, tuple[int, int, int, int]]:
        """team -> (arrivals, citizens, turns, misses) in the window."""
        where, params = queries._where(query, "team", "team IS NOT NULL")
        found = {t: (a, u, 0, 0) for t, a, u in await self._all(
            f"SELECT team, COUNT(*), COUNT(DISTINCT user_key) FROM referrals{where}"
            " GROUP BY 1", params)}
        where, params = _day_where(query)
        for team, turns, misses in await self._all(
                f"SELECT team, SUM(n), SUM(CASE WHEN outcome IN ('miss', 'suggest',"
                f" 'none_of_these') THEN n ELSE 0 END) FROM daily_turns{where} AND team != ''"
                " GROUP BY 1", params):
            a, u, _, _ = found.get(team, (0, 0, 0, 0))
            found[team] = (a, u, turns, misses)
        return found

    async def decide(self, wording: str, decision: str, topic: str | None, actor: str) -> None:
        await self._write(
            "INSERT INTO staff_decisions VALUES (?, ?, ?, ?, ?) ON CONFLICT(wording) DO UPDATE"
            " SET decision = excluded.decision, topic = excluded.topic, ts = excluded.ts,"
            " actor = excluded.actor", (wording, decision, topic, time.time(), actor))

    async def decisions(self) -> dict[str, tuple[str, str | None]]:
        return {w: (d, t) for w, d, t in await self._all(
            "SELECT wording, decision, topic FROM staff_decisions")}

    async def daily(self, query: ReportQuery) -> list[tuple[int, str, str, str, str, int]]:
        """(day, channel, team, outcome, topic or '', turns) from the daily aggregates."""
        where, params = _day_where(query)
        return [tuple(r) for r in await self._all(
            f"SELECT day, channel, team, outcome, topic, n FROM daily_turns{where}", params)]

    async def summary(self, query: ReportQuery) -> Summary:
        """The overview's sums, grouped in SQL so only small results cross into Python."""
        where, params = _day_where(query)
        return Summary(
            [tuple(r) for r in await self._all(
                f"SELECT channel, outcome, SUM(n) FROM daily_turns{where}"
                " GROUP BY 1, 2 ORDER BY 1, 2",
                params)],
            [tuple(r) for r in await self._all(
                f"SELECT topic, outcome, SUM(n) FROM daily_turns{where} AND topic != ''"
                " GROUP BY 1, 2 ORDER BY 1, 2", params)],
            [tuple(r) for r in await self._all(
                f"SELECT (day - 4) / 7, SUM(n) FROM daily_turns{where} AND outcome IN"
                " ('answer', 'suggest', 'miss') GROUP BY 1 ORDER BY 1", params)])

    async def wordings(self, query: ReportQuery, limit: int = 500
                       ) -> list[tuple[str, str, str | None, int, str]]:
        """Miss wordings like LogStats.wordings, from the daily aggregates."""
        where, params = _day_where(query)
        return [(w, o, t or None, n, ex) for w, o, t, n, ex in await self._all(
            f"SELECT normalized, outcome, topic, SUM(n), MAX(example) FROM daily_misses{where}"
            " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT ?", [*params, limit])]

    async def feedback(self, query: ReportQuery) -> list[tuple[str | None, str | None, int, int]]:
        return [tuple(r) for r in await self._all(*_feedback_sql(query, self.dialect))]

    async def users(self, query: ReportQuery) -> int:
        """Distinct citizens (pseudonymous keys) in the window, as in the report's totals."""
        where, params = queries._where(query, "referral")
        return int((await self._all(f"SELECT COUNT(DISTINCT user_key) FROM turns{where}",
                                    params))[0][0])

    async def flow_events(self, query: ReportQuery) -> list[tuple[Any, ...]]:
        """LogStats.flow_events for `query` (the one query that reads flow turns)."""
        where, params = queries._where(query, "referral", "flow_id IS NOT NULL",
                                       "(outcome LIKE 'flow%' OR outcome = 'answer')")
        return await self._all("SELECT user_key, ts, flow_id, step_id, outcome FROM turns"
                               f"{where} ORDER BY user_key, ts, id", params)

    async def recent_turns(self, query: ReportQuery, now: float) -> list[tuple[Any, ...]]:
        """(user_key, ts, kind, outcome, topic, flow_id, step_id, text) of the last days."""
        end = min(query.until, now) if query.until is not None else now
        start = max(query.since or 0.0, end - SUSPECT_SCAN_DAYS * DAY)
        conds: list[str] = ["ts >= ?", "ts < ?"]
        params: list[Any] = [start, end]
        if query.channel:
            conds.append("channel = ?")
            params.append(query.channel)
        if query.team:
            conds.append("referral = ?")
            params.append(query.team)
        return await self._all(
            "SELECT user_key, ts, kind, outcome, topic, flow_id, step_id, text FROM turns"
            f" WHERE {' AND '.join(conds)} ORDER BY user_key, ts, id", params)

    async def recent_thumbs(self, query: ReportQuery, now: float) -> list[tuple[Any, ...]]:
        """(user_key, ts, topic, comment) of thumbs down in the same recent window."""
        end = min(query.until, now) if query.until is not None else now
        start = max(query.since or 0.0, end - SUSPECT_SCAN_DAYS * DAY)
        return await self._all("SELECT user_key, ts, topic, comment FROM feedback WHERE"
                               " rating < 0 AND ts >= ? AND ts < ?", (start, end))


def _feedback_sql(query: ReportQuery, dialect: Dialect) -> tuple[str, list[Any]]:
    conds: list[str] = ["1 = 1"]
    params: list[Any] = []
    for cond, value in (("ts >= ?", query.since), ("ts < ?", query.until),
                        ("channel = ?", query.channel), ("referral = ?", query.team)):
        if value:
            conds.append(cond)
            params.append(value)
    up, down = dialect.count_if("rating > 0"), dialect.count_if("rating < 0")
    return (f"SELECT topic, flow_id, {up}, {down} FROM feedback WHERE "
            + " AND ".join(conds) + " GROUP BY 1, 2", params)


def staff_store(store: Store) -> Any:
    """The staff side of `store` (SQLite tables, or the in-memory twin), made once."""
    found = getattr(store, "_staff_side", None)
    if found is None:
        if isinstance(store, SQLiteStore):
            found = SQLiteStaff(store)
        elif isinstance(store, MemoryStore):
            found = memstore.MemoryStaff(store)
        else:
            from bot.staff.pgstore import PostgresStaff, PostgresStore  # (import cycle)
            if not isinstance(store, PostgresStore):
                raise NotImplementedError(f"no staff tables in {type(store).__name__}")
            found = PostgresStaff(store)
        setattr(store, "_staff_side", found)  # noqa: B010 - one staff side per store
    return found
