"""Polling with several instances: any instance answers from the shared inbox, chats in order."""

from __future__ import annotations

import asyncio
import random

from telegram import Update

from bot.channels.telegram.inbox import DurableQueue
from tests.cluster.conftest import Open
from tests.fakes.telegram_api import FakeBotAPI


async def test_two_instances_share_the_polled_updates_keeping_each_chat_in_order(
        instances: Open) -> None:
    fake = FakeBotAPI()  # only builds update JSON here; no server
    queues = {name: DurableQueue(await instances(name), capacity=3) for name in ("a", "b")}
    handled: list[tuple[str, int, int]] = []  # (instance, chat, update_id)
    # Each chat sends four messages in a row, so one claim could take several of a chat's.
    updates = [fake.message_update(100 + n // 4, f"câu {n}") for n in range(40)]
    rng = random.Random(3)

    async def work(name: str, queue: DurableQueue) -> None:
        while True:
            update = await queue.get()
            assert isinstance(update, Update) and update.effective_chat is not None
            await asyncio.sleep(rng.uniform(0.005, 0.03))  # the turn
            handled.append((name, update.effective_chat.id, update.update_id))
            await queue.done(update)

    for queue in queues.values():
        queue.shared = True
    tasks = [asyncio.create_task(coro) for name, queue in queues.items()
             for coro in (queue.consume(0.05), work(name, queue), work(name, queue))]
    try:
        for data in updates:  # what the polling instance (a) fetched
            await queues["a"].put(Update.de_json(data, None))
        for _ in range(200):
            if len(handled) >= len(updates):
                break
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert sorted(u for _, _, u in handled) == sorted(d["update_id"] for d in updates)
    assert {name for name, _, _ in handled} == {"a", "b"}  # both answered some
    for chat in range(100, 110):
        ids = [u for _, c, u in handled if c == chat]
        assert ids == sorted(ids), f"chat {chat} out of order: {ids}"
