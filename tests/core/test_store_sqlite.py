"""SQLiteStore as the core uses it: migrations, session round-trips, redeliveries, safety."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import AlreadyHandled, Commit, TurnRecord
from bot.storage.memory import MemoryStore
from bot.storage.migrations import MIGRATIONS
from bot.storage.sqlite import SQLiteStore

KEY = b"store-test-key-0123456789abcdef!"


@pytest.fixture
async def sqlite_store(tmp_path: Path):
    store = SQLiteStore(tmp_path / "sub" / "bot.sqlite3")
    await store.open()
    yield store
    await store.close()


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


async def test_migrations_set_user_version_and_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    numbers = [n for n, _ in MIGRATIONS]
    # Numbers are reserved per branch (v005 report-agg, v006 pg-cluster), so one may land
    # before the other: increasing and unique, starting at 1.
    assert numbers == sorted(set(numbers)) and numbers[0] == 1, "migrations v001, v002..."
    for _ in range(2):  # reopening an up-to-date file applies nothing and keeps the data
        store = SQLiteStore(path)
        await store.open()
        await store.set_value("k", "v")
        await store.close()
    assert _user_version(path) == numbers[-1]
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "turns", "feedback", "referrals", "processed_updates", "kv"} <= tables


def _commit(user: str, session: dict, update_id: str | None = None, text: str = "hi") -> Commit:
    turn = TurnRecord(ts=1.0, channel="test", user_key=user, kind="text", text=text,
                      normalized=text, outcome="miss")
    return Commit(user, "test", session, turn, update_id=update_id)


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
async def test_commit_and_load_session_round_trip(kind: str, sqlite_store) -> None:
    store = sqlite_store if kind == "sqlite" else MemoryStore()
    assert await store.load_session("u1") == {}
    session = {"flow": {"id": "vneid-dang-nhap", "step": "a", "history": ["x"],
                        "started": 1.5, "updated": 2.5}, "buttons": ["menu"],
               "note": "Đăng ký khai sinh 😀"}
    await store.commit(_commit("u1", session))
    assert await store.load_session("u1") == session
    session["buttons"] = []
    await store.commit(_commit("u1", session))
    assert (await store.load_session("u1"))["buttons"] == []
    assert await store.load_session("u2") == {}


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
async def test_redelivered_update_ids_are_seen(kind: str, sqlite_store) -> None:
    store = sqlite_store if kind == "sqlite" else MemoryStore()
    assert not await store.seen_update("telegram", "1001")
    await store.commit(_commit("u1", {}, update_id="1001"))
    assert await store.seen_update("telegram", "1001") is False  # another channel
    assert await store.seen_update("test", "1001")
    with pytest.raises(AlreadyHandled):  # a second commit of one update writes nothing
        await store.commit(_commit("u1", {"again": True}, update_id="1001"))
    assert await store.load_session("u1") == {}


async def test_values_round_trip(sqlite_store) -> None:
    assert await sqlite_store.get_value("token") is None
    await sqlite_store.set_value("token", "a")
    await sqlite_store.set_value("token", "b")
    assert await sqlite_store.get_value("token") == "b"


async def test_session_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SQLiteStore(path)
    await store.open()
    await store.commit(_commit("u1", {"flow": {"id": "x", "step": "y"}}))
    await store.close()
    store = SQLiteStore(path)
    await store.open()
    try:
        assert await store.load_session("u1") == {"flow": {"id": "x", "step": "y"}}
    finally:
        await store.close()


HOSTILE = ["'; DROP TABLE sessions; --", "Robert'); DELETE FROM turns;--", "\x00nul\x00",
           "xin chao \ud800\udfff", "\x1b[2J\x07", "<script>alert(1)</script>",
           "😀" * 3000]


async def test_hostile_text_through_the_assistant_on_sqlite(brain, config, clock,
                                                            sqlite_store) -> None:
    assistant = Assistant(brain, sqlite_store, config, Pseudonymizer(KEY), clock)
    for i, text in enumerate(HOSTILE):
        replies = await assistant.handle(Incoming("test", f"user-{i}", text=text))
        assert replies and replies[-1].text
    replies = await assistant.handle(Incoming("test", "\ud800", start_payload="\udcff"))
    assert replies
    async with sqlite_store.db.execute("SELECT COUNT(*) FROM turns") as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == len(HOSTILE) + 1
    async with sqlite_store.db.execute("SELECT COUNT(*) FROM sessions") as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == len(HOSTILE) + 1


async def test_redelivery_on_sqlite_survives_a_restart(tmp_path: Path, brain, config,
                                                       clock) -> None:
    path = tmp_path / "bot.sqlite3"
    incoming = Incoming("telegram", "42", text="xin chao", update_id="9001")
    for expected in (True, False):
        store = SQLiteStore(path)
        await store.open()
        try:
            assistant = Assistant(brain, store, config, Pseudonymizer(KEY), clock)
            assert bool(await assistant.handle(incoming)) is expected
            await assistant.delivered(incoming)
        finally:
            await store.close()
