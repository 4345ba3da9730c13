"""Citizen text is plain Vietnamese: no reviewers' wording, abbreviations written out first."""

from __future__ import annotations

from bot.core import texts
from bot.knowledge.plain import citizen_texts, problems
from bot.offices import dialog


def _constants(module) -> list[tuple[str, str]]:
    return [(f"{module.__name__}.{name}", value) for name, value in vars(module).items()
            if name.isupper() and isinstance(value, str)]


def test_every_citizen_text_is_plain(brain) -> None:
    units = [*citizen_texts(brain.kb, brain.flows.values()), *_constants(texts),
             *_constants(dialog)]
    assert len(units) > 200
    assert problems(units) == []


def test_the_check_catches_research_wording_and_bare_abbreviations() -> None:
    found = problems([
        ("a", "Nguồn đã kiểm tra không nêu thời hạn cố định."),
        ("b", "Hỏi Phòng QLXNC Công an tỉnh."),
        ("c", "Phòng Quản lý xuất nhập cảnh (QLXNC) Công an tỉnh; QLXNC trả lời."),
        ("d", "Tra cứu Nghị định 70/2024/NĐ-CP và CSDL dân cư."),
    ])
    assert [f.split(":")[0] for f in found] == ["a", "a", "b", "d"]


async def test_legal_basis_sits_behind_a_button(assistant, say, press) -> None:
    first = (await say(assistant, "lam ho chieu mat bao lau"))[-1]
    assert "Thông tư 25/2021" not in first.text
    law = next(b for b in first.buttons if b.payload == "law:ho-chieu")
    detail = (await press(assistant, law.payload))[-1].text
    assert "Thông tư 25/2021/TT-BTC" in detail


async def test_money_received_is_labelled_as_such(assistant, say) -> None:
    text = (await say(assistant, "tro cap that nghiep duoc bao nhieu tien"))[-1].text
    assert "Mức hưởng:" in text and "Phí, lệ phí:" not in text
