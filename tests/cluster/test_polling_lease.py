"""Two real `dvcbot run` processes polling one bot on one SQLite file: one polls at a time;
kill -9 it and the other takes the polling lease over and answers."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest

from tests.cluster.twoproc import start_polling
from tests.fakes.telegram_api import FakeBotAPI


def _query(db: Path, sql: str) -> tuple[object, ...] | None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        try:
            row = conn.execute(sql, (time.time(),) if "?" in sql else ()).fetchone()
        except sqlite3.OperationalError:  # not migrated yet
            return None
    return tuple(row) if row else None


def _holder(db: Path) -> object:
    row = _query(db, "SELECT holder FROM leases WHERE name = 'telegram.polling'"
                     " AND expires_at > ?")
    return row[0] if row else None


async def _until(check: Callable[[], Awaitable[bool]], seconds: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("condition never met")


@pytest.mark.timeout(180)
async def test_the_polling_lease_moves_to_the_survivor(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    await fake.start()
    db = tmp_path / "bot.sqlite3"
    processes: dict[str, asyncio.subprocess.Process] = {}
    try:
        processes["a"], _ = await start_polling(
            fake, tmp_path / "a", f"  path: {db}", fake.base_url, {"DVCBOT_INSTANCE": "a"})
        fake.say(1, "/menu")
        await fake.wait_for("sendMessage", chat_id=1, timeout=60)
        # b starts once a answers (a holds the polling lease), and is serving before a dies.
        processes["b"], health = await start_polling(
            fake, tmp_path / "b", f"  path: {db}", fake.base_url, {"DVCBOT_INSTANCE": "b"})
        async with aiohttp.ClientSession() as session:
            async def b_up() -> bool:
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(health) as response:
                        return response.status == 200
                return False
            await _until(b_up)
        fake.say(3, "/menu")  # answered by one of the two
        await fake.wait_for("sendMessage", chat_id=3, timeout=60)

        async def settled() -> bool:  # kill a between turns, not in the middle of one
            row = _query(db, "SELECT (SELECT count(*) FROM inbox) + (SELECT count(*) FROM outbox)")
            return row is not None and row[0] == 0
        await _until(settled)
        assert _holder(db) == "a"
        before = len(fake.calls_to("getUpdates", status=None))
        processes["a"].kill()
        await processes["a"].wait()
        killed_at = time.monotonic()
        fake.say(2, "/menu")
        await fake.wait_for("sendMessage", chat_id=2, timeout=60)
        took = time.monotonic() - killed_at
        assert _holder(db) == "b"
        assert len(fake.calls_to("getUpdates", status=None)) > before
        assert [len(fake.texts(chat)) for chat in (1, 2, 3)] == [1, 1, 1]
        print(f"\npolling lease: answered by the survivor {took:.1f} s after kill -9")
    finally:
        for process in processes.values():
            if process.returncode is None:
                process.terminate()
                await process.wait()
        await fake.close()
