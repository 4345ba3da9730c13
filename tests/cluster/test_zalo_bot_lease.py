"""Zalo Bot polling with two instances on one database: one polls at a time; when it dies with
an update stored but unanswered, the other takes the polling lease and that update over."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.channels.zalo_bot import ZaloBotChannel
from bot.config import Config, ZaloBotConfig
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Incoming, Reply
from bot.httpserver import HttpServer
from bot.privacy.pseudonym import Pseudonymizer
from tests.cluster.conftest import Open
from tests.fakes.zalo_bot_api import FakeZaloBotApi

KEY = b"zalo-bot-lease-test-pseudonym-key-0123456"


class StuckAssistant(Assistant):
    """An instance that hangs before answering (it is about to be killed)."""

    async def handle(self, incoming: Incoming) -> list[Reply]:
        await asyncio.Event().wait()
        return []


async def _die(channel: ZaloBotChannel) -> None:
    """What kill -9 leaves: no more polling or renewing, the lease and rows not given up."""
    assert channel.polling is not None
    tasks = [*channel.polling._tasks, channel.polling.poller, *channel.tasks._tasks]
    for task in tasks:
        if task is not None:
            task.cancel()
    for task in tasks:
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    channel.polling._tasks, channel.polling.poller = [], None


@pytest.mark.timeout(120)
async def test_one_instance_polls_and_the_survivor_takes_over(
        instances: Open, brain: Brain, config: Config) -> None:
    api = FakeZaloBotApi()
    await api.start()
    a_store, b_store = await instances("a"), await instances("b")
    a = ZaloBotChannel(ZaloBotConfig(base_url=api.base_url), api.token, poll_seconds=1)
    b = ZaloBotChannel(ZaloBotConfig(base_url=api.base_url), api.token, poll_seconds=1)
    http = HttpServer("127.0.0.1", 0)
    try:
        await a.start(StuckAssistant(brain, a_store, config, Pseudonymizer(KEY)), http)
        await b.start(Assistant(brain, b_store, config, Pseudonymizer(KEY)), http)
        assert a.polling is not None and b.polling is not None
        assert a.polling.poller is not None and b.polling.poller is None  # one polls
        await api.say("citizen-1", "lam giay khai sinh")  # a stores it, then hangs
        for _ in range(100):
            if await a_store.inbox_pending("zalo-bot"):
                break
            await asyncio.sleep(0.05)
        assert api.sent == []
        await _die(a)
        # An update handed to the dead instance's last getUpdates would be lost, as on the
        # real platform: let that request end (the fake holds one for 0.2 s at most).
        await asyncio.sleep(api.poll_wait * 3)
        await api.say("citizen-2", "lam can cuoc")  # waits at Zalo until b polls
        sent = await api.wait_sent(2, timeout=60)
        assert sorted(s.chat_id for s in sent) == ["citizen-1", "citizen-2"]
        assert b.polling.poller is not None and b.polling.lease.held
        for _ in range(100):  # the row goes once the reply is out
            if not await b_store.inbox_pending("zalo-bot"):
                break
            await asyncio.sleep(0.05)
        assert await b_store.inbox_pending("zalo-bot") == []
    finally:
        await b.stop()
        await a.stop()
        await api.stop()
