"""50 concurrent citizens on SQLite: one transaction per turn vs group commit; report stall."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_report import load_log
from bot.config import Config
from bot.core.assistant import Assistant
from bot.core.brain import Brain, build_brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage import queries
from bot.storage.base import ReportQuery, Store
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore

USERS = 50
TURNS_EACH = 40
LOG_TURNS = int(os.environ.get("BENCH_TURNS", "1000000"))
QUESTIONS = ["làm giấy khai sinh cho con", "dang ky tam tru online", "cccd het han lam sao",
             "quen mat khau vneid", "phi doi bang lai xe bao nhieu", "menu", "1"]


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


async def _citizen(assistant: Assistant, user: int, turns: int, out: list[float]) -> None:
    for i in range(turns):
        incoming = Incoming("bench", f"c{user}", text=QUESTIONS[(user + i) % len(QUESTIONS)],
                            update_id=f"{user}-{i}-{time.monotonic_ns()}")
        start = time.perf_counter()
        await assistant.handle(incoming)
        out.append((time.perf_counter() - start) * 1000)


async def _load(assistant: Assistant, turns: int = TURNS_EACH) -> tuple[float, list[float]]:
    """All users at once; returns (turns per second, per-turn latencies in ms)."""
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(_citizen(assistant, u, turns, latencies) for u in range(USERS)))
    return len(latencies) / (time.perf_counter() - start), latencies


async def _throughput(brain: Brain, config: Config, folder: Path) -> None:
    stores: dict[str, Store] = {"memory": MemoryStore()}
    for name, group in (("sqlite, 1 transaction per turn", False),
                        ("sqlite, group commit", True)):
        store = SQLiteStore(folder / f"{group}.sqlite3", group_commit=group)
        await store.open()
        stores[name] = store
    for name, store in stores.items():
        assistant = Assistant(brain, store, config, Pseudonymizer(b"b" * 32))
        await _load(assistant, 4)  # warm-up
        rate, lat = await _load(assistant)
        print(f"  {USERS} users on {name:<31}: {rate:7.0f} turns/s, "
              f"p50 {statistics.median(lat):6.1f} ms, p99 {_p(lat, 99):6.1f} ms")
        await store.close()
    print("  targets: >= 500 turns/s and p99 <= 50 ms on SQLite")


async def _stall(brain: Brain, config: Config, folder: Path) -> None:
    store = SQLiteStore(folder / "big.sqlite3")
    await load_log(store, LOG_TURNS)  # bulk insert, then the migrations build the aggregates
    assistant = Assistant(brain, store, config, Pseudonymizer(b"b" * 32))
    _, quiet = await _load(assistant, 10)
    print(f"  {LOG_TURNS:,}-turn log, citizens alone: p99 {_p(quiet, 99):.1f} ms")
    for label, report in (("raw-turn report on the turn connection (before #13)",
                           lambda: queries.log_stats(store.db, ReportQuery())),
                          ("raw-turn report on its own connection (before v005)",
                           lambda: store.log_stats(ReportQuery(raw=True))),
                          ("report from the daily aggregates (now)",
                           lambda: store.log_stats(ReportQuery()))):
        task = asyncio.create_task(report())
        started = time.perf_counter()
        lat: list[float] = []
        while not task.done():
            _, more = await _load(assistant, 2)
            lat.extend(more)
        await task
        print(f"  {label}: report {time.perf_counter() - started:.1f} s, citizens' p99 "
              f"{_p(lat, 99):.1f} ms (+{_p(lat, 99) - _p(quiet, 99):.1f} ms), "
              f"max {max(lat):.0f} ms")
    print("  target: a report adds <= 50 ms to citizens' p99")
    await store.close()


async def run() -> None:
    config = Config()
    brain = build_brain(config)
    with tempfile.TemporaryDirectory() as folder:
        await _throughput(brain, config, Path(folder))
        await _stall(brain, config, Path(folder))


def main() -> None:
    """Print turns/s and p99 per store, then the stall a staff report causes."""
    asyncio.run(run())
