"""One update played by two processes (one stalled past its claim): only the first counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.brain import build_brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import AlreadyHandled, Commit, ReportQuery, Store, TurnRecord
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore
from tests.conftest import TEST_KEY, bundled_config


def _commit(step: str) -> Commit:
    turn = TurnRecord(1.0, "telegram", "user-1", "text", step, step, "answer")
    return Commit("user-1", "telegram", {"step": step}, turn, update_id="7:abc",
                  replies=f'[{{"text": "{step}"}}]')


async def test_a_second_process_committing_the_same_update_writes_nothing(
        tmp_path: Path) -> None:
    a, b = SQLiteStore(tmp_path / "db.sqlite3"), SQLiteStore(tmp_path / "db.sqlite3")
    a.holder, b.holder = "a", "b"
    await a.open()
    await b.open()
    try:
        await a.commit(_commit("first"))
        with pytest.raises(AlreadyHandled):
            await b.commit(_commit("second"))
        assert await b.load_session("user-1") == {"step": "first"}
        assert (await b.log_stats(ReportQuery())).turns == 1  # the first one's turn only
        assert await b.outbox_claim("telegram", "7:abc", 3600, 3) is None  # a sends its own
    finally:
        await a.close()
        await b.close()


class Stalled(SQLiteStore):
    """An instance that checked for the update before the other one committed it."""

    async def seen_update(self, channel: str, update_id: str) -> bool:
        return False


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_the_later_player_answers_nothing_and_the_flow_is_not_advanced_twice(
        tmp_path: Path, kind: str) -> None:
    config = bundled_config()
    brain = build_brain(config)
    first: Store
    second: Store
    if kind == "sqlite":
        first, second = SQLiteStore(tmp_path / "db.sqlite3"), Stalled(tmp_path / "db.sqlite3")
    else:
        first = MemoryStore()
        second = first
        second.seen_update = Stalled.seen_update.__get__(second)  # type: ignore[method-assign]
    for store in {id(first): first, id(second): second}.values():
        await store.open()
    one = Assistant(brain, first, config, Pseudonymizer(TEST_KEY))
    two = Assistant(brain, second, config, Pseudonymizer(TEST_KEY))
    start = Incoming("telegram", "42", start_payload="flow-khai-sinh-truc-tuyen", update_id="1:a")
    step = Incoming("telegram", "42", text="1", update_id="2:b")
    try:
        assert await one.handle(start)
        assert await one.handle(step)
        session = await first.load_session(one.pseudonymize("telegram", "42"))
        assert await two.handle(step) == []  # played already: no second answer
        assert await first.load_session(one.pseudonymize("telegram", "42")) == session
    finally:
        for store in {id(first): first, id(second): second}.values():
            await store.close()
