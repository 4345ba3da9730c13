"""Known wrong answers of issue 10, kept fixed: a topic lists only the codes its text answers,
and a marked action (thu hồi) never answers a question that does not name it."""

from __future__ import annotations

from bot.matching.codes import decision_codes
from bot.matching.decide import decide


def test_a_foreign_marriage_is_not_answered_by_the_domestic_topic(brain, config) -> None:
    assert "2.000806" not in brain.kb.topics["ket-hon"].codes
    result = brain.index.match("đăng ký kết hôn có yếu tố nước ngoài mất bao lâu")
    decision = decide(result, config.matching)
    assert decision.topic != "ket-hon"
    assert decision_codes(brain.index, result.candidates, decision)[0] == "2.000806"


def test_a_plain_marriage_question_is_still_the_topic(brain, config) -> None:
    result = brain.index.match("đăng ký kết hôn mất bao lâu")
    assert decide(result, config.matching).topic == "ket-hon"


def test_a_licence_question_gets_an_issue_not_the_revocation(brain, config) -> None:
    revoke = "1.008614"  # Thu hồi chứng chỉ hành nghề luật sư
    assert brain.catalog.procedures[revoke].name.startswith("Thu hồi")
    result = brain.index.match("chứng chỉ hành nghề luật sư cần hồ sơ gì")
    assert result.best is not None and result.best.code != revoke
    assert brain.catalog.procedures[result.best.code or ""].name.startswith("Cấp")
    named = brain.index.match("thu hồi chứng chỉ hành nghề luật sư")
    assert named.best is not None and named.best.code == revoke
