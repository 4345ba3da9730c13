"""Turns of one citizen run one at a time and in order; redelivered updates are dropped."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.assistant import Assistant
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import Commit
from bot.storage.memory import MemoryStore

KEY = b"concurrency-test-key-0123456789abcdef"


class GatedStore(MemoryStore):
    """A MemoryStore whose loads wait on a per-user gate and that records every call."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []
        self.gates: dict[str, asyncio.Event] = {}

    async def load_session(self, user_key: str) -> dict[str, Any]:
        self.events.append(("load", user_key))
        gate = self.gates.get(user_key)
        if gate is not None:
            await gate.wait()
        return await super().load_session(user_key)

    async def commit(self, commit: Commit) -> None:
        self.events.append(("commit", commit.user_key))
        await super().commit(commit)


async def _ticks(n: int = 20) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


async def test_turns_of_one_user_are_serialised_in_order(brain, config, clock) -> None:
    store = GatedStore()
    pseudo = Pseudonymizer(KEY)
    assistant = Assistant(brain, store, config, pseudo, clock)
    user = pseudo("test", "alice")
    store.gates[user] = asyncio.Event()
    first = asyncio.create_task(assistant.handle(
        Incoming("test", "alice", start_payload="flow-vneid-dang-nhap")))
    second = asyncio.create_task(assistant.handle(Incoming("test", "alice", text="1")))
    await _ticks()
    # The first turn is stuck in load_session; the second must not even have started.
    assert store.events == [("load", user)]
    store.gates[user].set()
    await asyncio.gather(first, second)
    assert store.events == [("load", user), ("commit", user), ("load", user),
                            ("commit", user)]
    # The second turn saw the first one's session: "1" pressed the flow's first option.
    flow = brain.flows["vneid-dang-nhap"]
    expected = flow.steps[flow.steps[flow.start].options[0].next]
    assert second.result()[-1].text.startswith(expected.text[:40])


async def test_different_users_do_not_block_each_other(brain, config, clock) -> None:
    store = GatedStore()
    pseudo = Pseudonymizer(KEY)
    assistant = Assistant(brain, store, config, pseudo, clock)
    alice, bob = pseudo("test", "alice"), pseudo("test", "bob")
    store.gates[alice] = asyncio.Event()
    slow = asyncio.create_task(assistant.handle(Incoming("test", "alice", text="xin chao")))
    await _ticks()
    fast = await asyncio.wait_for(assistant.handle(Incoming("test", "bob", text="cam on")), 5)
    assert fast and not slow.done()
    assert ("commit", bob) in store.events and ("commit", alice) not in store.events
    store.gates[alice].set()
    assert await slow
    assert len(assistant._locks) == 0  # locks are dropped once nobody holds them


async def test_many_concurrent_turns_for_one_user_all_commit(assistant, store) -> None:
    texts = [f"cau hoi so {i}" for i in range(30)]
    results = await asyncio.gather(*(assistant.handle(Incoming("test", "carol", text=t))
                                     for t in texts))
    assert all(results)
    assert [t.text for t in store.turns] == texts


async def test_redelivered_update_is_answered_once(assistant, store) -> None:
    incoming = Incoming("telegram", "dave", text="lam giay khai sinh cho con", update_id="42")
    assert await assistant.handle(incoming)
    await assistant.delivered(incoming)  # the channel sent the replies
    assert await assistant.handle(incoming) == []
    assert len(store.turns) == 1
    # The same id on another channel is a different event.
    assert await assistant.handle(Incoming("zalo", "dave", text="xin chao", update_id="42"))
    assert len(store.turns) == 2


async def test_concurrent_redeliveries_are_answered_once(assistant, store) -> None:
    incoming = Incoming("telegram", "erin", text="xin chao", update_id="7")
    results = await asyncio.gather(*(assistant.handle(incoming) for _ in range(5)))
    assert sum(1 for r in results if r) == 1
    assert len(store.turns) == 1


async def test_replies_unsent_at_a_crash_go_out_on_redelivery_a_bounded_number_of_times(
        assistant, store) -> None:
    incoming = Incoming("telegram", "erin", text="lam giay khai sinh cho con", update_id="77")
    first = await assistant.handle(incoming)
    assert first
    assert await assistant.handle(incoming) == []  # still being sent by this process
    # The process died between the commit and the send; a new one starts.
    assistant._handed_out.clear()
    assert await assistant.handle(incoming) == first
    assert len(store.turns) == 1  # the turn itself is not played again
    for _ in range(5):
        assistant._handed_out.clear()
        await assistant.handle(incoming)
    assert await assistant.handle(incoming) == []  # given up after MAX_ATTEMPTS
    assert not store.outbox
