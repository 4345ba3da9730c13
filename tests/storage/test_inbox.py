"""The durable inbox and outbox: same behaviour on every store, and it survives reopening."""

import json
from pathlib import Path

from bot.storage.base import Commit
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore


async def test_inbox_keeps_order_ignores_redelivery_and_forgets_done(any_store) -> None:
    store = any_store
    assert await store.inbox_add("telegram", "7", '{"a": 1}')
    assert await store.inbox_add("telegram", "8", '{"a": 2}')
    assert await store.inbox_add("zalo-bot", "7", '{"z": 1}')
    assert not await store.inbox_add("telegram", "7", '{"a": "again"}')
    assert await store.inbox_pending("telegram") == [("7", '{"a": 1}'), ("8", '{"a": 2}')]
    assert await store.inbox_pending("telegram", limit=1) == [("7", '{"a": 1}')]
    await store.inbox_done("telegram", "7")
    assert await store.inbox_pending("telegram") == [("8", '{"a": 2}')]
    assert await store.inbox_pending("zalo-bot") == [("7", '{"z": 1}')]


async def test_outbox_keeps_replies_until_sent_and_gives_up_after_max_attempts(
        any_store) -> None:
    store = any_store
    replies = json.dumps([{"text": "Chào bác"}], ensure_ascii=False)
    await store.commit(Commit("u1", "telegram", {"a": 1}, update_id="5", replies=replies))
    assert await store.seen_update("telegram", "5")
    assert not await store.seen_update("zalo-bot", "5")
    assert await store.outbox_claim("telegram", "5", 3600, 2) == replies
    assert await store.outbox_claim("telegram", "5", 3600, 2) == replies
    assert await store.outbox_claim("telegram", "5", 3600, 2) is None  # third try: dropped
    assert await store.outbox_claim("telegram", "5", 3600, 2) is None
    await store.commit(Commit("u1", "telegram", {"a": 2}, update_id="6", replies="[]"))
    await store.outbox_sent("telegram", "6")
    assert await store.outbox_claim("telegram", "6", 3600, 5) is None
    await store.commit(Commit("u1", "telegram", {"a": 3}, update_id="7", replies="[1]"))
    assert await store.outbox_claim("telegram", "7", -1, 5) is None  # too old


async def test_sessions_and_values_round_trip(any_store) -> None:
    store = any_store
    assert await store.load_session("nobody") == {}
    session = {"flow": {"id": "khai-sinh", "step": 2}, "name": "Bác Tư", "n": [1, 2.5, None]}
    await store.commit(Commit("u1", "test", session))
    assert await store.load_session("u1") == session
    await store.commit(Commit("u1", "test", {"n": 2}))
    assert await store.load_session("u1") == {"n": 2}
    assert await store.get_value("zalo_oa.refresh") is None
    await store.set_value("zalo_oa.refresh", "tok-1")
    await store.set_value("zalo_oa.refresh", "tok-2")
    assert await store.get_value("zalo_oa.refresh") == "tok-2"


async def test_inbox_rows_survive_a_reopen(tmp_path: Path, pg_url: str) -> None:
    for make in (lambda: SQLiteStore(tmp_path / "s.sqlite3"), lambda: PostgresStore(pg_url)):
        store = make()
        await store.open()
        await store.inbox_add("telegram", "41", "{}")
        await store.close()
        again = make()
        await again.open()
        assert await again.inbox_pending("telegram") == [("41", "{}")]
        await again.close()
