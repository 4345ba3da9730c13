"""Telegram adapter pieces without a server: splitting, keyboards, update translation, retries."""

from __future__ import annotations

import json

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.launch import configured_channels
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram.channel import api_url
from bot.channels.telegram.render import MAX_TEXT, keyboard, render_reply, split_text, utf16_len
from bot.channels.telegram.request import normalise
from bot.channels.telegram.sender import Blocked, Sender
from bot.channels.telegram.translate import BotIdentity, from_callback, from_message, update_key
from bot.config import Config, ConfigError, Secrets, TelegramConfig
from bot.core.models import Button, Link, Reply
from tests.fakes.telegram_api import FakeBotAPI

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
ME = BotIdentity(123456, "dvc_test_bot")
PARAGRAPH = "Đăng ký khai sinh trực tuyến trên Cổng Dịch vụ công quốc gia. " * 20


# --- splitting and rendering ----------------------------------------------------------------
def test_short_text_is_one_chunk() -> None:
    assert split_text("  Xin chào  ") == ["Xin chào"]
    assert split_text("   ") == []


def test_long_text_splits_on_paragraphs_under_the_limit() -> None:
    paragraphs = [f"{i}. {PARAGRAPH}".strip() for i in range(8)]
    text = "\n\n".join(paragraphs)
    assert utf16_len(text) > MAX_TEXT
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(utf16_len(c) <= MAX_TEXT for c in chunks)
    # Nothing lost, and every chunk boundary is a paragraph boundary.
    assert "\n\n".join(chunks) == text
    assert all(c.split("\n\n")[0] in paragraphs for c in chunks)


