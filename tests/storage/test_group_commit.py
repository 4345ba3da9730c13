"""Group commit: concurrent turns share transactions; one failing write fails alone."""

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage.base import Commit, ReportQuery
from bot.storage.sqlite import SQLiteStore


async def test_concurrent_commits_share_transactions_and_all_persist(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "g.sqlite3")
    await store.open()
    await asyncio.gather(*(store.commit(Commit(f"u{i}", "test", {"n": i}, update_id=str(i)))
                           for i in range(200)))
    assert store._batch.batches < 50  # 200 commits, far fewer transactions
    await store.close()
    again = SQLiteStore(tmp_path / "g.sqlite3")
    await again.open()
    assert [await again.load_session(f"u{i}") for i in (0, 199)] == [{"n": 0}, {"n": 199}]
    assert all([await again.seen_update("test", str(i)) for i in range(200)])
    await again.close()


async def test_one_failing_write_does_not_undo_the_others(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "g.sqlite3")
    await store.open()

    async def broken(db: object) -> None:
        await store.db.execute("INSERT INTO kv (key, value, updated_at) VALUES ('x', 'y', 1)")
        await store.db.execute("INSERT INTO no_such_table VALUES (1)")

    results = await asyncio.gather(
        store.commit(Commit("a", "test", {"ok": 1})), store._batch.run(broken),
        store.commit(Commit("b", "test", {"ok": 2})), return_exceptions=True)
    assert isinstance(results[1], sqlite3.OperationalError)
    assert await store.load_session("a") == {"ok": 1}
    assert await store.load_session("b") == {"ok": 2}
    assert await store.get_value("x") is None  # the failed operation's first write is undone
    await store.close()


async def test_a_lock_held_by_another_process_is_waited_for(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "g.sqlite3")
    await store.open()
    other = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    await store.db.execute("PRAGMA busy_timeout = 50")  # keep the test short
    pending = asyncio.create_task(store.commit(Commit("c", "test", {"ok": 3})))
    await asyncio.sleep(0.3)  # longer than one busy_timeout: the commit retries, not fails
    assert not pending.done()
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(pending, 30)
    assert await store.load_session("c") == {"ok": 3}
    await store.close()


@pytest.mark.parametrize("group", [True, False])
async def test_reports_read_on_their_own_connection(tmp_path: Path, group: bool) -> None:
    store = SQLiteStore(tmp_path / "g.sqlite3", group_commit=group)
    await store.open()
    assert (await store.log_stats(ReportQuery())).turns == 0
    assert store._reader is not None and store._reader is not store.db
    await store.close()
