"""The SQL behind staff reports, retention and exports (the only report SQL in the project)."""
# Statements are assembled from constant fragments of this module only; every value a user
# gives (dates, channel, team) is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import aiosqlite

from bot.storage.base import LogStats, ReportQuery
from bot.storage.dialect import SQLITE, Dialect, Rows

# Outcomes that count as a citizen asking about something, and as the bot missing it.
QUESTION_OUTCOMES = ("answer", "suggest", "miss")
MISS_OUTCOMES = ("miss", "suggest", "none_of_these")
MAX_COMMENTS = 200
# Weeks start on Monday in Vietnam time (UTC+7, no daylight saving); 1970-01-05 was a Monday.
VN_OFFSET = 7 * 3600
WEEK_ORIGIN = 4 * 86400
WEEK_EXPR = f"(ts + {VN_OFFSET} - {WEEK_ORIGIN}) / 604800"
WEEK_SQL = SQLITE.floor_int(WEEK_EXPR)
EXPORT_COLUMNS = {
    "turns": ("id", "ts", "channel", "user_key", "kind", "text", "normalized", "topic",
              "score", "outcome", "facet", "flow_id", "step_id", "referral", "latency_ms"),
    "feedback": ("id", "ts", "channel", "user_key", "rating", "topic", "flow_id", "comment",
                 "referral"),
}


