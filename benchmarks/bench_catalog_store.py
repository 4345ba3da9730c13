"""Catalogue store: import time, store size, load time vs re-parsing the raw export each start."""

from __future__ import annotations

import gzip
import json
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.catalog.importer import import_files
from bot.catalog.parser import parse_record
from bot.catalog.store import load_catalog

SAMPLE = Path(__file__).resolve().parent.parent / "knowledge" / "national" / "tthc-sample.jsonl.gz"
RUNS = 5


def _timed(func, runs: int = RUNS) -> tuple[float, float]:
    """Median wall and CPU time of `runs` calls, in seconds (CPU: the 2 cores are shared)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(wall), statistics.median(cpu)


def _reparse() -> int:
    """The simple alternative: parse the raw export at every start."""
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as stream:
        return len([parse_record(json.loads(line)) for line in stream if line.strip()])


def main() -> None:
    """Print the figures for the bundled sample (2,642 procedures)."""
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "catalog.json.gz"
        reports = []
        first = _timed(lambda: reports.append(import_files([SAMPLE], store)), runs=1)
        second = _timed(lambda: import_files([SAMPLE], store), runs=1)
        count = len(reports[0].catalog or ())
        size = store.stat().st_size
        load = _timed(lambda: load_catalog(store))
        tracemalloc.start()
        held = load_catalog(store)
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del held
    reparse = _timed(_reparse, runs=3)
    print(f"import of {count} procedures into an empty store: {first[0]:.2f} s "
          f"(CPU {first[1]:.2f} s); again, all unchanged: {second[0]:.2f} s "
          f"(CPU {second[1]:.2f} s)")
    print(f"store: {size / 1e6:.2f} MB gzipped JSON (raw export {SAMPLE.stat().st_size / 1e6:.2f}"
          f" MB gzipped)")
    print(f"load the store: {load[0] * 1000:.0f} ms (CPU {load[1] * 1000:.0f} ms, median of "
          f"{RUNS})   vs re-parsing the raw export at each start: {reparse[0] * 1000:.0f} ms "
          f"(CPU {reparse[1] * 1000:.0f} ms, median of 3)")
    print(f"memory held by the loaded catalogue: {memory / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
