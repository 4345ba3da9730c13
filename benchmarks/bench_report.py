"""The staff report over 1,000,000 synthetic turns: SQL aggregates vs naive Python."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from benchmarks.memory import peak_rss_mb, python_peak_mb_async
from benchmarks.synth import FLOWS, generate
from bot.reports.model import build_report
from bot.reports.render import render
from bot.storage.aggregate import aggregate
from bot.storage.base import FeedbackRecord, ReportQuery, TurnRecord
from bot.storage.queries import EXPORT_COLUMNS
from bot.storage.sqlite import SQLiteStore

TURNS = int(os.environ.get("BENCH_TURNS", "1000000"))
TARGET_SECONDS = 5.0


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


async def run(turns: int = TURNS) -> None:
    """Generate, load, then time both ways of building the report."""
    start = time.perf_counter()
    log = generate(turns)
    print(f"generated {len(log.turns):,} turns, {len(log.feedback):,} feedback, "
          f"{len(log.referrals):,} referrals in {_seconds(start):.1f} s")
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "bench.sqlite3")
        await store.open()
        start = time.perf_counter()
        await store.append_log(log.turns, log.feedback, log.referrals)
        size = (Path(folder) / "bench.sqlite3").stat().st_size
        print(f"loaded into SQLite in {_seconds(start):.1f} s ({size / 1e6:.0f} MB)")
        referrals = log.referrals
        del log
        query = ReportQuery()
        now = time.time()
        for label, window in (("all time", query),
                              ("one team", ReportQuery(team="to-cntt-xa-2")),
                              ("last 30 days", ReportQuery(since=1_780_000_000 + 90 * 86400))):
            start = time.perf_counter()
            stats = await store.log_stats(window)
            sql_s = _seconds(start)
            start = time.perf_counter()
            report = build_report(stats, window, {}, {}, now)
            build_s = _seconds(start)
            print(f"report ({label}, SQL aggregates): {sql_s + build_s:.2f} s "
                  f"(SQL {sql_s:.2f} s + grouping/funnels/ranking {build_s:.2f} s) "
                  f"{'within' if sql_s + build_s < TARGET_SECONDS else 'OVER'} the "
                  f"{TARGET_SECONDS:.0f} s target; {report.totals['turns']:,} turns, "
                  f"{len(report.misses)} miss groups, {len(report.funnels)} funnels "
                  f"(of {len(FLOWS)} flows)")
        start = time.perf_counter()
        html = render(report, "html")
        print(f"render html: {_seconds(start):.2f} s ({len(html) / 1e3:.0f} kB)")
        start = time.perf_counter()
        naive = await _naive(store, referrals, query)
        naive_s = _seconds(start)
        start = time.perf_counter()
        stats = await store.log_stats(query)
        sql_s = _seconds(start)
        same = naive == stats
        print(f"naive alternative (read all rows, aggregate in Python): {naive_s:.2f} s vs "
              f"SQL {sql_s:.2f} s ({naive_s / sql_s:.1f}x); same result: {same}")
        # Memory in separate runs: tracemalloc would distort the timings above.
        sql_mb, _ = await python_peak_mb_async(lambda: store.log_stats(query))
        naive_mb, _ = await python_peak_mb_async(lambda: _naive(store, referrals, query))
        print(f"memory (Python heap peak, tracemalloc): SQL aggregates {sql_mb:.1f} MB vs naive "
              f"{naive_mb:.0f} MB; process peak RSS {peak_rss_mb():.0f} MB (includes the "
              "generated log held for loading)")
        await store.close()


def main() -> None:
    """Entry point for `python -m benchmarks`."""
    asyncio.run(run())
