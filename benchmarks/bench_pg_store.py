"""PostgresStore next to SQLiteStore on one machine: turn commits per second (one statement
per turn vs the simple alternative, one statement per row) and the report over a log."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from dataclasses import astuple
from pathlib import Path

from benchmarks.synth import generate
from bot.storage.base import Commit, ReportQuery, Store, TurnRecord
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore
from tests import pgcluster

COMMITS = int(os.environ.get("BENCH_PG_COMMITS", "3000"))
REPORT_TURNS = int(os.environ.get("BENCH_PG_TURNS", "300000"))


class RowByRowStore(PostgresStore):
    """The simple alternative: BEGIN, one statement per row, COMMIT (six round trips)."""

    async def commit(self, commit: Commit) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO sessions VALUES ($1, $2, $3, $4) ON CONFLICT (user_key) DO UPDATE"
                " SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at",
                commit.user_key, commit.channel, "{}", time.time())
            if commit.turn:
                await conn.execute(
                    "INSERT INTO turns (ts, channel, user_key, kind, text, normalized, outcome,"
                    " topic, score, facet, flow_id, step_id, referral, latency_ms) VALUES"
                    " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    *astuple(commit.turn))
            await conn.execute("INSERT INTO processed_updates VALUES ($1, $2, $3)"
                               " ON CONFLICT DO NOTHING", commit.channel, commit.update_id, 0.0)
            await conn.execute("INSERT INTO outbox (channel, update_id, replies, created_at)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                               commit.channel, commit.update_id, commit.replies, 0.0)


async def _commits_per_second(store: Store, concurrency: int) -> float:
    await store.open()
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        user = f"u{i % 500}"
        turn = TurnRecord(1_795_000_000.0 + i, "telegram", user, "text", "lam cccd",
                          "lam cccd", "miss" if i % 3 else "answer", None if i % 3 else "cccd")
        async with gate:
            await store.commit(Commit(user, "telegram", {"n": i}, turn, update_id=str(i),
                                      replies="[]"))

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(COMMITS)))
    seconds = time.perf_counter() - start
    await store.close()
    return COMMITS / seconds


async def _report_seconds(store: Store) -> float:
    await store.open()
    log = generate(REPORT_TURNS, seed=5)
    await store.append_log(log.turns, log.feedback, log.referrals)  # type: ignore[attr-defined]
    start = time.perf_counter()
    await store.log_stats(ReportQuery())
    seconds = time.perf_counter() - start
    await store.close()
    return seconds


async def run() -> None:
    cluster = pgcluster.start_cluster()  # fsync off: a throwaway server, as in the tests
    try:
        with tempfile.TemporaryDirectory() as folder:
            for concurrency in (1, 50):
                kinds: list[tuple[str, Store]] = [
                    ("SQLite (group commit)", SQLiteStore(Path(folder) / f"c{concurrency}.db")),
                    ("PostgreSQL, one statement per turn",
                     PostgresStore(await pgcluster.fresh_database(cluster))),
                    ("PostgreSQL, row by row (simple)",
                     RowByRowStore(await pgcluster.fresh_database(cluster)))]
                for name, store in kinds:
                    rate = await _commits_per_second(store, concurrency)
                    print(f"{COMMITS} turns, {concurrency:>2} at once, {name}: {rate:,.0f}/s")
            sqlite = await _report_seconds(SQLiteStore(Path(folder) / "report.db"))
            pg = await _report_seconds(PostgresStore(await pgcluster.fresh_database(cluster)))
            print(f"all-time report (log_stats) over {REPORT_TURNS:,} turns:"
                  f" SQLite {sqlite:.2f} s, PostgreSQL {pg:.2f} s")
    finally:
        cluster.stop()


def main() -> None:
    """Print the figures (nothing is asserted)."""
    asyncio.run(run())
