"""Issue 15 item 1: a thumbs-down comment prompt never swallows the next question."""

from __future__ import annotations

from bot.core import texts


def _labels(reply) -> list[str]:
    return [b.label for b in reply.buttons]


async def test_a_clear_question_after_thumbs_down_is_answered(assistant, store, press,
                                                              say) -> None:
    replies = await press(assistant, "fb:t:khai-sinh:down")
    assert texts.FEEDBACK_SKIP in _labels(replies[-1])
    replies = await say(assistant, "phí làm căn cước bao nhiêu")
    assert store.turns[-1].outcome == "answer" and store.turns[-1].topic == "can-cuoc"
    assert all(r.text != texts.FEEDBACK_COMMENT_THANKS for r in replies)
    assert [f.rating for f in store.feedback] == [-1]


async def test_a_comment_with_an_id_number_is_kept_redacted_and_the_next_is_a_question(
        assistant, store, press, say) -> None:
    await press(assistant, "fb:t:can-cuoc:down")
    replies = await say(assistant, "tôi nhập số 001099012345 mà trang báo sai, hướng dẫn thiếu")
    assert texts.FEEDBACK_COMMENT_THANKS in replies[-1].text
    comment = store.feedback[-1]
    assert comment.rating == 0 and "001099012345" not in (comment.comment or "")
    assert "[" in (comment.comment or "")
    await say(assistant, "quên passcode")
    assert store.turns[-1].outcome != "feedback_comment"
    assert len(store.feedback) == 2


async def test_the_prompt_expires_after_a_short_while(assistant, store, press, say,
                                                      clock) -> None:
    await press(assistant, "fb:t:khai-sinh:down")
    clock.advance(15 * 60)
    await say(assistant, "hướng dẫn chưa rõ chỗ nộp")
    assert store.turns[-1].outcome != "feedback_comment"
    assert [f.rating for f in store.feedback] == [-1]


async def test_skip_ends_the_prompt(assistant, store, press, say) -> None:
    await press(assistant, "fb:t:khai-sinh:down")
    replies = await press(assistant, "skip")
    assert replies[-1].text == texts.FEEDBACK_THANKS
    await say(assistant, "thiếu phí")
    assert store.turns[-1].outcome != "feedback_comment"
