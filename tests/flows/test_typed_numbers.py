"""Typed numbers press the buttons of every flow step: payloads survive the session scrub.

The session JSON is redacted before it is stored, and the buttons on screen are kept there so
that a typed "1" presses the first one (console, Zalo Bot Platform, long Zalo OA menus). A step
id such as "mk-nhap" ("mk" = mật khẩu) once read as a password cue and was replaced by
"[mật khẩu]", so every number typed on the password steps answered "Nút này đã cũ".
"""

from __future__ import annotations

from bot.core.brain import Brain
from bot.flows.engine import FlowEngine
from bot.privacy.redact import scrub


def test_every_button_payload_survives_the_scrub(brain: Brain) -> None:
    engine: FlowEngine = brain.engine
    payloads = []
    for flow in brain.flows.values():
        for step in flow.steps.values():
            payloads += [b.payload for b in engine.render(flow, step, True).buttons]
    for topic_id in brain.kb.topics:
        payloads += [f"top:{topic_id}", f"fac:{topic_id}:fee", f"fb:t:{topic_id}:down",
                     f"flow:{topic_id}"]
    damaged = [p for p in payloads if scrub(p) != p]
    assert not damaged


async def test_password_branch_walked_by_typed_numbers(assistant, say, store) -> None:
    await say(assistant, "/start flow-vneid-dang-nhap")
    await say(assistant, "2")  # Số định danh + mật khẩu
    assert store.turns[-1].step_id == "mk-mo-trang"
    await say(assistant, "1")  # Tôi đã mở trang
    assert store.turns[-1].outcome == "flow_step"
    assert store.turns[-1].step_id == "mk-chon-vneid"
    await say(assistant, "1")  # Đã thấy ô nhập số định danh
    assert store.turns[-1].step_id == "mk-nhap"


async def test_forgotten_password_walked_by_typed_numbers(assistant, say, store) -> None:
    await say(assistant, "/start flow-vneid-su-co")
    await say(assistant, "1")  # Quên mật khẩu
    await say(assistant, "1")  # Đã nhập xong
    assert store.turns[-1].step_id == "mk-xac-thuc"
    await say(assistant, "1")  # Xong, ứng dụng gửi mã OTP
    assert store.turns[-1].step_id == "mk-otp"
