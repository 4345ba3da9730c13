"""An exclusive lock between processes on one host, held in a file beside the database."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
from collections.abc import AsyncIterator
from pathlib import Path


@contextlib.asynccontextmanager
async def exclusive(path: str | Path) -> AsyncIterator[None]:
    """Hold an exclusive lock on `path` (created when missing) while the block runs.

    A file of its own, never the database file itself: closing any descriptor of the database
    in this process would drop SQLite's own POSIX locks on it. The wait for another process to
    finish runs in a thread so the event loop keeps going.
    """
    with open(path, "a+b") as handle:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
