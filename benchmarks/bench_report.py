"""The staff report over a big synthetic log on SQLite and PostgreSQL: daily aggregates vs raw
turns, and the naive alternative of aggregating every row in Python."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.memory import peak_rss_mb, python_peak_mb_async
from benchmarks.synth import FLOWS, chunks, generate
from bot.reports.model import build_report
from bot.reports.render import render
from bot.reports.window import day_of, parse_window
from bot.storage.aggregate import aggregate
from bot.storage.base import FeedbackRecord, ReportQuery, TurnRecord
from bot.storage.queries import EXPORT_COLUMNS
from bot.storage.sqlite import SQLiteStore

# 5M turns by default, the figure (loading takes 5-15 minutes on 2 cores);
# BENCH_REPORT_TURNS=1000000 for a quicker run.
TURNS = int(os.environ.get("BENCH_REPORT_TURNS", os.environ.get("BENCH_TURNS", "5000000")))
NAIVE_MAX_TURNS = 1_000_000  # the naive alternative holds every row in memory
TARGET_SECONDS = 5.0
OLD_SCHEMA = 2  # load before the daily tables exist, then let migrations v003-v005 backfill


def _seconds(start: float) -> float:
    return time.perf_counter() - start


async def _naive(store: SQLiteStore, referrals: list, query: ReportQuery):
    """The simple alternative: read every row into Python objects, aggregate in a loop."""
    names = EXPORT_COLUMNS["turns"][1:]
    turns = [TurnRecord(**dict(zip(names, row[1:], strict=True)))
             async for row in store.export_rows("turns", query)]
    names = EXPORT_COLUMNS["feedback"][1:]
    feedback = [FeedbackRecord(**dict(zip(names, row[1:], strict=True)))
                async for row in store.export_rows("feedback", query)]
    return aggregate(turns, feedback, referrals, query)


async def load_log(store: Any, turns: int) -> None:
    """Bulk-load the synthetic log on an old schema, then migrate (the backfill)."""
    start = time.perf_counter()
    await store.open(schema=OLD_SCHEMA)
    for log in chunks(turns, 200_000):
        await store.append_log(log.turns, log.feedback, log.referrals)
    await store.close()
    loaded = _seconds(start)
    start = time.perf_counter()
    await store.open()
    print(f"  loaded {turns:,} turns in {loaded:.0f} s (bulk insert), migrations v003-v005 "
          f"built the aggregates in {_seconds(start):.0f} s")


def _windows(last_ts: float) -> list[tuple[str, ReportQuery]]:
    month = parse_window(day_of(last_ts - 29 * 86400), None)[0]
    return [("all time", ReportQuery()), ("last 30 days", ReportQuery(since=month)),
            ("one team", ReportQuery(team="to-cntt-xa-2"))]


async def _timed(store: Any, query: ReportQuery, now: float) -> tuple[float, str, Any]:
    start = time.perf_counter()
    stats = await store.log_stats(query)
    report = build_report(stats, query, {}, {}, now)
    text = json.dumps(report.as_dict(), sort_keys=True, ensure_ascii=False)
    return _seconds(start), text, report


async def compare(store: Any, label: str, now: float) -> Any:
    """Each window's report from the aggregates and from the raw turns, timed."""
    last = (await store.log_stats(ReportQuery())).last_ts
    report = None
    for window, query in _windows(last):
        fast_s, fast, report = await _timed(store, query, now)
        raw_s, raw, _ = await _timed(store, dataclasses.replace(query, raw=True), now)
        print(f"  {label}, {window:<12}: aggregates {fast_s:6.2f} s vs raw turns {raw_s:6.2f} s"
              f" ({raw_s / fast_s:5.1f}x), same report: {fast == raw}, "
              f"{'within' if fast_s < TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS:.0f} s "
              f"target; {report.totals['turns']:,} turns, {len(report.funnels)} funnels "
              f"(of {len(FLOWS)} flows)")
    return report


async def _sqlite(folder: Path, turns: int, now: float) -> None:
    path = folder / "bench.sqlite3"
    store = SQLiteStore(path)
    await load_log(store, turns)
    print(f"  SQLite file: {path.stat().st_size / 1e6:.0f} MB")
    report = await compare(store, "SQLite", now)
    start = time.perf_counter()
    html = render(report, "html")
    print(f"  render html: {_seconds(start):.2f} s ({len(html) / 1e3:.0f} kB)")
    if turns <= NAIVE_MAX_TURNS:
        await _naive_figures(store, turns)
    await store.close()


async def _naive_figures(store: SQLiteStore, turns: int) -> None:
    referrals = generate(turns).referrals
    query = ReportQuery(raw=True)
    start = time.perf_counter()
    naive = await _naive(store, referrals, query)
    naive_s = _seconds(start)
    start = time.perf_counter()
    stats = await store.log_stats(query)
    sql_s = _seconds(start)
    print(f"  naive alternative (read all rows, aggregate in Python): {naive_s:.2f} s vs "
          f"SQL over the turns {sql_s:.2f} s; same result: {naive == stats}")
    # Memory in separate runs: tracemalloc would distort the timings above.
    fast_mb, _ = await python_peak_mb_async(lambda: store.log_stats(ReportQuery()))
    sql_mb, _ = await python_peak_mb_async(lambda: store.log_stats(query))
    naive_mb, _ = await python_peak_mb_async(lambda: _naive(store, referrals, query))
    print(f"  memory (Python heap peak, tracemalloc): aggregates {fast_mb:.1f} MB, SQL over the "
          f"turns {sql_mb:.1f} MB, naive {naive_mb:.0f} MB; process peak RSS "
          f"{peak_rss_mb():.0f} MB")


async def _postgres(turns: int, now: float) -> None:
    try:  # the throwaway server of the tests (tests/pgcluster.py)
        from tests import pgcluster
        cluster = pgcluster.start_cluster()
    except Exception as exc:
        print(f"  PostgreSQL not measured: {exc}")
        return
    from bot.storage.postgres import PostgresStore
    try:
        store = PostgresStore(await pgcluster.fresh_database(cluster))
        await load_log(store, turns)
        await compare(store, "PostgreSQL", now)
        await store.close()
    finally:
        cluster.stop()


async def run(turns: int = TURNS) -> None:
    """Load the same synthetic log into both stores and time both ways of building reports."""
    print(f"  {turns:,} synthetic turns over 120 days (BENCH_REPORT_TURNS sets the size)")
    now = time.time()
    with tempfile.TemporaryDirectory() as folder:
        await _sqlite(Path(folder), turns, now)
    await _postgres(turns, now)


def main() -> None:
    """Entry point for `python -m benchmarks`."""
    asyncio.run(run())
