"""A bare facet question ("phí bao nhiêu?") after an answer refers to the same topic."""

from __future__ import annotations

import pytest


async def test_facet_follow_up_uses_the_last_topic(assistant, say, store, clock) -> None:
    await say(assistant, "lam giay khai sinh cho con")
    assert store.turns[-1].topic == "khai-sinh"
    replies = await say(assistant, "phi bao nhieu")
    assert store.turns[-1].topic == "khai-sinh"
    assert store.turns[-1].facet == "fee"
    assert store.turns[-1].outcome == "answer"
    assert "Phí, lệ phí" in replies[-1].text


async def test_follow_up_expires(assistant, say, store, clock) -> None:
    await say(assistant, "lam giay khai sinh cho con")
    clock.advance(hours=3)
    await say(assistant, "phi bao nhieu")
    assert store.turns[-1].outcome != "answer"


async def test_follow_up_is_per_citizen(assistant, say, store) -> None:
    await say(assistant, "lam giay khai sinh cho con", user="a")
    await say(assistant, "phi bao nhieu", user="b")
    assert store.turns[-1].outcome != "answer"


async def test_a_new_topic_is_not_taken_as_a_follow_up(assistant, say, store) -> None:
    await say(assistant, "lam giay khai sinh cho con")
    await say(assistant, "doi bang lai xe het han o dau")
    assert store.turns[-1].topic == "giay-phep-lai-xe"


async def test_a_question_after_the_flow_expiry_is_answered_with_the_way_back(
        assistant, say, store, clock) -> None:
    await say(assistant, "/start flow-vneid-dang-nhap")
    await say(assistant, "1")
    clock.advance(hours=30)
    replies = await say(assistant, "đổi bằng lái xe hết hạn ở đâu")
    assert store.turns[-1].topic == "giay-phep-lai-xe"
    assert replies[-1].buttons[-1].payload == "nav:resume"


@pytest.mark.parametrize(("question", "topic"), [
    ("phi lam lai can cuoc bi mat bao nhieu", "can-cuoc"),
    ("phi lam cccd", "can-cuoc"),
    ("nop ho so online the nao", "nop-truc-tuyen"),
])
async def test_a_facet_question_naming_another_topic_is_not_a_follow_up(
        assistant, say, store, question, topic) -> None:
    await say(assistant, "dang ky tam tru")
    await say(assistant, question)
    assert store.turns[-1].topic == topic


@pytest.mark.parametrize("question", ["bao lau co the can cuoc", "o dau lam so do"])
async def test_a_named_topic_is_at_least_suggested(assistant, say, store, question) -> None:
    await say(assistant, "dang ky tam tru")
    await say(assistant, question)
    assert store.turns[-1].topic != "tam-tru"


@pytest.mark.parametrize("question", ["thoi gian giai quyet", "can ban goc ko",
                                      "nop o cong an xa dc ko", "nop online duoc ko"])
async def test_generic_facet_questions_stay_follow_ups(assistant, say, store,
                                                       question) -> None:
    await say(assistant, "dang ky tam tru")
    await say(assistant, question)
    assert store.turns[-1].topic == "tam-tru"
    assert store.turns[-1].outcome == "answer"
