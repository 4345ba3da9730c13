"""Issue 15 item 3: short facet or follow-up questions inside a guide refer to its topic first."""

from __future__ import annotations

import pytest

FLOW = "khai-sinh-truc-tuyen"


@pytest.mark.parametrize(("question", "facet"), [
    ("le phi bao nhieu", "fee"),
    ("quá hạn có bị phạt không", None),
    ("mất bao lâu", "time"),
    ("cần giấy tờ gì", "documents"),
])
async def test_a_short_question_in_a_guide_is_about_its_topic(assistant, say, store, question,
                                                              facet) -> None:
    await say(assistant, f"/start flow-{FLOW}")
    replies = await say(assistant, question)
    turn = store.turns[-1]
    assert turn.topic == "khai-sinh", replies[-1].text
    assert turn.outcome == "answer"
    if facet:
        assert turn.facet == facet
    assert replies[-1].buttons[-1].payload == "nav:resume"  # and the way back to the guide


@pytest.mark.parametrize(("question", "topic"), [
    ("đổi bằng lái xe hết hạn ở đâu", "giay-phep-lai-xe"),
    ("phí làm căn cước bao nhiêu", "can-cuoc"),
])
async def test_a_question_naming_another_topic_is_answered_on_that_topic(
        assistant, say, store, question, topic) -> None:
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, question)
    assert store.turns[-1].topic == topic


async def test_the_guide_button_under_an_answer_continues_the_guide_in_progress(
        assistant, brain, say, press, store) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    here = store.turns[-1].step_id
    assert here != flow.start
    await say(assistant, "le phi bao nhieu")
    replies = await press(assistant, f"flow:{FLOW}")
    assert store.turns[-1].step_id == here  # not back to the first screen
    assert replies[-1].text.startswith(flow.steps[here].text)


async def test_typing_the_guide_buttons_number_also_continues(assistant, brain, say,
                                                              store) -> None:
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    here = store.turns[-1].step_id
    answer = (await say(assistant, "le phi bao nhieu"))[-1]
    number = [b.payload for b in answer.buttons].index(f"flow:{FLOW}") + 1
    await say(assistant, str(number))
    assert store.turns[-1].step_id == here
