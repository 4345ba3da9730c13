"""End-to-end tests of the Zalo Bot Platform channel against a local fake Bot API."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.channels.launch import configured_channels
from bot.channels.zalo_bot import ZaloBotChannel
from bot.channels.zalo_bot.text import split_text
from bot.channels.zalo_bot.updates import parse_update
from bot.config import Config, Secrets, ZaloBotConfig
from bot.core import texts
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Button, Incoming, Reply
from bot.storage.memory import MemoryStore
from tests.fakes.zalo_bot_api import FakeZaloBotApi, sticker_update, text_update
from tests.fakes.zalo_harness import StubAssistant, eventually, first_line, free_port, running

SECRET = "webhook-secret-123"


@pytest.fixture
async def api() -> FakeZaloBotApi:
    fake = FakeZaloBotApi()
    await fake.start()
    yield fake
    await fake.stop()


def polling(api: FakeZaloBotApi) -> ZaloBotChannel:
    return ZaloBotChannel(ZaloBotConfig(base_url=api.base_url), api.token, poll_seconds=1)


def turns(store: MemoryStore) -> list[str | None]:
    return [t.text for t in store.turns if t.channel == "zalo-bot"]


async def test_polling_question_then_flow_by_typed_numbers(
        api: FakeZaloBotApi, assistant: Assistant, brain: Brain) -> None:
    async with running(polling(api), assistant):
        await eventually(lambda: api.poll_timeouts >= 1)  # 408 "no update" → polls again
        await api.say("chat-1", "lam giay khai sinh cho con")
        await eventually(lambda: any("Đăng ký khai sinh" in t for t in api.texts_to("chat-1")))

        flow = brain.flows[brain.kb.topics["khai-sinh"].flow or ""]
        step = flow.steps[flow.start]
        seen = len(api.texts_to("chat-1"))
        await api.say("chat-1", f"/start flow-{flow.id}")
        await eventually(lambda: len(api.texts_to("chat-1")) > seen)
        shown = api.texts_to("chat-1")[-1]
        assert first_line(step.text) in shown
        assert f"1. {step.options[0].label}" in shown  # no buttons: a numbered menu

        following = flow.steps[step.options[0].next]
        await api.say("chat-1", "1")
        await eventually(lambda: any(first_line(following.text) in t
                                     for t in api.texts_to("chat-1")))
    assert {s.chat_id for s in api.sent} == {"chat-1"}
    assert "getUpdates" in api.calls


async def test_webhook_checks_secret_and_accepts_both_envelopes(
        api: FakeZaloBotApi, assistant: Assistant, store: MemoryStore) -> None:
    port = free_port()
    config = ZaloBotConfig(base_url=api.base_url, mode="webhook",
                           webhook_url=f"http://127.0.0.1:{port}/zalo-bot/webhook")
    channel = ZaloBotChannel(config, api.token, SECRET)
    async with running(channel, assistant, port):
        assert api.webhook_secret == SECRET  # registered through setWebhook

        assert await api.push(text_update("intruder", "xin chao", "x1"), secret="wrong") == 403
        assert await api.push(text_update("intruder", "xin chao", "x2"), secret="") == 403

        assert await api.push(text_update("bare", "lam giay khai sinh cho con", "b1")) == 200
        api.wrap_webhook = True
        assert await api.push(text_update("wrapped", "lam giay khai sinh cho con", "w1")) == 200
        await eventually(lambda: bool(api.texts_to("bare")) and bool(api.texts_to("wrapped")))
        await channel.tasks.drain()
    assert "Đăng ký khai sinh" in api.texts_to("bare")[0]
    assert "Đăng ký khai sinh" in api.texts_to("wrapped")[0]
    assert api.texts_to("intruder") == []
    assert len(turns(store)) == 2  # the refused calls never reached the core


async def test_duplicate_message_ids_are_processed_once(
        api: FakeZaloBotApi, assistant: Assistant, store: MemoryStore) -> None:
    async with running(polling(api), assistant):
        await api.say("chat-d", "xin chao", message_id="dup-1")
        await api.say("chat-d", "xin chao", message_id="dup-1")
        await api.say("chat-d", "lam giay khai sinh cho con")
        await eventually(lambda: any("Đăng ký khai sinh" in t for t in api.texts_to("chat-d")))
    assert turns(store) == ["xin chao", "lam giay khai sinh cho con"]


async def test_sticker_gets_a_polite_text_request(api: FakeZaloBotApi,
                                                  assistant: Assistant) -> None:
    async with running(polling(api), assistant):
        await api.push(sticker_update("chat-s", "st-1"))
        await eventually(lambda: bool(api.texts_to("chat-s")))
    assert api.texts_to("chat-s") == [texts.NON_TEXT]


async def test_long_replies_are_chunked_at_paragraphs(api: FakeZaloBotApi) -> None:
    paragraphs = [f"Đoạn {i}: " + "thông tin thủ tục hành chính " * 5 for i in range(40)]
    stub = StubAssistant([Reply("\n\n".join(paragraphs), (Button("Xem thêm", "menu"),))])
    async with running(polling(api), stub):
        await api.say("chat-l", "cho xem het")
        await eventually(lambda: any("(Gõ số để chọn)" in t for t in api.texts_to("chat-l")))
    sent = api.texts_to("chat-l")
    assert len(sent) >= 3 and all(len(t) <= 2000 for t in sent)
    for paragraph in paragraphs:  # never cut inside a paragraph
        assert sum(paragraph.strip() in t for t in sent) == 1
    assert sent[-1].endswith("1. Xem thêm\n(Gõ số để chọn)")
    assert stub.seen[0].update_id and stub.seen[0].user_key == "chat-l"


async def test_errors_in_the_body_only_and_a_blocked_chat(
        api: FakeZaloBotApi, assistant: Assistant, caplog: pytest.LogCaptureFixture) -> None:
    api.errors_with_http_200 = api.errors_without_ok = True  # {"error_code": 403, ...} only
    api.blocked.add("chat-blocked")
    api.fail("sendMessage", 502)  # transient: sent again
    async with running(polling(api), assistant):
        await api.say("chat-blocked", "lam giay khai sinh cho con")
        await api.say("chat-ok", "lam giay khai sinh cho con")
        await eventually(lambda: bool(api.texts_to("chat-ok")))
        await eventually(lambda: api.calls.count("sendMessage") >= 3)
    assert api.texts_to("chat-blocked") == []
    assert api.calls.count("sendMessage") == 3  # 502 retried once, 403 never retried
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_one_slow_chat_does_not_hold_up_the_others(api: FakeZaloBotApi) -> None:
    release = asyncio.Event()

    class Slow(StubAssistant):
        async def handle(self, incoming: Incoming) -> list[Reply]:
            if incoming.user_key == "slow":
                await release.wait()
            return await super().handle(incoming)

    async with running(polling(api), Slow([Reply("Đã nhận")])):
        await api.say("slow", "xin chao")
        await api.say("quick", "xin chao")
        await eventually(lambda: api.texts_to("quick") == ["Đã nhận"])
        assert api.texts_to("slow") == []
        release.set()
        await eventually(lambda: api.texts_to("slow") == ["Đã nhận"])


async def test_a_server_wanting_a_numeric_timeout_is_still_polled(
        api: FakeZaloBotApi, assistant: Assistant) -> None:
    api.numeric_timeout_only = True
    async with running(polling(api), assistant):
        await api.say("chat-n", "lam giay khai sinh cho con")
        await eventually(lambda: bool(api.texts_to("chat-n")))
    assert "Đăng ký khai sinh" in api.texts_to("chat-n")[0]


def test_text_arriving_with_another_event_is_read() -> None:
    link = {**text_update("c", "dang ky khai sinh https://dichvucong.gov.vn", "l1"),
            "event_name": "message.link.received"}
    inbound = parse_update(link)
    assert inbound is not None
    assert inbound.incoming.text == "dang ky khai sinh https://dichvucong.gov.vn"
    sticker = parse_update(sticker_update("c", "s1"))
    assert sticker is not None and sticker.incoming.text == ""
    assert parse_update({**link, "event_name": "bot.status.changed"}) is None


def test_split_text_limits() -> None:
    assert split_text("x" * 4500) == ["x" * 2000, "x" * 2000, "x" * 500]
    lines = split_text("\n".join(["dòng"] * 1000))
    assert all(len(c) <= 2000 for c in lines) and all(c.endswith("dòng") for c in lines)
    assert split_text("  ") == []
    decomposed = "Hu\u0301y"  # 'ú' as two code points is sent composed
    assert split_text(decomposed) == ["Húy"]


async def test_refused_token_fails_at_start(api: FakeZaloBotApi, assistant: Assistant) -> None:
    channel = ZaloBotChannel(ZaloBotConfig(base_url=api.base_url), "1:wrong")
    with pytest.raises(ValueError, match="refused"):
        async with running(channel, assistant):
            pass


def test_settings_checked_and_channel_registered() -> None:
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        ZaloBotChannel(ZaloBotConfig(mode="webhook"), "1:token", "short")
    config = Config()
    names = [c.name for c in configured_channels(config, Secrets(zalo_bot_token="1:token"))]
    assert names == ["zalo-bot"]
    config.zalo_bot.enabled = False
    assert configured_channels(config, Secrets(zalo_bot_token="1:token")) == []


async def test_a_typed_team_link_opens_a_catalogue_procedure(
        api: FakeZaloBotApi, assistant: Assistant, store: MemoryStore) -> None:
    """Zalo has no deep-link payload: the poster tells citizens to type `/start PAYLOAD`."""
    async with running(polling(api), assistant):
        await api.say("chat-1", "/start tthc-1_004359__to-cns-ap-3")
        await eventually(lambda: any("1.004359" in t for t in api.texts_to("chat-1")))
    shown = next(t for t in api.texts_to("chat-1") if "1.004359" in t)
    assert "Cấp, cấp lại Giấy phép khai thác thủy sản" in shown
    assert [(r.channel, r.team) for r in store.referrals] == [("zalo-bot", "to-cns-ap-3")]
    assert [t.topic for t in store.turns if t.channel == "zalo-bot"] == ["tthc-1.004359"]
