"""Acceptance: personal data typed by citizens never reaches the SQLite files' bytes."""

from pathlib import Path

from bot.config import Config
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.base import ReportQuery
from bot.storage.sqlite import SQLiteStore

ID_NUMBER = "079090001234"
PHONE = "0987654321"
PHONE_SPACED = "0912 345 678"
EMAIL = "tran.thi.mai85@gmail.com"
DOSSIER = "000.00.19.H29-250101-0001"
DOSSIER_NATIONAL = "G22.99-250101-0001"
OTP = "482913"
RAW = [ID_NUMBER, PHONE, PHONE_SPACED, EMAIL, DOSSIER, DOSSIER_NATIONAL, OTP,
       "Mai@2024pass", "0011004123456", "citizen-telegram-id-777"]

MESSAGES = [
    f"số cccd của tôi {ID_NUMBER} bị sai ngày sinh thì làm sao",
    f"sdt {PHONE} gọi lại giúp em, email {EMAIL}",
    f"hồ sơ {DOSSIER} nộp tuần trước chưa thấy kết quả",
    f"ma otp la {OTP}",
    "mat khau vneid cua toi la Mai@2024pass",
    "stk vietcombank 0011004123456 chuyen le phi",
    f"/{PHONE}",
    f"/start khai-sinh__{PHONE}",
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
    comment = f"thiếu chỗ ghi mã {DOSSIER_NATIONAL}, gọi {PHONE_SPACED}"
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
