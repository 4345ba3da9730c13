"""Several `dvcbot run` processes on one PostgreSQL (1, 2, 4) next to one process on SQLite."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from benchmarks.instances import TimedBotAPI, drive, expected_counts, start_instances, stop
from tests import pgcluster

CITIZENS = int(os.environ.get("BENCH_CITIZENS", "64"))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "10"))
WARMUP_CITIZENS = 8
LIGHT_CITIZENS = 4  # few enough that a turn rarely waits behind another: the turn's own time


def durable(cluster: pgcluster.PgCluster) -> None:
    """Restart the test fixture's cluster with PostgreSQL's default durability (fsync on)."""
    options = (f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {cluster.root}"
               " -c max_connections=200")
    done = cluster._run(str(cluster.bindir / "pg_ctl"), "-D", str(cluster.root / "data"),
                        "-l", str(cluster.root / "server.log"), "-o", options, "-w",
                        "restart")
    if done.returncode != 0:
        raise pgcluster.PostgresUnavailable(done.stderr)


async def asynchronous_commit(cluster: pgcluster.PgCluster, url: str) -> None:
    """synchronous_commit = off for one database: commits do not wait for the WAL flush."""
    conn = await asyncpg.connect(cluster.url())
    try:
        await conn.execute(f'ALTER DATABASE "{urlsplit(url).path.lstrip("/")}"'
                           " SET synchronous_commit = off")
    finally:
        await conn.close()


async def one_setup(label: str, processes: int, storage: str, env: dict[str, str],
                    workdir: Path, counts: dict[int, list[int]]) -> None:
    fake = TimedBotAPI()
    await fake.start()
    running: list = []
    try:
        running, urls = await start_instances(fake, workdir, processes, storage, env)
        await drive(fake, urls, WARMUP_CITIZENS, 2, counts, first=10_000)  # warm-up
        load = await drive(fake, urls, CITIZENS, MESSAGES, counts)
        light = await drive(fake, urls, LIGHT_CITIZENS, MESSAGES, counts, first=20_000)
        print(f"  {label:<34} {CITIZENS:>3} citizens: {load.line()}", flush=True)
        print(f"  {'':<34} {LIGHT_CITIZENS:>3} citizens: {light.line()}", flush=True)
    finally:
        await stop(running)
        await fake.close()


async def run() -> None:
    counts = await expected_counts(MESSAGES)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        await one_setup("SQLite, 1 process", 1, f"  path: {root / 'bot.sqlite3'}", {},
                        root / "sqlite", counts)
        try:
            cluster = pgcluster.start_cluster()
        except pgcluster.PostgresUnavailable as exc:
            print(f"  PostgreSQL rows skipped: {exc}")
            return
        try:
            durable(cluster)
            await postgres_rows(cluster, root, counts)
        finally:
            cluster.stop()


async def postgres_rows(cluster: pgcluster.PgCluster, root: Path,
                        counts: dict[int, list[int]]) -> None:
    for processes, synchronous in ((1, True), (2, True), (4, True), (1, False), (4, False)):
        url = await pgcluster.fresh_database(cluster)
        label = f"PostgreSQL, {processes} process{'es' if processes > 1 else ''}"
        if not synchronous:
            await asynchronous_commit(cluster, url)
            label += ", async"
        await one_setup(label, processes, f"  path: {root / 'unused.sqlite3'}",
                        {"DVCBOT_DATABASE_URL": url}, root / f"pg{processes}{synchronous}",
                        counts)


def main() -> None:
    """Print turns/s and p50/p99 per turn for each setup, all in this one run."""
    print(f"  {CITIZENS} citizens x {MESSAGES} messages, each waiting for its replies; real "
          "`dvcbot run` processes in Telegram webhook mode, round-robin over the instances;")
    print("  fake Bot API and load driver in this process; PostgreSQL 15 with fsync on "
          "(\"async\": synchronous_commit=off), SQLite WAL with synchronous=NORMAL;")
    print(f"  every process, the server and the driver share this machine's {os.cpu_count()}"
          " cores; with all citizens busy a turn's time is mostly waiting in line")
    print("  (turns/s ~ citizens / p50); the few-citizens line shows a turn's own time")
    print(f"  load average before: {os.getloadavg()[0]:.1f}", flush=True)
    asyncio.run(run())
    print(f"  load average after: {os.getloadavg()[0]:.1f} (above the core count: other jobs "
          "ran too, and the figures are lower bounds)")
