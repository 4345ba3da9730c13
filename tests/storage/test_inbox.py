"""The durable inbox: same behaviour on SQLite and memory, and it survives reopening."""

from pathlib import Path

import pytest

from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
async def test_inbox_keeps_order_ignores_redelivery_and_forgets_done(kind: str,
                                                                      tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite3") if kind == "sqlite" else MemoryStore()
    await store.open()
    assert await store.inbox_add("telegram", "7", '{"a": 1}')
    assert await store.inbox_add("telegram", "8", '{"a": 2}')
    assert await store.inbox_add("zalo-bot", "7", '{"z": 1}')
    assert not await store.inbox_add("telegram", "7", '{"a": "again"}')
    assert await store.inbox_pending("telegram") == [("7", '{"a": 1}'), ("8", '{"a": 2}')]
    await store.inbox_done("telegram", "7")
    assert await store.inbox_pending("telegram") == [("8", '{"a": 2}')]
    assert await store.inbox_pending("zalo-bot") == [("7", '{"z": 1}')]
    await store.close()


async def test_inbox_rows_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = SQLiteStore(path)
    await store.open()
    await store.inbox_add("telegram", "41", "{}")
    await store.close()
    again = SQLiteStore(path)
    await again.open()
    assert await again.inbox_pending("telegram") == [("41", "{}")]
    await again.close()
