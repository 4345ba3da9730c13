"""Acceptance: personal data typed by citizens never reaches the SQLite files' bytes or logs."""

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel
from bot.config import Config, TelegramConfig
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Incoming
from bot.httpserver import HttpServer
from bot.privacy import logfilter
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import ReportQuery
from bot.storage.sqlite import SQLiteStore
from tests.fakes.telegram_api import FakeBotAPI

ID_NUMBER = "079090001234"
PHONE = "0987654321"
PHONE_SPACED = "0912 345 678"
EMAIL = "tran.thi.mai85@gmail.com"
DOSSIER = "000.00.19.H29-250101-0001"
DOSSIER_NATIONAL = "G22.99-250101-0001"
OTP = "482913"
NAME = "Nguyễn Thị Hoa"
NAME_LOWER = "tran van binh"
CHILD = "Lê Minh Khang"
STREET = "Lạc Long Quân"
HOUSE = "127/4B"
HAMLET = "Tân Hòa"
BIRTH = "03/11/1962"
PLATE = "51F1-234.56"
PASSWORD = "hoamai"
DOSSIER_CODE = "HS2099XYZ999"
RAW = [ID_NUMBER, PHONE, PHONE_SPACED, EMAIL, DOSSIER, DOSSIER_NATIONAL, OTP,
       "Mai@2024pass", "0011004123456", "citizen-telegram-id-777",
       NAME, NAME_LOWER, CHILD, STREET, HOUSE, HAMLET, BIRTH, PLATE, PASSWORD, DOSSIER_CODE]

MESSAGES = [
    f"số cccd của tôi {ID_NUMBER} bị sai ngày sinh thì làm sao",
    f"sdt {PHONE} gọi lại giúp em, email {EMAIL}",
    f"hồ sơ {DOSSIER} nộp tuần trước chưa thấy kết quả",
    f"ma otp la {OTP}",
    "mat khau vneid cua toi la Mai@2024pass",
    "stk vietcombank 0011004123456 chuyen le phi",
    f"/{PHONE}",
    f"/start khai-sinh__{PHONE}",
    f"tôi tên là {NAME}, sinh ngày {BIRTH}, làm lại căn cước ở đâu",
    f"ho ten: {NAME_LOWER} muon dang ky tam tru",
    f"con tôi là {CHILD} cần làm giấy khai sinh",
    f"nhà em số {HOUSE} đường {STREET}, ấp {HAMLET} đăng ký thường trú",
    f"xe biển số {PLATE} bị phạt nguội tra ở đâu",
    f"mật khẩu là {PASSWORD} mà không đăng nhập được vneid",
    f"số hồ sơ {DOSSIER_CODE} đến đâu rồi",
]


def _disk_bytes(db: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal", "-shm"):
        path = Path(str(db) + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


async def _feed(assistant: Assistant) -> None:
    user = "citizen-telegram-id-777"
    for text in MESSAGES:
        await assistant.handle(Incoming("telegram", user, text=text))
    # A deep link with personal data, a thumbs-down comment, and a typed flow answer.
    await assistant.handle(Incoming("telegram", user, start_payload=f"tam-tru__{PHONE}"))
    await assistant.handle(Incoming("telegram", user, button="fb:t:khai-sinh:down"))
    comment = (f"thiếu chỗ ghi mã {DOSSIER_NATIONAL}, gọi {PHONE_SPACED}, tôi tên {CHILD} "
               f"ở ấp {HAMLET}")
    await assistant.handle(Incoming("telegram", user, text=comment))
    await assistant.handle(Incoming("telegram", user, button="flow:tra-cuu-ho-so"))
    await assistant.handle(Incoming("telegram", user, text="1"))
    await assistant.handle(Incoming("telegram", user, text=DOSSIER_NATIONAL))


async def test_no_raw_personal_data_in_database_wal_or_journal(tmp_path: Path, brain: Brain,
                                                               config: Config) -> None:
    db = tmp_path / "dvcbot.sqlite3"
    store = SQLiteStore(db)
    await store.open()
    assistant = Assistant(brain, store, config, Pseudonymizer(b"k" * 32))
    await _feed(assistant)
    assert Path(str(db) + "-wal").exists()  # the turns sit in the WAL right now
    while_open = _disk_bytes(db)
    await store.close()
    after_close = _disk_bytes(db)
    stats_store = SQLiteStore(db)
    await stats_store.open()
    turns = (await stats_store.log_stats(ReportQuery())).turns
    await stats_store.close()
    assert turns >= len(MESSAGES) + 5  # the turns were logged, only redacted
    for raw in RAW:
        for blob in (while_open, after_close):
            assert raw.encode() not in blob, raw
    assert "[số điện thoại]".encode() in after_close  # the placeholders were stored instead


TOKEN = "7012345678:AAH4sX_realistic-Token-Value-0123456789"


@pytest.fixture
def redacting_logs() -> Iterator[None]:
    """What `dvcbot` does at start-up: every record cleaned, the token known as a secret."""
    logfilter.install([TOKEN])
    yield
    logfilter.uninstall()


async def test_nothing_raw_in_debug_logs_through_the_telegram_channel(
        tmp_path: Path, brain: Brain, config: Config, caplog: pytest.LogCaptureFixture,
        redacting_logs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    caplog.set_level(logging.DEBUG)
    api = FakeBotAPI(token=TOKEN)
    await api.start()
    db = tmp_path / "bot.sqlite3"
    store = SQLiteStore(db)
    await store.open()
    channel = TelegramChannel(TelegramConfig(base_url=api.base_url), TOKEN, "", poll_timeout=1)
    http = HttpServer("127.0.0.1", 0)
    try:
        await channel.start(Assistant(brain, store, config, Pseudonymizer(b"k" * 32)), http)
        logging.getLogger("httpx").setLevel(logging.DEBUG)  # the channel quiets it: undo
        for text in MESSAGES:
            api.say(4242, text)
            await api.wait_for("sendMessage", len(api.texts(4242)) + 1, chat_id=4242)
        await asyncio.sleep(0.1)
    finally:
        await channel.stop()
        await store.close()
        await api.close()
        logging.getLogger("httpx").setLevel(logging.WARNING)
    logged = caplog.text
    assert "DEBUG" in logged and "getUpdates" in logged  # the libraries really talked
    assert "[bí mật]" in logged  # PTB's "Set Bot API URL" line, masked
    for raw in [*(r for r in RAW if r != "citizen-telegram-id-777"), TOKEN, TOKEN[11:]]:
        assert raw not in logged, raw
        assert raw.encode() not in _disk_bytes(db), raw
