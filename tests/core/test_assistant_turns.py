"""Assistant.handle end to end on the bundled knowledge: answers, menus, deep links, misses."""

from __future__ import annotations

import copy

import pytest

from bot.core import texts
from bot.core.assistant import Assistant
from bot.core.models import MAX_PAYLOAD_BYTES, Reply
from bot.language.facets import FACET_LABELS, FACETS
from bot.privacy.pseudonym import Pseudonymizer

TEST_KEY = b"turns-test-key-0123456789abcdef"

MAIN_MENU_PAYLOADS = ["grp:procedures", "grp:vneid", "top:thanh-toan", "top:buu-chinh",
                      "top:tra-cuu-ho-so", "top:phan-anh-kien-nghi", "top:lua-dao"]


def last(replies: list[Reply]) -> Reply:
    assert replies, "the assistant must always answer"
    return replies[-1]


def is_main_menu(reply: Reply) -> bool:
    payloads = [b.payload for b in reply.buttons]
    return payloads[:len(MAIN_MENU_PAYLOADS)] == MAIN_MENU_PAYLOADS


async def test_birth_registration_question_gets_the_birth_topic(assistant, store, say) -> None:
    replies = await say(assistant, "lam giay khai sinh cho con")
    assert "Đăng ký khai sinh" in last(replies).text
    turn = store.turns[-1]
    assert (turn.outcome, turn.topic, turn.kind) == ("answer", "khai-sinh", "text")
    assert turn.normalized == "lam giay khai sinh cho con"


async def test_answer_leads_with_the_asked_facet(assistant, brain, store, say) -> None:
    replies = await say(assistant, "đăng ký tạm trú ở đâu")
    topic = brain.kb.topics["tam-tru"]
    assert "where" in topic.facets
    lines = last(replies).text.splitlines()
    assert lines[0] == f"📌 {topic.title}"
    assert lines[1] == f"{FACET_LABELS['where']}:"
    payloads = [b.payload for b in last(replies).buttons]
    # Issue 15: every facet keeps its place (and number), the shown one included.
    assert [p for p in payloads if p.startswith("fac:")] == [
        f"fac:tam-tru:{f}" for f in FACETS if f in topic.facets]
    assert "fac:tam-tru:documents" in payloads and payloads[-1] == "menu"
    assert (store.turns[-1].topic, store.turns[-1].facet) == ("tam-tru", "where")


async def test_suggested_topic_with_a_facet_leads_with_it(assistant, brain, press) -> None:
    topic = brain.kb.topics["can-cuoc"]
    reply = last(await press(assistant, "top:can-cuoc:time"))
    assert reply.text.splitlines()[:2] == [f"📌 {topic.title}", f"{FACET_LABELS['time']}:"]


async def test_answers_fit_a_phone_screen_and_payloads_fit_telegram(assistant, brain,
                                                                     press) -> None:
    for topic_id in brain.kb.topics:
        reply = last(await press(assistant, f"top:{topic_id}"))
        assert len(reply.text) <= 700, topic_id
        for button in reply.buttons:
            assert len(button.payload.encode()) <= MAX_PAYLOAD_BYTES


async def test_facet_button_shows_that_facet_in_full(assistant, brain, press) -> None:
    topic = brain.kb.topics["khai-sinh"]
    reply = last(await press(assistant, "fac:khai-sinh:documents"))
    assert reply.text.startswith(f"📌 {topic.title} · {FACET_LABELS['documents']}")
    assert topic.facets["documents"].splitlines()[0] in reply.text


@pytest.mark.parametrize("greeting", ["xin chào", "Chào bạn!", "hello", "alo", "chaooo"])
async def test_greetings_get_a_friendly_reply_and_the_menu(assistant, store, say,
                                                           greeting: str) -> None:
    reply = last(await say(assistant, greeting))
    assert reply.text == texts.GREETING_BACK
    assert is_main_menu(reply)
    assert store.turns[-1].outcome == "greeting" and store.turns[-1].topic is None


@pytest.mark.parametrize("thanks", ["cảm ơn", "cam on nhieu", "thanks", "tks", "thank"])
async def test_thanks_get_a_friendly_reply_and_the_menu(assistant, store, say,
                                                        thanks: str) -> None:
    reply = last(await say(assistant, thanks))
    assert reply.text == texts.THANKS_BACK
    assert is_main_menu(reply)
    assert store.turns[-1].topic is None


async def test_every_bundled_greeting_and_thanks_is_recognised(assistant, brain, store,
                                                               say) -> None:
    for text in [*brain.kb.greetings, *brain.kb.thanks]:
        await say(assistant, text)
        assert store.turns[-1].outcome in ("greeting", "thanks", "menu"), text
        assert store.turns[-1].topic is None, text


