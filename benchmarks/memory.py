"""Memory figures for benchmarks: Python-heap peaks (tracemalloc) and the process's peak RSS."""

from __future__ import annotations

import resource
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (includes C allocations)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def python_peak_mb(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run `fn` under tracemalloc; return (peak MB allocated by Python, fn's result).

    Timings are never taken in the same run: tracemalloc slows allocation down.
    """
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6, result


async def python_peak_mb_async(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """`python_peak_mb` for a coroutine function."""
    tracemalloc.start()
    try:
        result = await fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6, result


def retained_mb(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run `fn` under tracemalloc; return (MB still allocated afterwards, fn's result)."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        result = fn()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (after - before) / 1e6, result

