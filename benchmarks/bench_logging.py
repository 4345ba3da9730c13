"""What logging adds to a turn: Assistant.handle on SQLite (WAL, one commit) vs memory."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import Config
from bot.core.assistant import Assistant
from bot.core.brain import build_brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import Store
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore

QUESTIONS = ["làm giấy khai sinh cho con", "dang ky tam tru online", "cccd het han lam sao",
             "quen mat khau vneid", "phi doi bang lai xe bao nhieu", "cach nuoi ca canh",
             "sdt 0912345678 ho so G22.99-250101-0001 chua co ket qua", "menu", "1"]
ROUNDS = 3000
TARGET_MS = 2.0


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def _timings(assistant: Assistant) -> list[float]:
    out = []
    for i in range(ROUNDS):
        incoming = Incoming("bench", f"user{i % 200}", text=QUESTIONS[i % len(QUESTIONS)],
                            update_id=str(i))
        start = time.perf_counter()
        await assistant.handle(incoming)
        out.append((time.perf_counter() - start) * 1000)
    return out[200:]  # warm-up: caches and the first pages of the file


async def run() -> None:
    """Time the same turns on both stores and print p50/p95 and the difference."""
    config = Config()
    brain = build_brain(config)
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite_store = SQLiteStore(Path(folder) / "turns.sqlite3")
        await sqlite_store.open()
        stores: dict[str, Store] = {"memory": MemoryStore(), "sqlite": sqlite_store}
        for name, store in stores.items():
            assistant = Assistant(brain, store, config, Pseudonymizer(b"b" * 32))
            results[name] = await _timings(assistant)
        await sqlite_store.close()
    for name, values in results.items():
        print(f"Assistant.handle on {name:<6}: p50 {statistics.median(values):.3f} ms, "
              f"p95 {_percentile(values, 95):.3f} ms ({len(values)} turns)")
    added50 = statistics.median(results["sqlite"]) - statistics.median(results["memory"])
    added95 = _percentile(results["sqlite"], 95) - _percentile(results["memory"], 95)
    print(f"logging cost (sqlite - memory): p50 {added50:.3f} ms, p95 {added95:.3f} ms; "
          f"target p50 < {TARGET_MS} ms: {'met' if added50 < TARGET_MS else 'NOT met'}")


def main() -> None:
    """Entry point for `python -m benchmarks`."""
    asyncio.run(run())