async def test_topic_words_are_not_mistaken_for_thanks(assistant, store, say) -> None:
    # "tks" (thanks) repaired like a typo would read as "tk" → "tai khoan" (account).
    await say(assistant, "tai khoan")
    assert store.turns[-1].outcome not in ("thanks", "greeting")


@pytest.fixture
def unsure(brain, store, config, clock) -> Assistant:
    """An assistant that never answers directly: every plausible match becomes a close call."""
    cfg = copy.deepcopy(config)
    cfg.matching.answer_threshold = 100.1
    return Assistant(brain, store, cfg, Pseudonymizer(TEST_KEY), clock)


async def test_close_call_offers_up_to_three_choices_and_none_of_these(unsure, store, say,
                                                                       press) -> None:
    reply = last(await say(unsure, "làm giấy khai sinh cho con"))
    assert reply.text == texts.SUGGEST
    topics = [b for b in reply.buttons if b.payload.startswith("top:")]
    assert 1 <= len(topics) <= 3
    assert "top:khai-sinh" in [b.payload for b in topics]
    assert reply.buttons[-1].label == texts.NONE_OF_THESE
    assert [b.payload for b in reply.buttons] == [*(b.payload for b in topics), "none"]
    assert store.turns[-1].outcome == "suggest"
    answer = last(await say(unsure, "1"))  # typed number presses the first choice
    assert answer.text.startswith("📌 ")
    assert store.turns[-1].topic == topics[0].payload.split(":")[1]
    await say(unsure, "làm giấy khai sinh cho con")
    fallback = last(await say(unsure, str(len(reply.buttons))))  # "none of these"
    assert fallback.text == texts.MISS
    assert store.turns[-1].outcome == "none_of_these"


async def test_suggestions_keep_the_asked_facet(unsure, say) -> None:
    reply = last(await say(unsure, "đăng ký tạm trú ở đâu"))
    assert reply.text == texts.SUGGEST
    assert reply.buttons[0].payload == "top:tam-tru:where"
    assert all(b.payload.endswith(":where") for b in reply.buttons[:-1])


@pytest.mark.parametrize("nonsense", ["asdkjh qwe zxcv", "con mèo của tôi tên là mướp",
                                      "blah blah blah"])
async def test_nonsense_gets_the_honest_fallback(assistant, store, say, nonsense: str) -> None:
    reply = last(await say(assistant, nonsense))
    assert reply.text == texts.MISS
    assert [link.url for link in reply.links] == ["https://dichvucong.gov.vn"]
    assert [b.payload for b in reply.buttons] == ["top:ho-tro", "menu"]
    assert store.turns[-1].outcome == "miss" and store.turns[-1].topic is None


HOSTILE = {
    "emoji": "😀🙏👍🔥",
    "huge": "khai sinh " * 1000 + "x" * 5000,
    "sql": "'; DROP TABLE sessions; -- OR 1=1 /*",
    "control": "\x00\x07\x1b[31mxin\x08 chao\x7f\u200b\ufeff",
    "html": "<script>alert('xss')</script><img src=x onerror=alert(1)>",
    "rtl": "\u202eđăng ký\u202c",
    "surrogates": "xin chao \ud800\udcff \uffff",
    "only_spaces": "   \t  ",
    "punctuation": "??!!...,,;;",
    "numbers": "99999999999999999999",
}


@pytest.mark.parametrize("off_topic", ["thời tiết hôm nay thế nào", "giá vàng hôm nay",
                                       "kể chuyện cười đi", "ai vô địch world cup 2022"])
async def test_off_topic_questions_are_never_answered_as_a_topic(assistant, store, say,
                                                                 off_topic: str) -> None:
    await say(assistant, off_topic)
    assert store.turns[-1].outcome in ("miss", "suggest")


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_or_garbled_messages_get_a_polite_reply(assistant, store, say,
                                                              name: str) -> None:
    replies = await say(assistant, HOSTILE[name])
    assert replies and all(r.text.strip() for r in replies)
    turn = store.turns[-1]
    assert turn.outcome != "error", "the turn crashed and was covered by the fallback"
    assert turn.text is None or len(turn.text) <= 2000


async def test_emoji_only_is_read_as_unreadable(assistant, say) -> None:
    reply = last(await say(assistant, "😀🙏"))
    assert reply.text == texts.GARBLED
    assert [b.payload for b in reply.buttons] == ["menu"]


async def test_a_typed_number_presses_the_button(assistant, say) -> None:
    menu = last(await say(assistant, "/menu"))
    assert menu.buttons[0].payload == "grp:procedures"
    groups = last(await say(assistant, "1"))
    assert groups.text == texts.PROCEDURE_GROUPS
    # A number that matches no button is treated as text, not as a crash.
    assert await say(assistant, "42")


async def test_numbers_press_the_last_reply_only(assistant, say) -> None:
    await say(assistant, "lam giay khai sinh cho con")
    reply = last(await say(assistant, "2"))  # 1 is the flow button, 2 the first facet
    assert reply.text.startswith("📌 Đăng ký khai sinh · ")


