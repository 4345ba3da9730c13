"""Feedback: thumbs after answers and at flow ends; a thumbs down asks what was missing."""

from bot.core import texts
from bot.core.models import Incoming, Reply


def _fb(reply: Reply) -> list[str]:
    return [b.payload for b in reply.buttons if b.payload.startswith("fb:")]


async def start_from_team_link(assistant) -> None:
    await assistant.handle(Incoming("test", "citizen", start_payload="khai-sinh__to-cntt-1"))


async def test_answers_carry_thumbs(assistant, say) -> None:
    replies = await say(assistant, "làm giấy khai sinh cho con")
    assert _fb(replies[-1]) == ["fb:t:khai-sinh:up", "fb:t:khai-sinh:down"]
    labels = [b.label for b in replies[-1].buttons]
    assert texts.FEEDBACK_UP in labels and texts.FEEDBACK_DOWN in labels


async def test_flow_ends_ask_if_it_was_useful(assistant, press, brain) -> None:
    flow = brain.flows["vneid-dang-nhap"]
    replies = await press(assistant, f"flow:{flow.id}")
    for _ in range(len(flow.steps)):
        if _fb(replies[-1]):
            break
        first_option = next(b.payload for b in replies[-1].buttons
                            if b.payload.startswith("st:"))
        replies = await press(assistant, first_option)
    assert texts.FEEDBACK_ASK in replies[-1].text
    assert _fb(replies[-1]) == [f"fb:f:{flow.id}:up", f"fb:f:{flow.id}:down"]


async def test_thumbs_up_is_recorded(assistant, store, press) -> None:
    replies = await press(assistant, "fb:t:khai-sinh:up")
    assert replies[-1].text == texts.FEEDBACK_THANKS
    assert [(f.rating, f.topic, f.comment) for f in store.feedback] == [(1, "khai-sinh", None)]


async def test_thumbs_down_asks_and_stores_the_redacted_comment(assistant, store, press,
                                                                say) -> None:
    await start_from_team_link(assistant)
    replies = await press(assistant, "fb:t:khai-sinh:down")
    assert replies[-1].text == texts.FEEDBACK_WHAT
    replies = await say(assistant, "thiếu phí, gọi tôi 0912345678 nhé")
    assert replies[-1].text == texts.FEEDBACK_COMMENT_THANKS
    down, comment = store.feedback
    assert (down.rating, down.topic, down.referral) == (-1, "khai-sinh", "to-cntt-1")
    assert (comment.rating, comment.topic) == (0, "khai-sinh")
    assert comment.comment == "thiếu phí, gọi tôi [số điện thoại] nhé"
    assert store.turns[-1].outcome == "feedback_comment"
    # The next message is a question again, not a second comment.
    await say(assistant, "đăng ký tạm trú")
    assert store.turns[-1].outcome == "answer" and len(store.feedback) == 2


async def test_flow_thumbs_down_comment_names_the_flow(assistant, store, press, say) -> None:
    await press(assistant, "fb:f:vneid-dang-nhap:down")
    await say(assistant, "không có bước quét mã QR")
    assert [(f.rating, f.flow_id, f.topic) for f in store.feedback] == [
        (-1, "vneid-dang-nhap", None), (0, "vneid-dang-nhap", None)]


async def test_no_comment_is_expected_after_moving_on_or_waiting(assistant, store, press, say,
                                                                 clock) -> None:
    await press(assistant, "fb:t:khai-sinh:down")
    await press(assistant, "menu")
    await say(assistant, "đăng ký tạm trú")
    assert store.turns[-1].outcome == "answer"
    await press(assistant, "fb:t:tam-tru:down")
    clock.advance(hours=2)
    await say(assistant, "đăng ký tạm trú")
    assert store.turns[-1].outcome == "answer"
    assert [f.rating for f in store.feedback] == [-1, -1]


async def test_a_secret_typed_as_comment_is_not_kept(assistant, store, press, say) -> None:
    await press(assistant, "fb:t:khai-sinh:down")
    replies = await say(assistant, "mã otp của tôi là 482913")
    assert replies[0].text == texts.SAFETY
    assert [f.rating for f in store.feedback] == [-1]