def test_a_paragraph_too_long_falls_back_to_lines_then_words() -> None:
    line = "Bước: mở ứng dụng VNeID, chọn Thủ tục hành chính, điền tờ khai. "
    text = "\n".join([line * 3] * 60)
    chunks = split_text(text, limit=500)
    assert all(utf16_len(c) <= 500 for c in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == \
        text.replace("\n", "").replace(" ", "")
    word = "x" * 1200
    assert [len(c) for c in split_text(word, limit=500)] == [500, 500, 200]


def test_emoji_count_twice_like_telegram() -> None:
    assert utf16_len("🔒") == 2
    chunks = split_text("🔒" * 3000)
    assert [utf16_len(c) for c in chunks] == [4096, 1904]
    assert all("\ud83d" not in c for c in chunks)  # no surrogate pair was cut


def test_render_appends_links_and_puts_buttons_on_the_last_chunk() -> None:
    reply = Reply("\n\n".join([PARAGRAPH] * 8),
                  (Button("🧭 Hướng dẫn từng bước", "flow:khai-sinh-truc-tuyen"),),
                  (Link("Cổng DVC", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html?a=1&b=2"),))
    out = render_reply(reply)
    assert len(out) > 1
    assert all(not m.buttons for m in out[:-1])
    assert out[-1].buttons == reply.buttons
    assert out[-1].text.endswith(
        "🔗 Cổng DVC: https://dichvucong.gov.vn/p/home/dvc-trang-chu.html?a=1&b=2")


def test_keyboard_has_one_button_per_row() -> None:
    buttons = (Button("Khai sinh", "top:khai-sinh"), Button("🏠 Menu chính", "menu"))
    markup = keyboard(buttons)
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == \
        [["Khai sinh"], ["🏠 Menu chính"]]
    assert markup.inline_keyboard[0][0].callback_data == "top:khai-sinh"
    assert keyboard(()) is None


# --- translating updates ---------------------------------------------------------------------
def _update(data: dict) -> Update:
    update = Update.de_json(data, None)
    assert update is not None
    return update


def test_private_text_start_and_sticker() -> None:
    fake = FakeBotAPI()
    text = _update(fake.message_update(42, "lam giay khai sinh cho con"))
    incoming = from_message(text, text.message, ME, {42})
    assert incoming is not None
    assert (incoming.channel, incoming.user_key, incoming.text) == \
        ("telegram", "42", "lam giay khai sinh cho con")
    assert incoming.update_id.startswith(f"{text.update_id}:")
    assert incoming.locale == "vi" and incoming.is_staff
    start = _update(fake.message_update(42, "/start khai-sinh"))
    incoming = from_message(start, start.message, ME, set())
    assert incoming is not None and incoming.start_payload == "khai-sinh"
    assert incoming.text is None and not incoming.is_staff
    bare = _update(fake.message_update(42, "/start"))
    assert from_message(bare, bare.message, ME, set()).start_payload == ""  # type: ignore
    sticker = _update(fake.message_update(42, sticker={
        "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512,
        "height": 512, "is_animated": False, "is_video": False}))
    incoming = from_message(sticker, sticker.message, ME, set())
    assert incoming is not None and incoming.text == ""


def test_group_messages_need_to_address_the_bot() -> None:
    fake = FakeBotAPI()

    def incoming(text: str, **extra: object):
        update = _update(fake.message_update(-100, text, user_id=7, chat_type="supergroup",
                                             **extra))
        return from_message(update, update.message, ME, set())

    assert incoming("lam cccd o dau") is None
    assert incoming("/menu@other_bot") is None
    assert incoming("/menu").text == "/menu"  # type: ignore[union-attr]
    assert incoming("/start@dvc_test_bot khai-sinh").start_payload == "khai-sinh"  # type: ignore
    mention = incoming("@dvc_test_bot lam cccd o dau", entities=[
        {"type": "mention", "offset": 0, "length": 13}])
    assert mention is not None and mention.text == "lam cccd o dau"
    assert mention.user_key == "-100"
    # Servers other than Telegram's may leave out the entities: the text alone is enough.
    bare = incoming("Hỏi @DVC_test_bot: lam cccd o dau")
    assert bare is not None and bare.text == "Hỏi : lam cccd o dau"
    assert incoming("email a@dvc_test_bot.vn") is None
    assert incoming("@dvc_test_bot_2 lam cccd") is None
    bot_message = {"message_id": 5, "date": 0, "chat": fake.chat(-100, "supergroup"),
                   "from": fake.me, "text": "Bạn cần gì?"}
    reply = incoming("dang ky tam tru", reply_to_message=bot_message)
    assert reply is not None and reply.text == "dang ky tam tru"


def test_update_key_tells_redeliveries_from_reused_ids() -> None:
    fake = FakeBotAPI()
    data = fake.message_update(42, "lam cccd")
    assert update_key(_update(data)) == update_key(_update(dict(data)))  # a redelivery
    other = fake.message_update(42, "dang ky tam tru")
    other["update_id"] = data["update_id"]  # a restarted server counting from 1 again
    assert update_key(_update(other)) != update_key(_update(data))


def test_callback_without_message_uses_the_private_chat() -> None:
    fake = FakeBotAPI()
    update = _update({"update_id": 9, "callback_query": {
        "id": "q", "from": fake.user(77), "chat_instance": "c", "data": "menu"}})
    incoming = from_callback(update, update.callback_query, set())
    assert incoming is not None and (incoming.user_key, incoming.button) == ("77", "menu")


def test_callback_translates_to_a_button() -> None:
    fake = FakeBotAPI()
    fake.messages[(42, 7)] = {"message_id": 7, "date": 0, "chat": fake.chat(42),
                              "from": fake.me, "text": "Chọn:"}
    update = _update(fake.callback_update(42, "top:khai-sinh", message_id=7))
    incoming = from_callback(update, update.callback_query, set())
    assert incoming is not None
    assert (incoming.user_key, incoming.button) == ("42", "top:khai-sinh")


# --- the failure policy ----------------------------------------------------------------------
class Script:
    """An action failing with the given exceptions, then returning "sent"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def sender(sleeps: list[float]) -> Sender:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
    return Sender(sleep=sleep, max_attempts=4)


async def test_flood_control_waits_as_asked(sender: Sender, sleeps: list[float]) -> None:
    action = Script(RetryAfter(7))
    assert await sender.call("sendMessage", "x", action) == "sent"
    assert sleeps == [7.0] and action.calls == 2


async def test_too_long_a_flood_wait_is_dropped(sender: Sender, sleeps: list[float]) -> None:
    action = Script(RetryAfter(3600))
    assert await sender.call("sendMessage", "x", action) is None
    assert sleeps == [] and action.calls == 1


async def test_blocked_is_not_retried(sender: Sender, sleeps: list[float]) -> None:
    action = Script(Forbidden("Forbidden: bot was blocked by the user"))
    with pytest.raises(Blocked):
        await sender.call("sendMessage", "x", action)
    assert action.calls == 1 and sleeps == []


async def test_network_errors_back_off_and_give_up(sender: Sender, sleeps: list[float]) -> None:
    action = Script(NetworkError("Bad Gateway"), TimedOut(), NetworkError("x"), NetworkError("y"))
    assert await sender.call("sendMessage", "x", action) is None
    assert action.calls == 4 and sleeps == [1.0, 2.0, 4.0]
    recovering = Script(TimedOut())
    assert await sender.call("sendMessage", "x", recovering) == "sent"


async def test_an_unexpected_error_drops_the_call(sender: Sender, sleeps: list[float]) -> None:
    action = Script(KeyError("message_id"))  # e.g. a server answering a malformed result
    assert await sender.call("sendMessage", "x", action) is None
    assert action.calls == 1 and sleeps == []


async def test_bad_request_is_not_retried(sender: Sender, sleeps: list[float]) -> None:
    action = Script(BadRequest("Bad Request: message is too long"))
    assert await sender.call("sendMessage", "x", action) is None
    assert action.calls == 1 and sleeps == []


# --- configuration ---------------------------------------------------------------------------
def test_channel_is_configured_only_with_a_token() -> None:
    config = Config()
    assert configured_channels(config, Secrets()) == []
    channels = configured_channels(config, Secrets(telegram_token="1:abc"))
    assert [c.name for c in channels] == ["telegram"]
    config.telegram.enabled = False
    assert configured_channels(config, Secrets(telegram_token="1:abc")) == []


def test_webhook_mode_needs_a_url_and_a_valid_secret() -> None:
    config = TelegramConfig(mode="webhook", webhook_url="https://bot.example.gov.vn/tg")
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        TelegramChannel(config, "1:abc", "")
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        TelegramChannel(config, "1:abc", "has spaces!")
    TelegramChannel(config, "1:abc", "s3cret_-X")
    with pytest.raises(ValueError, match="webhook_url"):
        TelegramChannel(TelegramConfig(mode="webhook"), "1:abc", "s3cret")
    full = Config(telegram=TelegramConfig(mode="webhook"))
    with pytest.raises(ConfigError, match=r"telegram\.webhook_url"):
        configured_channels(full, Secrets(telegram_token="1:abc"))


def test_base_urls_are_normalised_for_ptb() -> None:
    assert api_url("https://api.telegram.org/bot", "/bot") == "https://api.telegram.org/bot"
    assert api_url("http://127.0.0.1:8081", "/bot") == "http://127.0.0.1:8081/bot"
    assert api_url("http://127.0.0.1:8081/", "/file/bot") == "http://127.0.0.1:8081/file/bot"
    assert api_url("http://tg.local/bot/", "/bot") == "http://tg.local/bot"
    assert api_url("http://tg.local/api/{token}/", "/bot") == "http://tg.local/api/{token}/"


# --- answers of other Bot API servers --------------------------------------------------------
def _body(payload: bytes) -> dict:
    return json.loads(payload)


def test_an_envelope_with_ok_as_text_or_left_out_is_read() -> None:
    for body, status in (({"ok": "false", "error_code": 403, "description": "x"}, 403),
                         ({"error_code": 429, "description": "x"}, 429),
                         ({"ok": "true", "result": True}, 200), ({"result": True}, 200)):
        code, payload = normalise("sendMessage", 200, json.dumps(body).encode())
        assert code == status and _body(payload)["ok"] is (status == 200)


def test_errors_in_the_body_only_get_their_status() -> None:
    error = json.dumps({"ok": False, "error_code": 403, "description": "Forbidden"}).encode()
    assert normalise("sendMessage", 200, error) == (403, error)
    odd = json.dumps({"ok": False, "error_code": "oops", "description": "?"}).encode()
    assert normalise("sendMessage", 200, odd)[0] == 400
    fine = json.dumps({"ok": True, "result": True}).encode()
    assert normalise("answerCallbackQuery", 200, fine) == (200, fine)


@pytest.mark.parametrize(("sent", "read"), [("3", 3), ("1.5", 1.5), (2, 2), ("soon", None),
                                             (0, None)])
def test_retry_after_becomes_a_number(sent: object, read: object) -> None:
    body = {"ok": False, "error_code": 429, "description": "Too Many Requests",
            "parameters": {"retry_after": sent}}
    code, payload = normalise("sendMessage", 429, json.dumps(body).encode())
    assert code == 429
    assert _body(payload)["parameters"].get("retry_after") == read


def test_a_flood_wait_only_in_the_description_is_read() -> None:
    body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 6"}
    code, payload = normalise("sendMessage", 429, json.dumps(body).encode())
    assert code == 429 and _body(payload)["parameters"] == {"retry_after": 6}


def test_answers_that_are_not_the_bot_api_are_retried_not_fatal() -> None:
    page = b"<html><h1>404 Not Found</h1></html>"
    for method in ("getUpdates", "sendMessage"):  # a proxy, not the API refusing the token
        code, payload = normalise(method, 404, page)
        assert code == 502 and _body(payload)["error_code"] == 404
    assert normalise("sendMessage", 200, b"<html>ok</html>")[0] == 502
    assert normalise("sendMessage", 503, b"busy")[0] == 503
    refused = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
    assert normalise("getMe", 401, refused) == (401, refused)  # a wrong token stays fatal
    assert normalise("getUpdates", 401, refused)[0] == 502  # polling goes on after getMe


def test_unreadable_updates_shrink_to_their_id() -> None:
    good = {"update_id": 8, "message": {"message_id": 1, "date": 1, "text": "hi",
                                        "chat": {"id": 1, "type": "private"}}}
    bad = {"update_id": 9, "message": {"message_id": 2, "date": "yesterday",
                                       "chat": {"id": 1, "type": "private"}}}
    code, payload = normalise("getUpdates", 200, json.dumps(
        {"ok": True, "result": [good, bad, "junk"]}).encode())
    assert code == 200 and _body(payload)["result"] == [good, {"update_id": 9}]
    plain = json.dumps({"ok": True, "result": [good]}).encode()
    assert normalise("getUpdates", 200, plain) == (200, plain)


def test_lax_results_are_filled_in() -> None:
    me = json.dumps({"ok": True, "result": {"id": 7, "first_name": "Bot"}}).encode()
    assert _body(normalise("getMe", 200, me)[1])["result"]["is_bot"] is True
    for result in (None, {"message_id": 1, "date": 1_700_000_000_000,
                          "chat": {"id": 1, "type": "private"}}):
        sent = json.dumps({"ok": True, "result": result}).encode()
        assert _body(normalise("sendMessage", 200, sent)[1])["result"] is True
    echo = json.dumps({"ok": True, "result": {"message_id": 1, "date": 1_700_000_000,
                                              "chat": {"id": 1, "type": "private"}}}).encode()
    assert normalise("editMessageText", 200, echo) == (200, echo)


def test_lax_updates_are_repaired() -> None:
    user = {"id": 5, "first_name": "Dân"}
    updates = [
        {"update_id": 1, "message": {"message_id": 3, "date": 1_700_000_000_000, "text": "hi",
                                     "from": user, "chat": {"id": 5, "type": "private"}}},
        {"update_id": 2, "callback_query": {"id": "9", "from": user, "data": "menu",
                                            "message": {"chat": {"id": 5, "type": "private"}}}},
    ]
    _, payload = normalise("getUpdates", 200, json.dumps(
        {"ok": True, "result": updates}).encode())
    message, query = (u.get("message") or u["callback_query"] for u in _body(payload)["result"])
    assert message["date"] == 1_700_000_000 and message["from"]["is_bot"] is False
    assert query["chat_instance"] == "" and "message" not in query
    update = Update.de_json(_body(payload)["result"][1], None)
    assert from_callback(update, update.callback_query, set()).user_key == "5"
