"""The stall a retention purge of a 1M-turn log adds to 50 citizens' p99: one transaction
(before) against small chunks (now), in-process (the daily purge) and as `dvcbot purge`."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.bench_concurrency import LOG_TURNS, _load, _p
from benchmarks.synth import generate
from bot.config import Config
from bot.core.assistant import Assistant
from bot.core.brain import Brain, build_brain
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage import queries
from bot.storage.batch import begin_immediate
from bot.storage.sqlite import SQLiteStore

START, DAYS = 1_780_000_000.0, 120.0
CUTOFF = START + DAYS / 2 * 86400  # about half the log is old


async def _one_transaction(store: SQLiteStore) -> None:
    """The purge as it was: every old row in one transaction, holding the write lock."""
    async with store._write:
        await begin_immediate(store.db)
        await queries.purge(store.db, CUTOFF)
        await store.db.execute("COMMIT")
        await store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def _cli(db: Path) -> None:
    """`dvcbot purge` in its own process on the same file."""
    config = db.with_suffix(".yaml")
    config.write_text(f"storage:\n  path: {db}\n", encoding="utf-8")
    days = (time.time() - CUTOFF) / 86400
    dvcbot = str(Path(sys.executable).with_name("dvcbot"))
    process = await asyncio.create_subprocess_exec(
        dvcbot, "--config", str(config), "purge", "--days", str(int(days)),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    await process.wait()


async def _during(assistant: Assistant, work: Awaitable[None]) -> tuple[float, list[float]]:
    task = asyncio.ensure_future(work)
    started = time.perf_counter()
    lat: list[float] = []
    while not task.done():
        _, more = await _load(assistant, 2)
        lat.extend(more)
    await task
    return time.perf_counter() - started, lat


async def _measure(brain: Brain, config: Config, db: Path, label: str,
                   purge: Callable[[SQLiteStore, Path], Awaitable[None]]) -> None:
    store = SQLiteStore(db)
    await store.open()
    assistant = Assistant(brain, store, config, Pseudonymizer(b"b" * 32))
    _, quiet = await _load(assistant, 6)
    seconds, lat = await _during(assistant, purge(store, db))
    print(f"  {label}: purge {seconds:.1f} s, citizens' p99 {_p(lat, 99):.1f} ms "
          f"(alone {_p(quiet, 99):.1f} ms, +{_p(lat, 99) - _p(quiet, 99):.1f} ms), "
          f"max {max(lat):.0f} ms, {len(lat)} turns")
    await store.close()


async def run() -> None:
    config = Config()
    brain = build_brain(config)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "log.sqlite3"
        store = SQLiteStore(base)
        await store.open()
        log = generate(LOG_TURNS, seed=11, start=START, days=DAYS)
        await store.append_log(log.turns, log.feedback, log.referrals)
        await store.close()
        print(f"  {len(log.turns):,}-turn log, purging the older half")
        cases = (("one transaction, in the bot (before)", lambda s, _: _one_transaction(s)),
                 ("chunks of 200 rows, in the bot (now)", lambda s, _: s.purge(CUTOFF)),
                 ("`dvcbot purge` process, chunks (now)", lambda _, db: _cli(db)))
        for n, (label, purge) in enumerate(cases):
            db = Path(folder) / f"case{n}.sqlite3"
            shutil.copy(base, db)
            await _measure(brain, config, db, label, purge)
            db.unlink()
    print("  target: a purge adds <= 50 ms to citizens' p99")


def main() -> None:
    """Print citizens' p99 while a purge runs, one transaction against chunks."""
    if os.environ.get("BENCH_SKIP_PURGE"):
        return
    asyncio.run(run())
