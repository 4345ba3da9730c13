"""The Zalo Bot channel's durable inbox on a real SQLite file: an update is stored before it is
confirmed (the webhook's 200, the next poll), replayed at start-up, and a redelivery is
answered once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.zalo_bot import ZaloBotChannel
from bot.channels.zalo_bot.inbox import update_key
from bot.config import Config, ZaloBotConfig
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Incoming, Reply
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import ReportQuery
from bot.storage.sqlite import SQLiteStore
from tests.fakes.zalo_bot_api import FakeZaloBotApi, text_update
from tests.fakes.zalo_harness import eventually, free_port, running

SECRET = "webhook-secret-123"
KEY = b"zalo-bot-inbox-test-pseudonym-key-01234"
QUESTION = "lam giay khai sinh cho con"


class GatedAssistant(Assistant):
    """The real core, held at the door until the test opens the gate."""

    gate: asyncio.Event

    async def handle(self, incoming: Incoming) -> list[Reply]:
        await self.gate.wait()
        return await super().handle(incoming)


@pytest.fixture
async def api() -> AsyncIterator[FakeZaloBotApi]:
    fake = FakeZaloBotApi()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    sqlite = SQLiteStore(tmp_path / "bot.sqlite3")
    await sqlite.open()
    yield sqlite
    await sqlite.close()


@pytest.fixture
def core(brain: Brain, store: SQLiteStore, config: Config) -> GatedAssistant:
    assistant = GatedAssistant(brain, store, config, Pseudonymizer(KEY))
    assistant.gate = asyncio.Event()
    assistant.gate.set()
    return assistant


def webhook_channel(api: FakeZaloBotApi) -> tuple[ZaloBotChannel, int]:
    port = free_port()
    config = ZaloBotConfig(base_url=api.base_url, mode="webhook",
                           webhook_url=f"http://127.0.0.1:{port}/zalo-bot/webhook")
    return ZaloBotChannel(config, api.token, SECRET), port


def polling(api: FakeZaloBotApi) -> ZaloBotChannel:
    return ZaloBotChannel(ZaloBotConfig(base_url=api.base_url), api.token, poll_seconds=1)


async def turns(store: SQLiteStore) -> int:
    return (await store.log_stats(ReportQuery())).turns


async def test_webhook_update_is_stored_before_the_200(api: FakeZaloBotApi, core: GatedAssistant,
                                                       store: SQLiteStore) -> None:
    channel, port = webhook_channel(api)
    core.gate.clear()
    async with running(channel, core, port):
        assert await api.push(text_update("w1", QUESTION, "m-w1")) == 200
        assert [k for k, _ in await store.inbox_pending("zalo-bot")] == ["m-w1"]
        core.gate.set()
        await eventually(lambda: bool(api.texts_to("w1")))
        await channel.tasks.drain()
        assert await store.inbox_pending("zalo-bot") == []
    assert "Đăng ký khai sinh" in api.texts_to("w1")[0]


async def test_polled_update_is_stored_while_it_is_handled(
        api: FakeZaloBotApi, core: GatedAssistant, store: SQLiteStore) -> None:
    core.gate.clear()
    channel = polling(api)
    async with running(channel, core):
        await api.say("p1", QUESTION, message_id="m-p1")

        async def stored() -> None:
            while not await store.inbox_pending("zalo-bot"):
                await asyncio.sleep(0.01)
        await asyncio.wait_for(stored(), 10)
        assert api.texts_to("p1") == []  # stored, not yet handled
        core.gate.set()
        await eventually(lambda: bool(api.texts_to("p1")))
        await channel.tasks.drain()
        assert await store.inbox_pending("zalo-bot") == []


async def test_updates_left_by_a_crash_are_handled_at_start_and_once(
        api: FakeZaloBotApi, core: GatedAssistant, store: SQLiteStore) -> None:
    update = text_update("c1", QUESTION, "m-c1")
    no_id = text_update("c2", QUESTION, "unused")
    del no_id["message"]["message_id"]
    for item in (update, no_id):  # what the killed process had confirmed, not handled
        await store.inbox_add("zalo-bot", update_key(item), json.dumps(item))
    channel, port = webhook_channel(api)
    async with running(channel, core, port):
        await eventually(lambda: bool(api.texts_to("c1")) and bool(api.texts_to("c2")))
        await channel.tasks.drain()
        answered = (len(api.texts_to("c1")), len(api.texts_to("c2")))
        # The platform delivers both again (it never saw our 200): answered once.
        assert await api.push(update) == 200
        assert await api.push(no_id) == 200
        assert await api.push(no_id) == 200
        await channel.tasks.drain()
        assert (len(api.texts_to("c1")), len(api.texts_to("c2"))) == answered
        assert [titled(api, "c1"), titled(api, "c2")] == [1, 1]
        assert await store.inbox_pending("zalo-bot") == []
    assert await turns(store) == 2


async def test_a_redelivery_while_the_first_is_handled_is_answered_once(
        api: FakeZaloBotApi, core: GatedAssistant, store: SQLiteStore) -> None:
    channel, port = webhook_channel(api)
    core.gate.clear()
    async with running(channel, core, port):
        assert await api.push(text_update("r1", QUESTION, "m-r1")) == 200
        assert await api.push(text_update("r1", QUESTION, "m-r1")) == 200
        assert len(await store.inbox_pending("zalo-bot")) == 1
        core.gate.set()
        await eventually(lambda: bool(api.texts_to("r1")))
        await channel.tasks.drain()
    assert titled(api, "r1") == 1
    assert await turns(store) == 1


def titled(api: FakeZaloBotApi, chat: str) -> int:
    """How many times the answer's title reached `chat` (once per answer)."""
    return sum("Đăng ký khai sinh" in t for t in api.texts_to(chat))
