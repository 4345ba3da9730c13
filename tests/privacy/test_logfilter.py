"""Every log record is redacted and every secret masked, whichever logger wrote it."""

import logging
from collections.abc import Iterator

import pytest

from bot.privacy import logfilter

TOKEN = "7012345678:AAH4sX_realistic-Token-Value-0123456789"


@pytest.fixture
def installed() -> Iterator[None]:
    logfilter.install(["webhook-Secret-42"])
    yield
    logfilter.uninstall()


def test_records_of_any_logger_and_level_are_cleaned(installed, caplog) -> None:
    caplog.set_level("DEBUG")


    logging.getLogger("telegram.ext.ExtBot").debug("Set Bot API URL: https://api.telegram.org/bot%s",
                                                   TOKEN)
    logging.getLogger("httpx").info('HTTP Request: POST https://x/bot%s/getMe "200"', TOKEN)
    logging.getLogger("bot.core").warning("text=%r", "tôi tên là Nguyễn Văn An sđt 0912345678")
    logging.getLogger("aiohttp.access").error("X-Secret: webhook-Secret-42 from %s", "peer")
    logging.getLogger("telegram").debug("User(first_name='Mai', username='mai85', id=1)")
    logging.getLogger("zalo").info('{"access_token": "abc.DEF-123456", "x": 1}')
    text = caplog.text
    for raw in (TOKEN, "AAH4sX", "Nguyễn Văn An", "0912345678", "webhook-Secret-42", "mai85",
                "'Mai'", "abc.DEF-123456"):
        assert raw not in text, raw
    assert "[bí mật]" in text and "[họ tên]" in text and "[số điện thoại]" in text


def test_tracebacks_are_cleaned(installed, caplog) -> None:


    try:
        raise ValueError(f"bad url https://api.telegram.org/bot{TOKEN}/x for 0912345678")
    except ValueError:
        logging.getLogger("telegram.ext.Updater").exception("network loop failed")
    assert TOKEN not in caplog.text and "0912345678" not in caplog.text
    assert "ValueError" in caplog.text  # the traceback itself is kept


def test_uninstalled_means_untouched(caplog) -> None:


    logging.getLogger("bot").warning("sđt 0912345678")
    assert "0912345678" in caplog.text  # the test above really depends on install()
