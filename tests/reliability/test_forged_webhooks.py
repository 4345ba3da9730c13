"""Forged webhooks for all three channels, on the one real HTTP server `dvcbot run` serves:
refused before they reach the core (the Assistant's `handle` is spied on, never called), while a
genuine request on the same server is handled."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_bot import ZaloBotChannel
from bot.channels.zalo_oa import ZaloOAChannel
from bot.config import Config, Secrets, TelegramConfig, ZaloBotConfig, ZaloOAConfig
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Incoming, Reply
from bot.httpserver import HttpServer
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.sqlite import SQLiteStore
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.zalo_bot_api import SECRET_HEADER, FakeZaloBotApi, text_update
from tests.fakes.zalo_harness import eventually, free_port
from tests.fakes.zalo_oa_api import APP_ID, OA_SECRET_KEY, FakeZaloOA, signed, user_text

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
KEY = b"forged-webhooks-pseudonym-key-0123456789"
TG_SECRET = "tg-Secret_token-42"
ZB_SECRET = "zalo-bot-secret-42"
QUESTION = "lam giay khai sinh cho con"


class SpyAssistant(Assistant):
    """The real core, noting every event that reaches `handle`."""

    seen: list[Incoming]

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        return await super().handle(incoming)


@dataclass
class Served:
    """The three channels on one server, and what the test needs to reach them."""

    core: SpyAssistant
    store: SQLiteStore
    base: str
    channels: tuple[TelegramChannel, ZaloOAChannel, ZaloBotChannel]

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        async with ClientSession() as session, session.post(
                self.base + path, data=body,
                headers={"Content-Type": "application/json", **headers}) as response:
            await response.read()
            return response.status


@pytest.fixture
async def served(brain: Brain, config: Config, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Served]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    tg, oa, zb = FakeBotAPI(), FakeZaloOA(), FakeZaloBotApi()
    await tg.start()
    await oa.start()
    await zb.start()
    store = SQLiteStore(tmp_path / "bot.sqlite3")
    await store.open()
    core = SpyAssistant(brain, store, config, Pseudonymizer(KEY))
    core.seen = []
    port = free_port()
    channels = (
        TelegramChannel(TelegramConfig(mode="webhook", base_url=tg.base_url,
                                       webhook_url="https://bot.example.gov.vn/telegram/webhook"),
                        tg.token, TG_SECRET, poll_timeout=1),
        ZaloOAChannel(ZaloOAConfig(app_id=APP_ID, base_url=oa.base_url, oauth_url=oa.base_url),
                      Secrets(zalo_oa_secret_key=OA_SECRET_KEY, zalo_oa_app_secret=oa.app_secret,
                              zalo_oa_refresh_token=oa.initial_refresh)),
        ZaloBotChannel(ZaloBotConfig(base_url=zb.base_url, mode="webhook",
                                     webhook_url=f"http://127.0.0.1:{port}/zalo-bot/webhook"),
                       zb.token, ZB_SECRET))
    http = HttpServer("127.0.0.1", port)
    for channel in channels:
        await channel.start(core, http)
    await http.start()
    try:
        yield Served(core, store, f"http://127.0.0.1:{port}", channels)
    finally:
        for channel in channels:
            await channel.stop()
        await http.stop()
        await store.close()
        await tg.close()
        await oa.stop()
        await zb.stop()


def telegram_update(update_id: int, chat: int) -> bytes:
    return json.dumps({"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_790_000_000, "text": QUESTION,
        "chat": {"id": chat, "type": "private", "first_name": "Dân"},
        "from": {"id": chat, "is_bot": False, "first_name": "Dân"}}}).encode()


async def forge_all(served: Served) -> list[int]:
    """Every forgery we know for the three channels; returns the statuses answered."""
    tg = telegram_update(7001, 4242)
    oa_raw, oa_headers = signed(user_text("u-forged", QUESTION, "oa-f1"))
    wrong_key_raw, wrong_key_headers = signed(user_text("u-forged", QUESTION, "oa-f2"),
                                              secret_key="not-the-oa-key")
    zb = json.dumps(text_update("zb-forged", QUESTION, "zb-f1")).encode()
    attempts = [
        ("/telegram/webhook", tg, {}),
        ("/telegram/webhook", tg, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}),
        ("/telegram/webhook", tg, {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET + "x"}),
        ("/telegram/webhook", tg, {"X-Telegram-Bot-Api-Secret-Token": ZB_SECRET}),
        ("/zalo-oa/webhook", oa_raw, {}),
        ("/zalo-oa/webhook", oa_raw.replace(b"u-forged", b"u-victim"), oa_headers),
        ("/zalo-oa/webhook", wrong_key_raw, wrong_key_headers),
        ("/zalo-oa/webhook", oa_raw, {"X-ZEvent-Signature": "mac=" + "0" * 64}),
        ("/zalo-bot/webhook", zb, {}),
        ("/zalo-bot/webhook", zb, {SECRET_HEADER: "wrong"}),
        ("/zalo-bot/webhook", zb, {SECRET_HEADER: TG_SECRET}),
        ("/zalo-bot/webhook", zb, {SECRET_HEADER: ZB_SECRET[:-1]}),
    ]
    return [await served.post(path, body, headers) for path, body, headers in attempts]


async def settle(served: Served) -> None:
    """Give background processing every chance to (wrongly) reach the core."""
    for channel in served.channels[1:]:
        await channel.tasks.drain()  # type: ignore[attr-defined]
    await asyncio.sleep(0.5)


async def test_forged_webhooks_never_reach_the_core(served: Served) -> None:
    statuses = await forge_all(served)
    await settle(served)
    assert served.core.seen == []
    assert all(status in (401, 403) for status in statuses), statuses
    for channel in ("telegram", "zalo-oa", "zalo-bot"):  # nor the inbox
        assert await served.store.inbox_pending(channel) == []


async def test_genuine_requests_on_the_same_server_do(served: Served) -> None:
    await forge_all(served)
    oa_raw, oa_headers = signed(user_text("u-real", QUESTION, "oa-ok"))
    zb = json.dumps(text_update("zb-real", QUESTION, "zb-ok")).encode()
    assert await served.post("/telegram/webhook", telegram_update(7002, 4343),
                             {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}) == 200
    assert await served.post("/zalo-oa/webhook", oa_raw, oa_headers) == 200
    assert await served.post("/zalo-bot/webhook", zb, {SECRET_HEADER: ZB_SECRET}) == 200
    await eventually(lambda: len(served.core.seen) >= 3)
    await settle(served)
    assert sorted((i.channel, i.user_key) for i in served.core.seen) == [
        ("telegram", "4343"), ("zalo-bot", "zb-real"), ("zalo-oa", "u-real")]
