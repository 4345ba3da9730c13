"""The safety reply: secrets and ID numbers get a warning, and nothing raw is kept."""

import json

import pytest

from bot.core import texts


@pytest.mark.parametrize(("message", "raw"), [
    ("ma otp la 482913", "482913"),
    ("OTP của em: 739104 nhập vào đâu", "739104"),
    ("mat khau vneid cua toi la Hoang@2024", "Hoang@2024"),
    ("cccd 001099012345 lam lai the the nao", "001099012345"),
    ("số tài khoản 0011004123456 nộp phí được không", "0011004123456"),
])
async def test_secrets_get_the_safety_reply_and_are_not_stored(assistant, store, say, message,
                                                               raw) -> None:
    replies = await say(assistant, message)
    assert replies[0].text == texts.SAFETY
    assert "đừng gửi" in texts.SAFETY and "không cần" in texts.SAFETY
    turn = store.turns[-1]
    stored = json.dumps([turn.text, turn.normalized, store.sessions], ensure_ascii=False)
    assert raw not in stored
    assert turn.text and "[" in turn.text


async def test_phone_or_email_gets_the_gentler_notice(assistant, store, say) -> None:
    replies = await say(assistant, "sdt 0912345678 dang ky tam tru online")
    assert replies[0].text == texts.SAFETY_ID
    assert "0912345678" not in (store.turns[-1].text or "")


@pytest.mark.parametrize("message", ["quên mật khẩu vneid thì làm sao", "mật khẩu là gì",
                                     "làm giấy khai sinh cho con sinh năm 2025"])
async def test_ordinary_questions_get_no_warning(assistant, say, message) -> None:
    replies = await say(assistant, message)
    assert all(r.text not in (texts.SAFETY, texts.SAFETY_ID) for r in replies)


@pytest.mark.parametrize(("message", "notice"), [
    ("001099012345", texts.SAFETY),  # "[số định danh]" once matched "biển số định danh"
    ("025123456", texts.SAFETY),  # "[số CMND]" once answered the căn cước topic
    ("0912345678", texts.SAFETY_ID),
])
async def test_a_bare_number_is_not_read_as_a_question(assistant, store, say, message,
                                                       notice) -> None:
    replies = await say(assistant, message)
    assert replies[0].text == notice
    assert store.turns[-1].topic is None
    assert store.turns[-1].outcome == "safety"
    assert replies[-1].buttons  # the main menu: a way forward
