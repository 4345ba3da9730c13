"""Staff commands /stats and /misses: a short report for staff, the usual help for others."""

from bot.core import texts
from bot.core.models import Incoming


async def _as(assistant, text: str, staff: bool, user: str = "officer"):
    return await assistant.handle(Incoming("telegram", user, text=text, is_staff=staff))


async def _some_traffic(assistant, say) -> None:
    await say(assistant, "làm giấy khai sinh cho con", user="a")
    await say(assistant, "cách nuôi cá cảnh trong bể kính", user="b")
    await say(assistant, "cach nuoi ca canh trong be kinh a", user="c")


async def test_stats_for_staff(assistant, store, say) -> None:
    await _some_traffic(assistant, say)
    replies = await _as(assistant, "/stats", staff=True)
    text = replies[-1].text
    assert text.startswith("📊 Thống kê 7 ngày qua")
    assert "Lượt tin: 3 · người dùng: 3" in text
    assert "Đăng ký khai sinh" in text
    assert store.turns[-1].outcome == "staff"


async def test_misses_for_staff_groups_similar_wording(assistant, say) -> None:
    await _some_traffic(assistant, say)
    text = (await _as(assistant, "/misses 30", staff=True))[-1].text
    assert "30 ngày qua" in text
    assert "cá cảnh" in text and "2 lượt" in text and "2 cách hỏi" in text


async def test_citizens_get_the_ordinary_reply(assistant, store, say) -> None:
    await _some_traffic(assistant, say)
    for command in ("/stats", "/misses", "/stats@dvcbot 30"):
        replies = await _as(assistant, command, staff=False, user="citizen")
        assert replies[-1].text == texts.HELP
        assert "Thống kê" not in replies[-1].text
        assert store.turns[-1].outcome == "help"


async def test_staff_commands_with_nothing_logged(assistant) -> None:
    text = (await _as(assistant, "/misses", staff=True))[-1].text
    assert "không có câu hỏi nào bị trượt" in text
