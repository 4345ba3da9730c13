"""The SQL behind staff reports, retention and exports (the only report SQL in the project)."""
# Statements are assembled from constant fragments of this module only; every value a user
# gives (dates, channel, team) is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import aiosqlite

from bot.storage.base import LogStats, ReportQuery

# Outcomes that count as a citizen asking about something, and as the bot missing it.
QUESTION_OUTCOMES = ("answer", "suggest", "miss")
MISS_OUTCOMES = ("miss", "suggest", "none_of_these")
MAX_COMMENTS = 200
# Weeks start on Monday in Vietnam time (UTC+7, no daylight saving); 1970-01-05 was a Monday.
VN_OFFSET = 7 * 3600
WEEK_ORIGIN = 4 * 86400
WEEK_SQL = f"CAST((ts + {VN_OFFSET} - {WEEK_ORIGIN}) / 604800 AS INTEGER)"
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


async def _rows(db: aiosqlite.Connection, sql: str, params: list[Any]) -> list[Any]:
    async with db.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def log_stats(db: aiosqlite.Connection, query: ReportQuery) -> LogStats:
    """Run every aggregate a report needs over the filtered log.

    Args:
        db: an open connection.
        query: filters.

    Returns:
        The aggregates, each list in a stable order.
    """
    stats = LogStats()
    where, p = _where(query, "referral")
    (stats.turns, stats.users, stats.first_ts, stats.last_ts), = await _rows(
        db, f"SELECT COUNT(*), COUNT(DISTINCT user_key), MIN(ts), MAX(ts) FROM turns{where}", p)
    for outcome, channel, n in await _rows(
            db, f"SELECT outcome, channel, COUNT(*) FROM turns{where} GROUP BY 1, 2", p):
        stats.outcomes[outcome] = stats.outcomes.get(outcome, 0) + n
        stats.channels[channel] = stats.channels.get(channel, 0) + n
    w, p = _where(query, "referral", "topic IS NOT NULL")
    stats.topics = [tuple(r) for r in await _rows(
        db, f"SELECT topic, outcome, COUNT(*) FROM turns{w} GROUP BY 1, 2 ORDER BY 1, 2", p)]
    w, p = _where(query, "referral", f"outcome IN {_in(QUESTION_OUTCOMES)}")
    stats.weekly = [tuple(r) for r in await _rows(
        db, f"SELECT {WEEK_SQL}, topic, COUNT(*) FROM turns{w} GROUP BY 1, 2"
            " ORDER BY 1, 2 NULLS FIRST", p)]
    w, p = _where(query, "referral", f"outcome IN {_in(MISS_OUTCOMES)}",
                  "normalized IS NOT NULL", "normalized != ''")
    stats.wordings = [tuple(r) for r in await _rows(
        db, f"SELECT normalized, outcome, topic, COUNT(*), COALESCE(MAX(text), '') FROM turns{w}"
            " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 NULLS FIRST LIMIT ?",
        [*p, query.max_wordings])]
    w, p = _where(query, "referral")
    stats.feedback = [tuple(r) for r in await _rows(
        db, "SELECT topic, flow_id, SUM(rating > 0), SUM(rating < 0) FROM feedback"
            f"{w} GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST", p)]
    w, p = _where(query, "referral", "comment IS NOT NULL", "comment != ''")
    stats.comments = [tuple(r) for r in await _rows(
        db, f"SELECT ts, topic, flow_id, comment FROM feedback{w} ORDER BY ts DESC, id DESC"
            " LIMIT ?", [*p, MAX_COMMENTS])]
    w, p = _where(query, "referral", "flow_id IS NOT NULL",
                  "(outcome LIKE 'flow%' OR outcome = 'answer')")
    stats.flow_events = [tuple(r) for r in await _rows(
        db, f"SELECT user_key, ts, flow_id, step_id, outcome FROM turns{w}"
            " ORDER BY user_key, ts, id", p)]
    w, p = _where(query, "team", "team IS NOT NULL")
    stats.referrals = [tuple(r) for r in await _rows(
        db, f"SELECT team, COUNT(*), COUNT(DISTINCT user_key) FROM referrals{w}"
            " GROUP BY 1 ORDER BY 1", p)]
    w, p = _where(query, "referral", "referral IS NOT NULL")
    stats.teams = [tuple(r) for r in await _rows(
        db, "SELECT referral, COUNT(*), COUNT(DISTINCT user_key),"
            f" SUM(outcome IN {_in(MISS_OUTCOMES)}) FROM turns{w} GROUP BY 1 ORDER BY 1", p)]
    return stats


async def purge(db: aiosqlite.Connection, before: float) -> dict[str, int]:
    """Delete turns, feedback, referrals and idle sessions older than `before`.

    Runs inside the caller's transaction.

    Returns:
        Rows deleted per table.
    """
    deleted = {}
    for table, column in (("turns", "ts"), ("feedback", "ts"), ("referrals", "ts"),
                          ("sessions", "updated_at")):
        cursor = await db.execute(f"DELETE FROM {table} WHERE {column} < ?", (before,))
        deleted[table] = cursor.rowcount
    return deleted


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
    columns = EXPORT_COLUMNS[table]
    where, params = _where(query, "referral")
    async with db.execute(f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY ts, id",
                          params) as cursor:
        async for row in cursor:
            yield tuple(row)