async def test_only_the_last_reply_carries_buttons(assistant, say) -> None:
    replies = await say(assistant, "mã OTP của tôi là 123456 làm căn cước")
    assert len(replies) >= 2
    assert all(not r.buttons for r in replies[:-1])
    assert replies[-1].buttons


async def test_menu_and_help(assistant, store, say) -> None:
    for command in ("/menu", "menu", "Menu chính"):
        reply = last(await say(assistant, command))
        assert reply.text == texts.MENU and is_main_menu(reply)
    for command in ("/help", "/tro_giup", "trợ giúp"):
        reply = last(await say(assistant, command))
        assert reply.text == texts.HELP and is_main_menu(reply)
    assert store.turns[-1].outcome == "help"


async def test_main_menu_covers_the_required_entries(assistant, brain, press) -> None:
    reply = last(await press(assistant, "menu"))
    assert is_main_menu(reply)
    payloads = [b.payload for b in reply.buttons]
    groups = [brain.kb.groups[p[4:]] for p in payloads if p[4:] in brain.kb.groups]
    human = "top:ho-tro" in payloads or any("ho-tro" in g.topics for g in groups)
    assert human, "human help must be reachable from the main menu"
    procedures = last(await press(assistant, "grp:procedures"))
    assert procedures.text == texts.PROCEDURE_GROUPS
    assert [b.payload for b in procedures.buttons][:-1] == [
        f"grp:{g}" for g in brain.kb.procedure_groups]
    group = last(await press(assistant, "grp:ho-tich"))
    assert "top:khai-sinh" in [b.payload for b in group.buttons]


async def test_deep_link_to_a_topic(assistant, store, say, start) -> None:
    for reply in (last(await start(assistant, "khai-sinh")),
                  last(await say(assistant, "/start khai-sinh"))):
        assert reply.text.startswith("📌 Đăng ký khai sinh")
        assert store.turns[-1].topic == "khai-sinh"


@pytest.mark.parametrize("payload", ["", "khong-co-chu-de-nay", "flow-khong-co",
                                     "../../etc/passwd", "<script>alert(1)</script>",
                                     "a" * 300, "khai sinh", "%00%ff", "flow-", "__",
                                     "top:khai-sinh", "😀"])
async def test_unknown_or_malformed_deep_links_open_the_welcome_menu(assistant, store, say,
                                                                     start, payload) -> None:
    for reply in (last(await start(assistant, payload)),
                  last(await say(assistant, f"/start {payload}"))):
        assert reply.text == texts.WELCOME
        assert is_main_menu(reply)
        assert store.turns[-1].outcome == "start"


async def test_stale_or_forged_buttons_reopen_the_menu(assistant, store, press) -> None:
    for payload in ("st:vneid-dang-nhap:khong-co:1", "top:khong-co", "fac:khai-sinh:gia",
                    "fb:t:khong-co:up", "fb:f:khong-co:down", "grp:khong-co", "nav:back",
                    "x" * 64, ":::"):
        reply = last(await press(assistant, payload))
        assert reply.text == texts.STALE_BUTTON and is_main_menu(reply)
        assert store.turns[-1].outcome == "stale_button"


async def test_thumbs_down_asks_why_and_stores_the_comment_redacted(assistant, store, press,
                                                                    say) -> None:
    await press(assistant, "top:khai-sinh")
    ask = last(await press(assistant, "fb:t:khai-sinh:down"))
    assert ask.text == texts.FEEDBACK_WHAT
    thanks = last(await say(assistant, "thiếu số điện thoại, gọi tôi 0912345678"))
    assert thanks.text == texts.FEEDBACK_COMMENT_THANKS
    ratings = [(f.rating, f.topic) for f in store.feedback]
    assert ratings == [(-1, "khai-sinh"), (0, "khai-sinh")]
    assert "0912345678" not in (store.feedback[-1].comment or "")
    assert "0912345678" not in repr(store.turns) + repr(store.sessions)


async def test_thumbs_up_thanks_and_shows_the_menu(assistant, store, press) -> None:
    reply = last(await press(assistant, "fb:t:can-cuoc:up"))
    assert reply.text == texts.FEEDBACK_THANKS and is_main_menu(reply)
    assert store.feedback[-1].rating == 1


async def test_secrets_are_never_stored(assistant, store, say) -> None:
    replies = await say(assistant, "mat khau vneid cua toi la Abc@12345 va otp 834211")
    assert replies[0].text == texts.SAFETY
    stored = repr(store.turns) + repr(store.sessions)
    assert "Abc@12345" not in stored and "834211" not in stored


async def test_users_are_pseudonymous_in_storage(assistant, store, say) -> None:
    await say(assistant, "xin chao", user="123456789")
    assert store.turns[-1].user_key != "123456789"
    assert "123456789" not in repr(store.sessions)
