"""Open-loop load on SQLite: 50 citizens' messages arrive at a fixed total rate, whatever the
bot's speed, and each turn's latency counts from its arrival (queueing included).

The closed-loop figure in bench_concurrency keeps 50 turns in flight all the time, so by
Little's law its mean latency is 50 / throughput (about 100 ms at 500 turns/s) however fast a
single turn is; p99 there measures the queue we create, not what a citizen waits when 50 people
chat at a realistic pace. Here, below capacity, latency is the turn's own time plus short
queues; above capacity the queue grows without bound, which the achieved rate shows.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from pathlib import Path

from benchmarks.bench_concurrency import QUESTIONS, USERS, _p
from bot.config import Config
from bot.core.assistant import Assistant
from bot.core.brain import Brain, build_brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.sqlite import SQLiteStore

RATES = (100, 300, 500)
SECONDS = 6.0


async def _offer(assistant: Assistant, rate: float, seconds: float) -> tuple[float, list[float]]:
    """Send `rate` messages a second for `seconds`, round-robin over USERS citizens."""
    loop = asyncio.get_running_loop()
    total = int(rate * seconds)
    latencies: list[float] = []

    async def turn(n: int, due: float) -> None:
        user = n % USERS
        incoming = Incoming("bench", f"o{user}", text=QUESTIONS[(n // USERS + user) % len(
            QUESTIONS)], update_id=f"open-{rate}-{n}")
        await assistant.handle(incoming)
        latencies.append((loop.time() - due) * 1000)

    start = loop.time()
    tasks = []
    for n in range(total):
        due = start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(turn(n, due)))
    await asyncio.gather(*tasks)
    return total / (loop.time() - start), latencies


async def _run(brain: Brain, config: Config, folder: Path) -> None:
    store = SQLiteStore(folder / "open.sqlite3")
    await store.open()
    assistant = Assistant(brain, store, config, Pseudonymizer(b"b" * 32))
    await _offer(assistant, 50, 1.0)  # warm-up
    for rate in RATES:
        achieved, lat = await _offer(assistant, rate, SECONDS)
        print(f"  offered {rate:4d} turns/s from {USERS} users: achieved {achieved:5.0f}/s, "
              f"p50 {statistics.median(lat):7.1f} ms, p99 {_p(lat, 99):7.1f} ms")
    await store.close()
    print("  (closed loop, bench_concurrency: 50 turns always in flight, so mean latency = "
          "50 / throughput by Little's law; open loop: latency at a given arrival rate)")


def main() -> None:
    """Print p50/p99 per offered rate on the SQLite store."""
    config = Config()
    brain = build_brain(config)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_run(brain, config, Path(folder)))
