"""Several processes opening one fresh SQLite file at once (instances started together)."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

from bot.storage.migrations import MIGRATIONS
from bot.storage.sqlite import SQLiteStore

OPEN = """
import asyncio, sys
from bot.storage.sqlite import SQLiteStore
async def main():
    store = SQLiteStore(sys.argv[1])
    await store.open()
    await store.set_value("opened-by-" + sys.argv[2], "yes")
    await store.close()
asyncio.run(main())
"""


async def _open_in(path: Path, name: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OPEN, str(path), name, stderr=asyncio.subprocess.PIPE)
    _, err = await process.communicate()
    return int(process.returncode or 0), err.decode(errors="replace")[-800:]


async def test_six_processes_opening_one_new_file_at_once_all_start(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    # Before the lock: "table inbox already exists" in one, "database is locked" in another.
    results = await asyncio.gather(*(_open_in(db, str(n)) for n in range(6)))
    assert [code for code, _ in results] == [0] * 6, [err for _, err in results]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        opened = conn.execute("SELECT count(*) FROM kv WHERE key LIKE 'opened-by-%'").fetchone()
        assert opened[0] == 6
    finally:
        conn.close()
    again = SQLiteStore(db)  # reopening applies nothing and keeps the data
    await again.open()
    assert await again.get_value("opened-by-3") == "yes"
    await again.close()
