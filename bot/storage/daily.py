"""Report aggregates from the daily tables (v003, v005) instead of the turns, on both stores."""
# Statements are assembled from constant fragments only; every value is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.storage import queries
from bot.storage.base import RUN_STEP_END, LogStats, ReportQuery
from bot.storage.dialect import SQLITE, Dialect, Rows
from bot.storage.queries import MISS_OUTCOMES, QUESTION_OUTCOMES, VN_OFFSET, _in, _where

DAY = 86400
FLOW_TURNS = ("flow_id IS NOT NULL", "(outcome LIKE 'flow%' OR outcome = 'answer')")


def day_aligned(query: ReportQuery) -> bool:
    """Whether the window starts and ends at Vietnam midnights (or is open), so whole days
    of the daily tables cover it exactly."""
    return all(ts is None or (ts + VN_OFFSET) % DAY == 0 for ts in (query.since, query.until))


async def log_stats(db: aiosqlite.Connection, query: ReportQuery) -> LogStats:
    """`collect_stats` on an aiosqlite connection."""
    return await collect_stats(queries.sqlite_rows(db), query, SQLITE)


async def collect_stats(run: Rows, query: ReportQuery, dialect: Dialect) -> LogStats:
    """The report aggregates: from the daily tables when the window is day-aligned, else (or
    when `query.raw`) from the turns themselves (bot/storage/queries.py). Same figures.

    Args:
        run: executes a SELECT (placeholders already converted) and returns rows.
        query: filters.
        dialect: the database's spelling.

    Returns:
        The aggregates.
    """
    if query.raw or not day_aligned(query):
        return await queries.collect_stats(run, query, dialect)

    async def q(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        return await run(dialect.sql(sql), params)

    stats = LogStats()
    await _totals(q, query, stats)
    await _details(q, query, stats)
    await _flows(q, query, stats)
    await _teams(q, query, stats)
    return stats


def _day_where(query: ReportQuery, *extra: str, plain: bool = True) -> tuple[str, list[Any]]:
    """Conditions on the daily tables; `plain=False` writes `+day` so SQLite walks a
    (user_key, day) index for COUNT(DISTINCT) rather than the day range of the primary key."""
    conditions: list[str] = list(extra)
    params: list[Any] = []
    day = "day" if plain else "+day"
    for condition, value in ((f"{day} >= ?", query.since), (f"{day} < ?", query.until)):
        if value is not None:
            conditions.append(condition)
            params.append(int((value + VN_OFFSET) // DAY))
    for condition, text in (("channel = ?", query.channel), ("team = ?", query.team)):
        if text:
            conditions.append(condition)
            params.append(text)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def _none(value: str) -> str | None:
    return value or None  # the daily tables keep NULL as ''


async def _totals(q: Any, query: ReportQuery, stats: LogStats) -> None:
    w, p = _day_where(query)
    for outcome, channel, n in await q(
            f"SELECT outcome, channel, SUM(n) FROM daily_turns{w} GROUP BY 1, 2", p):
        stats.outcomes[outcome] = stats.outcomes.get(outcome, 0) + n
        stats.channels[channel] = stats.channels.get(channel, 0) + n
    stats.turns = sum(stats.outcomes.values())
    w, p = _day_where(query, plain=False)
    stats.users = (await q(f"SELECT COUNT(DISTINCT user_key) FROM daily_users{w}", p))[0][0]
    where, p = _where(query, "referral")
    for order in ("", " DESC"):
        found = await q(f"SELECT ts FROM turns{where} ORDER BY ts{order} LIMIT 1", p)
        if order:
            stats.last_ts = found[0][0] if found else None
        else:
            stats.first_ts = found[0][0] if found else None


async def _details(q: Any, query: ReportQuery, stats: LogStats) -> None:
    w, p = _day_where(query, "topic != ''")
    stats.topics = await q(
        f"SELECT topic, outcome, SUM(n) FROM daily_turns{w} GROUP BY 1, 2 ORDER BY 1, 2", p)
    w, p = _day_where(query, f"outcome IN {_in(QUESTION_OUTCOMES)}")
    stats.weekly = [(week, _none(topic), n) for week, topic, n in await q(
        f"SELECT (day - 4) / 7, topic, SUM(n) FROM daily_turns{w} GROUP BY 1, 2"
        " ORDER BY 1, 2", p)]
    w, p = _day_where(query)
    stats.wordings = [(text, outcome, _none(topic), n, ex) for text, outcome, topic, n, ex
                      in await q(f"SELECT normalized, outcome, topic, SUM(n), MAX(example)"
                                 f" FROM daily_misses{w} GROUP BY 1, 2, 3"
                                 " ORDER BY 4 DESC, 1, 2, 3 LIMIT ?", [*p, query.max_wordings])]
    stats.feedback = [(_none(topic), _none(flow), up, down) for topic, flow, up, down in await q(
        f"SELECT topic, flow_id, SUM(up), SUM(down) FROM daily_feedback{w}"
        " GROUP BY 1, 2 ORDER BY 1, 2", p)]
    w, p = _where(query, "referral", "comment IS NOT NULL", "comment != ''")
    stats.comments = await q(
        f"SELECT ts, topic, flow_id, comment FROM feedback{w} ORDER BY ts DESC, id DESC"
        " LIMIT ?", [*p, queries.MAX_COMMENTS])


async def _flows(q: Any, query: ReportQuery, stats: LogStats) -> None:
    """Runs from flow_runs; turns only where the runs cannot answer.

    flow_runs replays every citizen's turns on all channels and teams, so a channel or team
    filter replays the filtered turns instead. With an `until`, a run replaced at or after it
    was still open then; a run that went on at or after it is replayed from its citizen's
    turns in the window (the few runs in use at that moment).
    """
    if query.channel or query.team:
        w, p = _where(query, "referral", *FLOW_TURNS)
        stats.flow_events = await q("SELECT user_key, ts, flow_id, step_id, outcome FROM turns"
                                    f"{w} ORDER BY user_key, ts, id", p)
        return
    runs, params = "start_ts >= ?", [query.since or 0.0]
    if query.until is None:  # closed runs grouped on an index, open ones one by one
        rows = await q("SELECT flow_id, state, last_step, steps, NULL, COUNT(*) FROM flow_runs"
                       " WHERE +start_ts >= ? AND state IS NOT NULL GROUP BY 1, 2, 3, 4", params)
        rows += await q("SELECT flow_id, state, last_step, steps, last_ts, 1 FROM flow_runs"
                        " WHERE start_ts >= ? AND state IS NULL", params)
        stats.flow_runs = _grouped(rows)
        return
    runs, params = runs + " AND start_ts < ?", [*params, query.until]
    state = "CASE WHEN touched_ts >= ? THEN NULL ELSE state END"
    cut = f"SELECT user_key FROM flow_runs WHERE {runs} AND last_ts >= ?"
    late_params = [*params, query.until]
    w, p = _where(query, "referral", *FLOW_TURNS, f"user_key IN ({cut})")
    stats.flow_events = await q("SELECT user_key, ts, flow_id, step_id, outcome FROM turns"
                                f"{w} ORDER BY user_key, ts, id", [*late_params, *p])
    rows = await q(
        f"SELECT flow_id, {state}, last_step, steps, CASE WHEN {state} IS NULL THEN last_ts"
        f" END, COUNT(*) FROM flow_runs WHERE {runs} AND user_key NOT IN ({cut})"
        " GROUP BY 1, 2, 3, 4, 5", [query.until, query.until, *params, *late_params])
    stats.flow_runs = _grouped(rows)


def _grouped(rows: list[tuple[Any, ...]]) -> list[tuple[str, str, str | None, str,
                                                        float | None, int]]:
    """Runs as LogStats.flow_runs, in a stable order with steps sorted (the same on every
    store); only open runs keep their last time (for staleness)."""
    found: dict[tuple[Any, ...], int] = {}
    sorted_steps: dict[str, str] = {}  # few distinct step lists over many open runs
    for flow, state, step, steps, last_ts, n in rows:
        reached = sorted_steps.get(steps)
        if reached is None:
            reached = sorted_steps[steps] = "".join(
                f"{s}{RUN_STEP_END}" for s in sorted(steps.split(RUN_STEP_END)) if s)
        key = (flow, state or "open", step, reached, None if state else last_ts)
        found[key] = found.get(key, 0) + n
    return sorted(((*key, n) for key, n in found.items()),
                  key=lambda r: (r[0], r[1], r[2] or "", r[3], r[4] or 0.0))


async def _teams(q: Any, query: ReportQuery, stats: LogStats) -> None:
    w, p = _where(query, "team", "team IS NOT NULL")
    stats.referrals = await q(
        f"SELECT team, COUNT(*), COUNT(DISTINCT user_key) FROM referrals{w}"
        " GROUP BY 1 ORDER BY 1", p)
    w, p = _day_where(query, "team != ''", plain=False)
    users = dict(await q(f"SELECT team, COUNT(DISTINCT user_key) FROM daily_users{w}"
                         " GROUP BY 1", p))
    w, p = _day_where(query, "team != ''")
    misses = f"SUM(CASE WHEN outcome IN {_in(MISS_OUTCOMES)} THEN n ELSE 0 END)"
    stats.teams = [(team, turns, users.get(team, 0), missed) for team, turns, missed in await q(
        f"SELECT team, SUM(n), {misses} FROM daily_turns{w} GROUP BY 1 ORDER BY 1", p)]
