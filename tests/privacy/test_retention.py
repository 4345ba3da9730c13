"""Retention: old log rows and idle sessions are purged, on demand and in the background."""

import asyncio
import time
from pathlib import Path

import pytest

from bot.privacy.retention import daily_purge, purge_once
from bot.storage.base import Commit, FeedbackRecord, ReferralRecord, ReportQuery, TurnRecord
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore

DAY = 86400.0
NOW = time.time()
OLD_TEXT = "cau hoi cu rieng tu ve ly hon"


def _rows(ts: float, text: str, user: str):
    return ([TurnRecord(ts, "test", user, "text", text, text, "miss")],
            [FeedbackRecord(ts, "test", user, 0, "khai-sinh", None, text)],
            [ReferralRecord(ts, "test", user, "khai-sinh__to-1", "to-1")])


async def _fill(store) -> None:
    await store.append_log(*_rows(NOW - 400 * DAY, OLD_TEXT, "old"))
    await store.append_log(*_rows(NOW - 10 * DAY, "cau hoi moi", "new"))
    await store.commit(Commit("new", "test", {"updated": NOW}))


@pytest.fixture(params=["sqlite", "memory"])
async def store(request, tmp_path: Path):
    if request.param == "memory":
        yield MemoryStore()
        return
    sqlite_store = SQLiteStore(tmp_path / "r.sqlite3")
    await sqlite_store.open()
    yield sqlite_store
    await sqlite_store.close()


async def test_purge_deletes_only_rows_older_than_the_retention(store) -> None:
    await _fill(store)
    deleted = await purge_once(store, 365, now=NOW)
    assert {k: deleted[k] for k in ("turns", "feedback", "referrals")} == {
        "turns": 1, "feedback": 1, "referrals": 1}
    stats = await store.log_stats(ReportQuery())
    assert stats.turns == 1 and stats.wordings[0][0] == "cau hoi moi"
    assert await store.load_session("new") == {"updated": NOW}
    assert await purge_once(store, 0, now=NOW) == {}  # 0 days: retention off


async def test_purged_text_is_gone_from_the_files(tmp_path: Path) -> None:
    db = tmp_path / "bytes.sqlite3"
    store = SQLiteStore(db)
    await store.open()
    await _fill(store)
    await purge_once(store, 365, now=NOW)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("bytes.sqlite3")]
    assert all(OLD_TEXT.encode() not in p.read_bytes() for p in files)
    await store.close()


async def test_the_background_task_purges_at_start_up() -> None:
    store = MemoryStore()
    await _fill(store)
    async with daily_purge(store, 30) as task:
        for _ in range(20):
            await asyncio.sleep(0)
            if len(store.turns) == 1:
                break
        assert not task.done()
    assert [t.text for t in store.turns] == ["cau hoi moi"]
    assert task.cancelled()


async def test_a_big_purge_lets_citizens_turns_in_between_its_chunks(tmp_path: Path) -> None:
    from bot.storage.chunked import CHUNK_ROWS

    store = SQLiteStore(tmp_path / "big.sqlite3")
    await store.open()
    old = [TurnRecord(NOW - 400 * DAY + i, "test", f"u{i}", "text", "cu", "cu", "miss")
           for i in range(CHUNK_ROWS * 20)]
    await store.append_log(old)
    order: list[str] = []

    async def purge() -> None:
        await purge_once(store, 365, now=NOW)
        order.append("purge")

    async def turn() -> None:
        await asyncio.sleep(0)  # the purge has started
        new = TurnRecord(NOW, "test", "citizen", "text", "moi", "moi", "answer")
        await store.commit(Commit("citizen", "test", {"updated": NOW}, new, update_id="t1"))
        order.append("turn")

    await asyncio.gather(purge(), turn())
    stats = await store.log_stats(ReportQuery())
    await store.close()
    assert order == ["turn", "purge"]  # committed while the purge still had chunks to go
    assert stats.turns == 1
