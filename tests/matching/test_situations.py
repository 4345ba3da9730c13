"""Situational words lent to questions, and catalogue procedures of a curated topic's fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.language.normalize import tokenize
from bot.matching.entries import code_of
from bot.matching.situations import SituationError, Situations


def test_a_lost_paper_lends_the_words_of_a_reissue() -> None:
    lent = Situations().lent(tokenize("giấy chứng nhận bị mất thì làm sao"))
    assert "cap lai" in lent and {"cap", "lai"} <= set(lent)


def test_takes_how_long_is_no_loss() -> None:
    assert Situations().lent(tokenize("làm hộ chiếu mất bao lâu")) == []


def test_words_the_question_holds_are_not_lent_again() -> None:
    lent = Situations().lent(tokenize("bị mất giấy phép, xin cấp lại"))
    assert "cap lai" not in lent and "cap" not in lent


def test_a_rule_without_its_words_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "situations.yaml"
    bad.write_text("rules:\n  - when: [bị mất]\n", encoding="utf-8")
    with pytest.raises(SituationError, match=r"situations.yaml: rule 1: needs"):
        Situations(bad)


@pytest.mark.parametrize(("question", "code"), [
    # The curated household-business topic answers registration; these name another of its
    # field's procedures by its own words.
    ("hộ kinh doanh của tôi muốn tạm ngừng kinh doanh hai tháng", "1.001570"),
    ("giấy chứng nhận đăng ký doanh nghiệp bị mất thì xin cấp lại ở đâu", "2.002018"),
])
def test_a_procedure_named_by_its_own_words_goes_before_the_topic(brain, question: str,
                                                                  code: str) -> None:
    best = brain.index.match(question).best
    assert best is not None and best.code == code


def test_the_topics_own_question_keeps_it_first_with_a_sibling_of_its_field_next(brain) -> None:
    result = brain.index.match("đăng ký khai sinh cho con")
    first, second = result.candidates[:2]
    assert first.topic_id == "khai-sinh"
    assert code_of(second.topic_id) is not None
    assert brain.index.entries[second.topic_id].field == "Hộ tịch"


def test_an_unnamed_revocation_or_removal_goes_behind_the_plain_issue(brain) -> None:
    best = brain.index.match("đăng ký tàu cá cần giấy tờ gì").best
    assert best is not None and best.code == "1.003650"  # not "Xóa đăng ký tàu cá"


def test_a_procedure_name_opens_with_its_marked_action(brain) -> None:
    actions = brain.index.actions
    assert actions.action("tthc-1.003681") == ("xoa",)  # Xóa đăng ký tàu cá...
    assert actions.action("tthc-1.003650") == ()  # Cấp giấy chứng nhận đăng ký tàu cá...
