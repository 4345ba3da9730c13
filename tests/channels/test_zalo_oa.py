"""End-to-end tests of the Zalo Official Account channel against a local fake OA API."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.channels.launch import configured_channels
from bot.channels.zalo_oa import ZaloOAChannel
from bot.channels.zalo_oa.events import parse_event
from bot.channels.zalo_oa.tokens import STORE_KEY, ZaloOAAuthError
from bot.config import Config, Secrets, ZaloOAConfig
from bot.core import texts
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Button, Reply
from bot.privacy.logfilter import clean_line
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import ReportQuery
from bot.storage.sqlite import SQLiteStore
from bot.webhook.guard import body_digest
from tests.fakes.zalo_harness import (
    ManualClock,
    StubAssistant,
    eventually,
    first_line,
    free_port,
    running,
)
from tests.fakes.zalo_oa_api import (
    APP_ID,
    OA_ID,
    OA_SECRET_KEY,
    FakeZaloOA,
    follow,
    now_ms,
    oa_echo,
    post_event,
    signed,
    user_click,
    user_sticker,
    user_text,
)

TEST_KEY = b"zalo-oa-test-pseudonym-key-0123456789"


@pytest.fixture
async def oa() -> FakeZaloOA:
    fake = FakeZaloOA()
    await fake.start()
    yield fake
    await fake.stop()


class RecordingStore(SQLiteStore):
    """SQLite, noting each token save so the test can order it against the sends."""

    def __init__(self, path: Path, events: list[tuple[str, str]]) -> None:
        super().__init__(path)
        self.events = events

    async def set_value(self, key: str, value: str) -> None:
        await super().set_value(key, value)
        if key == STORE_KEY:
            self.events.append(("saved", json.loads(value)["access_token"]))


class Bot:
    """One bot process: an SQLite file, an assistant and the OA channel."""

    def __init__(self, oa: FakeZaloOA, brain: Brain, config: Config, db: Path,
                 refresh_token: str | None = None, clock: Any = time.time) -> None:
        self.events: list[tuple[str, str]] = []
        self.store = RecordingStore(db, self.events)
        self.assistant = Assistant(brain, self.store, config, Pseudonymizer(TEST_KEY))
        oa.on_send = lambda token: self.events.append(("sent", token))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/zalo-oa/webhook"
        self.channel = ZaloOAChannel(
            ZaloOAConfig(app_id=APP_ID, base_url=oa.base_url, oauth_url=oa.base_url),
            Secrets(zalo_oa_secret_key=OA_SECRET_KEY, zalo_oa_app_secret=oa.app_secret,
                    zalo_oa_refresh_token=oa.initial_refresh if refresh_token is None
                    else refresh_token), clock=clock)

    async def __aenter__(self) -> Bot:
        await self.store.open()
        self._running = running(self.channel, self.assistant, self.port)
        try:
            await self._running.__aenter__()
        except BaseException:
            await self.store.close()
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._running.__aexit__(*exc)
        await self.store.close()

    async def post(self, event: dict[str, Any], **kwargs: Any) -> int:
        raw, headers = signed(event, **kwargs)
        return await post_event(self.url, raw, headers)


@pytest.fixture
def make_bot(oa: FakeZaloOA, brain: Brain, config: Config, tmp_path: Path) -> Any:
    return lambda **kw: Bot(oa, brain, config, tmp_path / "bot.sqlite3", **kw)


def has_text(oa: FakeZaloOA, user: str, needle: str) -> bool:
    return any(needle in t for t in oa.texts_to(user))


async def test_question_then_flow_with_buttons(oa: FakeZaloOA, make_bot: Any,
                                               brain: Brain) -> None:
    async with make_bot() as bot:
        assert await bot.post(user_text("u1", "lam giay khai sinh cho con", "m1")) == 200
        await eventually(lambda: has_text(oa, "u1", "Đăng ký khai sinh"))
        first = oa.sent[0]
        assert first["message"].get("quote_message_id") == "m1"  # refers to the question
        assert oa.refreshes == 1 and oa.initial_refresh in oa.used_refresh

        flow = brain.flows[brain.kb.topics["khai-sinh"].flow or ""]
        step = flow.steps[flow.start]
        count = len(oa.sent)
        assert await bot.post(user_text("u1", f"/start flow-{flow.id}", "m2")) == 200
        await eventually(lambda: has_text(oa, "u1", first_line(step.text)))
        await bot.channel.tasks.drain()
        last = oa.sent[-1]["message"]
        assert len(oa.sent) > count
        buttons = last["attachment"]["payload"]["buttons"]  # ≤ 5 options: real buttons
        assert buttons[0]["title"] == step.options[0].label
        assert {b["type"] for b in buttons} == {"oa.query.hide"}

        following = flow.steps[step.options[0].next]
        assert await bot.post(user_text("u1", buttons[0]["payload"], "m3")) == 200
        await eventually(lambda: has_text(oa, "u1", first_line(following.text)))
    assert {m["recipient"]["user_id"] for m in oa.sent} == {"u1"}


async def test_buttons_map_back_and_many_options_become_numbered_text(
        oa: FakeZaloOA, make_bot: Any) -> None:
    few = Reply("Chọn một mục:", tuple(Button(f"Mục {i}", f"p{i}") for i in range(1, 4)))
    many = Reply("Chọn nhóm:", tuple(Button(f"Nhóm {i}", f"g{i}") for i in range(1, 8)))
    async with make_bot() as bot:
        bot.assistant = stub = StubAssistant([few, many])
        bot.channel._assistant = stub  # the same channel, answering canned replies
        await bot.post(user_text("u2", "menu", "m1"))
        await eventually(lambda: len(oa.sent) >= 2)
        await bot.post(user_text("u2", "#p2", "m2"))
        await bot.channel.tasks.drain()
    template = oa.sent[0]["message"]
    assert [b["payload"] for b in template["attachment"]["payload"]["buttons"]] == [
        "#p1", "#p2", "#p3"]
    numbered = oa.sent[1]["message"]
    assert "attachment" not in numbered and "7. Nhóm 7" in numbered["text"]
    assert oa.refused_sends == 0  # nothing relied on the numbered-text fallback
    assert stub.seen[0].text == "menu" and stub.seen[0].button is None
    assert stub.seen[1].button == "p2" and stub.seen[1].text is None


async def test_refused_buttons_and_long_text_degrade_to_text(oa: FakeZaloOA,
                                                            make_bot: Any) -> None:
    paragraphs = [f"Bước {i}: " + "chuẩn bị giấy tờ cần thiết " * 6 for i in range(30)]
    long = Reply("\n\n".join(paragraphs), (Button("Có", "yes"), Button("Không", "no")))
    oa.reject_buttons = True
    async with make_bot() as bot:
        bot.channel._assistant = StubAssistant([long])
        await bot.post(user_text("u3", "huong dan", "m1"))
        await eventually(lambda: has_text(oa, "u3", "2. Không"))
        await bot.channel.tasks.drain()
    sent = oa.texts_to("u3")
    assert len(sent) >= 3 and all(len(t) <= 2000 for t in sent)
    for paragraph in paragraphs:
        assert sum(paragraph.strip() in t for t in sent) == 1
    assert sent[-1].endswith("1. Có\n2. Không\n(Gõ số để chọn)")


async def test_forged_stale_and_foreign_events_are_refused(oa: FakeZaloOA,
                                                           make_bot: Any) -> None:
    question = "lam giay khai sinh cho con"
    async with make_bot() as bot:
        assert await bot.post(user_text("x1", question, "f1"), secret_key="wrong-key") == 403
        raw, headers = signed(user_text("x2", question, "f2"))
        tampered = raw.replace(b'"x2"', b'"x9"')
        assert await post_event(bot.url, tampered, headers) == 403
        headers.pop("X-ZEvent-Signature")
        assert await post_event(bot.url, raw, headers) == 403
        stale = str(int(now_ms()) - 3600 * 1000)
        assert await bot.post(user_text("x3", question, "f3", timestamp=stale)) == 403
        foreign = {**user_text("x4", question, "f4"), "app_id": "999"}
        assert await bot.post(foreign) == 403
        assert await post_event(bot.url, b"not json", {}) == 403  # unsigned: never parsed
        # Timestamp only in the X-ZEvent-Timestamp header: accepted.
        event = user_text("ok", question, "f5")
        assert await bot.post(event, header_timestamp=event.pop("timestamp")) == 200
        await eventually(lambda: has_text(oa, "ok", "Đăng ký khai sinh"))
        await bot.channel.tasks.drain()
    assert {m["recipient"]["user_id"] for m in oa.sent} == {"ok"}


async def test_echoes_ignored_duplicates_once_follow_welcomed(oa: FakeZaloOA,
                                                              make_bot: Any) -> None:
    async with make_bot() as bot:
        assert await bot.post(oa_echo("u4", "Chào bạn", "e1")) == 200
        assert await bot.post(user_text("u4", "xin chao", "d1")) == 200
        await eventually(lambda: bool(oa.texts_to("u4")))
        await bot.channel.tasks.drain()
        replies = len(oa.texts_to("u4"))
        assert await bot.post(user_text("u4", "xin chao", "d1")) == 200  # redelivered
        assert await bot.post(follow("u5")) == 200
        assert await bot.post(user_sticker("u6", "s1")) == 200
        await bot.channel.tasks.drain()
    assert len(oa.texts_to("u4")) == replies
    assert all(m["recipient"]["user_id"] != OA_ID for m in oa.sent)
    assert first_line(texts.WELCOME) in oa.texts_to("u5")[0]
    assert oa.texts_to("u6") == [texts.NON_TEXT]


async def test_expired_token_refreshes_once_and_retries(oa: FakeZaloOA,
                                                        make_bot: Any) -> None:
    async with make_bot() as bot:
        await bot.post(user_text("u7", "xin chao", "t1"))
        await eventually(lambda: bool(oa.texts_to("u7")))
        await bot.channel.tasks.drain()
        before, sent = oa.refreshes, len(oa.sent)
        oa.expire_access_tokens()
        await bot.post(user_text("u7", "lam giay khai sinh cho con", "t2"))
        await eventually(lambda: has_text(oa, "u7", "Đăng ký khai sinh"))
        await bot.channel.tasks.drain()
        assert oa.refreshes == before + 1 and oa.expired_sends == 1
        assert len(oa.sent) > sent

        oa.always_expired = True  # a refreshed token still refused: no endless loop
        refreshes, expired = oa.refreshes, oa.expired_sends
        await bot.post(user_text("u7", "cam on", "t3"))
        await bot.channel.tasks.drain()
        assert oa.refreshes == refreshes + 1 and oa.expired_sends == expired + 2
    # Each new token was saved before any message used it.
    for token in set(oa.send_tokens):
        assert bot.events.index(("saved", token)) < bot.events.index(("sent", token))


async def test_a_refused_reply_reference_still_delivers_the_answer(
        oa: FakeZaloOA, make_bot: Any, caplog: pytest.LogCaptureFixture) -> None:
    oa.reject_reply_reference = True
    async with make_bot() as bot:
        assert await bot.post(user_text("u9", "lam giay khai sinh cho con", "q1")) == 200
        await eventually(lambda: has_text(oa, "u9", "Đăng ký khai sinh"))
        await bot.channel.tasks.drain()
        assert oa.refused_sends == 1  # the first reply, sent again without the reference
        oa.always_expired = True  # an answer that cannot be delivered: one warning line
        assert await bot.post(user_text("u9", "cam on", "q2")) == 200
        await bot.channel.tasks.drain()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("not delivered" in r.getMessage() for r in caplog.records)


async def test_token_renewed_ahead_of_expiry(oa: FakeZaloOA, make_bot: Any) -> None:
    clock = ManualClock(time.time())
    async with make_bot(clock=clock) as bot:
        await bot.post(user_text("u10", "xin chao", "a1", timestamp=str(int(clock() * 1000))))
        await eventually(lambda: bool(oa.texts_to("u10")))
        await bot.channel.tasks.drain()
        first = oa.send_tokens[-1]
        clock.advance(hours=24.5)  # the 25 h token is close to expiry but still accepted
        await bot.post(user_text("u10", "xin chao", "a2", timestamp=str(int(clock() * 1000))))
        await eventually(lambda: len(set(oa.send_tokens)) == 2)
        await bot.channel.tasks.drain()
    assert first in oa.valid_access and oa.send_tokens[-1] != first
    assert oa.refreshes == 2 and oa.expired_sends == 0  # renewed before, not after, a -216


async def test_rotation_survives_a_restart(oa: FakeZaloOA, make_bot: Any) -> None:
    async with make_bot() as bot:
        await bot.post(user_text("u8", "xin chao", "r1"))
        await eventually(lambda: bool(oa.texts_to("u8")))
    assert oa.initial_refresh in oa.used_refresh
    rotated = json.loads(await read_value(bot.store.path))["refresh_token"]
    assert rotated in oa.valid_refresh
    assert clean_line(f"refresh with {rotated}") == "refresh with [bí mật]"  # masked in logs

    oa.expire_access_tokens()  # the restarted bot must refresh with the rotated token
    async with make_bot() as restarted:  # same SQLite file, same (already spent) env token
        await restarted.post(user_text("u8", "lam giay khai sinh cho con", "r2"))
        await eventually(lambda: has_text(oa, "u8", "Đăng ký khai sinh"))
    assert rotated in oa.used_refresh and oa.refused_refreshes == 0
    assert not await refresh_accepted(oa, oa.initial_refresh)  # single use, really


async def test_token_answers_shaped_otherwise_keep_the_rotation(
        oa: FakeZaloOA, make_bot: Any) -> None:
    oa.pair_under_data = True  # {"error": 0, "data": {pair}}: the new refresh token is there
    oa.expired_code = -124
    async with make_bot() as bot:
        await bot.post(user_text("u11", "xin chao", "p1"))
        await eventually(lambda: bool(oa.texts_to("u11")))
        await bot.channel.tasks.drain()
        oa.expire_access_tokens()
        await bot.post(user_text("u11", "lam giay khai sinh cho con", "p2"))
        await eventually(lambda: has_text(oa, "u11", "Đăng ký khai sinh"))
    assert oa.refreshes == 2 and oa.refused_refreshes == 0
    rotated = json.loads(await read_value(bot.store.path))["refresh_token"]
    assert rotated in oa.valid_refresh


async def test_a_click_reported_as_its_own_event_presses_the_button(
        oa: FakeZaloOA, make_bot: Any) -> None:
    async with make_bot() as bot:
        bot.channel._assistant = stub = StubAssistant([Reply("Đã nhận")])
        assert await bot.post(user_click("u12", "#menu", "c1")) == 200
        await eventually(lambda: oa.texts_to("u12") == ["Đã nhận"])
    assert stub.seen[0].button == "menu" and stub.seen[0].text is None


def test_text_arriving_with_another_event_is_read() -> None:
    link = {**user_text("u13", "khai sinh https://dichvucong.gov.vn", "k1"),
            "event_name": "user_send_link"}
    parsed = parse_event(link)
    assert parsed is not None and parsed.incoming.text == "khai sinh https://dichvucong.gov.vn"
    sticker = parse_event(user_sticker("u13", "k2"))
    assert sticker is not None and sticker.incoming.text == ""


async def read_value(path: str) -> str:
    store = SQLiteStore(path)
    await store.open()
    try:
        return await store.get_value(STORE_KEY) or ""
    finally:
        await store.close()


async def refresh_accepted(oa: FakeZaloOA, refresh: str) -> bool:
    form = {"app_id": APP_ID, "grant_type": "refresh_token", "refresh_token": refresh}
    async with aiohttp.ClientSession() as session, session.post(
            f"{oa.base_url}/v4/oa/access_token", data=form,
            headers={"secret_key": oa.app_secret}) as resp:
        return "access_token" in await resp.json()


async def test_new_env_refresh_token_replaces_a_dead_saved_one(oa: FakeZaloOA,
                                                               make_bot: Any) -> None:
    async with make_bot():
        pass
    _, fresh = oa.issue()  # the operator authorised the app again
    oa.expire_access_tokens()
    async with make_bot(refresh_token=fresh) as bot:
        await bot.post(user_text("u9", "xin chao", "n1"))
        await eventually(lambda: bool(oa.texts_to("u9")))
    assert fresh in oa.used_refresh


async def test_no_token_anywhere_fails_at_start(oa: FakeZaloOA, make_bot: Any) -> None:
    with pytest.raises(ZaloOAAuthError):
        async with make_bot(refresh_token=""):
            pass


def test_settings_checked_and_channel_registered() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        ZaloOAChannel(ZaloOAConfig(app_id=APP_ID), Secrets())
    config = Config()
    secrets = Secrets(zalo_oa_secret_key="k")
    assert configured_channels(config, secrets) == []  # no app_id
    config.zalo_oa.app_id = APP_ID
    assert [c.name for c in configured_channels(config, secrets)] == ["zalo-oa"]
    config.zalo_oa.enabled = False
    assert configured_channels(config, secrets) == []


def sign_raw(raw: bytes, timestamp: str) -> dict[str, str]:
    from bot.channels.zalo_oa.signature import event_mac
    return {"X-ZEvent-Signature": event_mac(APP_ID, raw, timestamp, OA_SECRET_KEY),
            "Content-Type": "application/json"}


async def test_hostile_bodies_are_refused_in_one_line_without_reaching_the_core(
        oa: FakeZaloOA, make_bot: Any, caplog: pytest.LogCaptureFixture) -> None:
    stamp = str(int(time.time() * 1000))
    deep = (b'{"timestamp": "' + stamp.encode() + b'", "x": ' + b"[" * 100_000
            + b"]" * 100_000 + b"}")
    nan_event = json.dumps({**user_text("n1", "xin chao", "nan1"), "timestamp": "NaN"}).encode()
    async with make_bot() as bot:
        assert await post_event(bot.url, deep, {}) == 403  # unsigned: not even parsed
        assert await post_event(bot.url, deep, sign_raw(deep, stamp)) in (400, 413)
        assert await post_event(bot.url, nan_event, sign_raw(nan_event, "NaN")) == 403
        assert await post_event(bot.url, b"x" * 300_000, {}) == 413
        assert await bot.post(user_text("n2", "xin chao", "ok1")) == 200
        await eventually(lambda: bool(oa.texts_to("n2")))
        await bot.channel.tasks.drain()
        turns = await bot.store.log_stats(ReportQuery())
    assert turns.turns == 1  # only the authentic event reached the core
    assert not [r for r in caplog.records if r.exc_info]  # warnings, no tracebacks
    assert "n1" not in {m["recipient"]["user_id"] for m in oa.sent}


async def test_an_event_without_msg_id_replayed_is_answered_once(oa: FakeZaloOA,
                                                                  make_bot: Any) -> None:
    event = user_text("m1", "xin chao", "unused")
    del event["message"]["msg_id"]
    raw, headers = signed(event)
    async with make_bot() as bot:
        counts = []
        for _ in range(3):
            assert await post_event(bot.url, raw, headers) == 200
            await bot.channel.tasks.drain()
            counts.append(len(oa.texts_to("m1")))
        turns = (await bot.store.log_stats(ReportQuery())).turns
    assert counts[0] >= 1 and counts == [counts[0]] * 3
    assert turns == 1


async def test_an_event_acknowledged_before_a_crash_is_processed_at_start(
        oa: FakeZaloOA, make_bot: Any, tmp_path: Path) -> None:
    raw, _ = signed(user_text("r1", "lam giay khai sinh cho con", "crash1"))
    before = SQLiteStore(tmp_path / "bot.sqlite3")  # what the killed process left behind
    await before.open()
    await before.inbox_add("zalo-oa", body_digest(raw), raw.decode())
    await before.close()
    async with make_bot() as bot:
        await eventually(lambda: has_text(oa, "r1", "Đăng ký khai sinh"))
        await bot.channel.tasks.drain()
        assert await bot.store.inbox_pending("zalo-oa") == []


async def test_an_event_held_by_another_live_instance_waits_then_is_taken_over(
        oa: FakeZaloOA, make_bot: Any, tmp_path: Path) -> None:
    raw, headers = signed(user_text("t1", "lam giay khai sinh cho con", "held1"))
    other = SQLiteStore(tmp_path / "bot.sqlite3")  # instance "a", alive, answering it
    other.holder = "a"
    await other.open()
    try:
        await other.inbox_add("zalo-oa", body_digest(raw), raw.decode())
        async with make_bot() as bot:  # instance "local"
            assert await post_event(bot.url, raw, headers) == 200  # Zalo delivered it twice
            await asyncio.sleep(0.5)
            await bot.channel.tasks.drain()
            assert oa.texts_to("t1") == []  # left to "a"
            await other.claims_renew(-1.0)  # "a" died
            await eventually(lambda: has_text(oa, "t1", "Đăng ký khai sinh"), timeout=15)
            await bot.channel.tasks.drain()
            assert await bot.store.inbox_pending("zalo-oa") == []
    finally:
        await other.close()