def week_of(ts: float) -> int:
    """The week number used by the reports (same arithmetic as WEEK_SQL)."""
    return int((ts + VN_OFFSET - WEEK_ORIGIN) // 604800)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"  # constants above, never input


def _where(query: ReportQuery, team_column: str | None, *extra: str) -> tuple[str, list[Any]]:
    """A WHERE clause for the query's filters plus fixed `extra` conditions."""
    conditions: list[str] = list(extra)
    params: list[Any] = []
    if query.since is not None:
        conditions.append("ts >= ?")
        params.append(query.since)
    if query.until is not None:
        conditions.append("ts < ?")
        params.append(query.until)
    if query.channel:
        conditions.append("channel = ?")
        params.append(query.channel)
    if query.team and team_column:
        conditions.append(f"{team_column} = ?")
        params.append(query.team)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def sqlite_rows(db: aiosqlite.Connection) -> Rows:
    """The `Rows` runner of an aiosqlite connection."""
    async def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        async with db.execute(sql, params) as cursor:
            return [tuple(r) for r in await cursor.fetchall()]
    return rows


async def log_stats(db: aiosqlite.Connection, query: ReportQuery) -> LogStats:
    """Run every aggregate a report needs over the filtered log (SQLite).

    Args:
        db: an open connection.
        query: filters.

    Returns:
        The aggregates, each list in a stable order.
    """
    return await collect_stats(sqlite_rows(db), query, SQLITE)


async def collect_stats(run: Rows, query: ReportQuery, dialect: Dialect) -> LogStats:
    """`log_stats` on any database: `run` executes one SELECT written for `dialect`.

    Args:
        run: executes a SELECT (with `?` placeholders already converted) and returns rows.
        query: filters.
        dialect: the database's spelling of placeholders and integer arithmetic.

    Returns:
        The aggregates, each list in a stable order.
    """
    async def q(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        return await run(dialect.sql(sql), params)

    stats = LogStats()
    where, p = _where(query, "referral")
    (stats.turns, stats.users, stats.first_ts, stats.last_ts), = await q(
        f"SELECT COUNT(*), COUNT(DISTINCT user_key), MIN(ts), MAX(ts) FROM turns{where}", p)
    for outcome, channel, n in await q(
            f"SELECT outcome, channel, COUNT(*) FROM turns{where} GROUP BY 1, 2", p):
        stats.outcomes[outcome] = stats.outcomes.get(outcome, 0) + n
        stats.channels[channel] = stats.channels.get(channel, 0) + n
    w, p = _where(query, "referral", "topic IS NOT NULL")
    stats.topics = await q(
        f"SELECT topic, outcome, COUNT(*) FROM turns{w} GROUP BY 1, 2 ORDER BY 1, 2", p)
    w, p = _where(query, "referral", f"outcome IN {_in(QUESTION_OUTCOMES)}")
    stats.weekly = await q(
        f"SELECT {dialect.floor_int(WEEK_EXPR)}, topic, COUNT(*) FROM turns{w} GROUP BY 1, 2"
        " ORDER BY 1, 2 NULLS FIRST", p)
    w, p = _where(query, "referral", f"outcome IN {_in(MISS_OUTCOMES)}",
                  "normalized IS NOT NULL", "normalized != ''")
    stats.wordings = await q(
        f"SELECT normalized, outcome, topic, COUNT(*), COALESCE(MAX(text), '') FROM turns{w}"
        " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 NULLS FIRST LIMIT ?",
        [*p, query.max_wordings])
    w, p = _where(query, "referral")
    up, down = dialect.count_if("rating > 0"), dialect.count_if("rating < 0")
    stats.feedback = await q(
        f"SELECT topic, flow_id, {up}, {down} FROM feedback{w}"
        " GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST", p)
    w, p = _where(query, "referral", "comment IS NOT NULL", "comment != ''")
    stats.comments = await q(
        f"SELECT ts, topic, flow_id, comment FROM feedback{w} ORDER BY ts DESC, id DESC"
        " LIMIT ?", [*p, MAX_COMMENTS])
    w, p = _where(query, "referral", "flow_id IS NOT NULL",
                  "(outcome LIKE 'flow%' OR outcome = 'answer')")
    stats.flow_events = await q(
        f"SELECT user_key, ts, flow_id, step_id, outcome FROM turns{w}"
        " ORDER BY user_key, ts, id", p)
    w, p = _where(query, "team", "team IS NOT NULL")
    stats.referrals = await q(
        f"SELECT team, COUNT(*), COUNT(DISTINCT user_key) FROM referrals{w}"
        " GROUP BY 1 ORDER BY 1", p)
    w, p = _where(query, "referral", "referral IS NOT NULL")
    misses = dialect.count_if(f"outcome IN {_in(MISS_OUTCOMES)}")
    stats.teams = await q(
        f"SELECT referral, COUNT(*), COUNT(DISTINCT user_key), {misses} FROM turns{w}"
        " GROUP BY 1 ORDER BY 1", p)
    return stats


PURGED = (("turns", "ts"), ("feedback", "ts"), ("referrals", "ts"), ("sessions", "updated_at"))


def purge_sql(table: str, column: str) -> str:
    """The retention DELETE of one (table, column) of PURGED."""
    assert (table, column) in PURGED  # our own constants, never input
    return f"DELETE FROM {table} WHERE {column} < ?"


async def purge(db: aiosqlite.Connection, before: float) -> dict[str, int]:
    """Delete turns, feedback, referrals and idle sessions older than `before`.

    Runs inside the caller's transaction.

    Returns:
        Rows deleted per table.
    """
    deleted = {}
    for table, column in PURGED:
        cursor = await db.execute(purge_sql(table, column), (before,))
        deleted[table] = cursor.rowcount
    return deleted


def export_sql(table: str, query: ReportQuery) -> tuple[str, list[Any]]:
    """The SELECT (with `?` placeholders) and parameters of `export_rows`."""
    columns = EXPORT_COLUMNS[table]
    where, params = _where(query, "referral")
    return f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY ts, id", params


async def export_rows(db: aiosqlite.Connection, table: str, query: ReportQuery
                      ) -> AsyncGenerator[tuple[Any, ...], None]:
    """Yield the rows of `turns` or `feedback` within the query's filters, oldest first.

    Args:
        db: an open connection.
        table: "turns" or "feedback" (see EXPORT_COLUMNS).
        query: filters.

    Yields:
        One tuple per row, in EXPORT_COLUMNS order.
    """
    sql, params = export_sql(table, query)
    async with db.execute(sql, params) as cursor:
        async for row in cursor:
            yield tuple(row)
