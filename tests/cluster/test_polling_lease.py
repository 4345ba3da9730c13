"""Two real `dvcbot run` processes polling one bot on one SQLite file: one polls at a time;
kill -9 it and the other takes the polling lease over and answers."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeBotAPI
from tests.reliability.killloop import _start


def _holder(db: Path) -> str | None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        try:
            row = conn.execute("SELECT holder FROM leases WHERE name = 'telegram.polling'"
                               " AND expires_at > ?", (time.time(),)).fetchone()
        except sqlite3.OperationalError:  # not migrated yet
            return None
    return str(row[0]) if row else None


@pytest.mark.timeout(120)
async def test_the_polling_lease_moves_to_the_survivor(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    await fake.start()
    db = tmp_path / "bot.sqlite3"
    processes = {}
    try:
        processes["a"] = await _start(fake, tmp_path, {"DVCBOT_INSTANCE": "a"})
        fake.say(1, "/menu")
        await fake.wait_for("sendMessage", chat_id=1, timeout=60)
        # b starts once a has created the database (SQLite migrations are not meant to
        # run in two processes at once).
        processes["b"] = await _start(fake, tmp_path, {"DVCBOT_INSTANCE": "b"})
        fake.say(3, "/menu")
        await fake.wait_for("sendMessage", chat_id=3, timeout=60)
        holder, survivor = "a", "b"
        assert _holder(db) == holder
        before = len(fake.calls_to("getUpdates", status=None))
        processes[holder].kill()
        await processes[holder].wait()
        killed_at = time.monotonic()
        fake.say(2, "/menu")
        await fake.wait_for("sendMessage", chat_id=2, timeout=60)
        took = time.monotonic() - killed_at
        assert _holder(db) == survivor
        assert len(fake.calls_to("getUpdates", status=None)) > before
        assert [len(fake.texts(chat)) for chat in (1, 2, 3)] == [1, 1, 1]
        print(f"\npolling lease: answered by the survivor {took:.1f} s after kill -9")
    finally:
        for process in processes.values():
            if process.returncode is None:
                process.terminate()
                await process.wait()
        await fake.close()
