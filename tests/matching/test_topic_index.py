"""The topic index: content words, ranking, greetings, and the three-outcome decision rule."""

from __future__ import annotations

import pytest

from bot.config import MatchingConfig
from bot.language.facets import FacetDetector
from bot.matching.decide import decide
from bot.matching.index import Candidate, MatchResult


def test_cue_phrases_go_whole_and_topic_words_stay() -> None:
    detector = FacetDetector({"documents": ["ho so gom"], "where": ["o dau", "online duoc khong"]})
    tokens = ["nop", "ho", "so", "online", "o", "dau"]
    assert detector.without_cues(tokens) == ["nop", "ho", "so", "online"]
    assert detector.without_cues(["ho", "so", "gom", "gi"]) == ["gi"]


@pytest.mark.parametrize(("question", "words"), [
    ("nộp hồ sơ online ở đâu", {"ho", "so", "online"}),
    ("tra cứu hồ sơ", {"tra", "cuu", "ho", "so"}),
    ("thanh toán lệ phí bao nhiêu tiền", {"thanh", "toan"}),
])
def test_content_keeps_the_words_that_name_a_topic(brain, question: str, words: set) -> None:
    index = brain.index
    assert words <= set(index.content(index.normalizer.tokens(question)))


@pytest.mark.parametrize(("question", "topic"), [
    ("lam giay khai sinh cho con", "khai-sinh"),
    ("Làm giấy khai sinh cho con ở đâu?", "khai-sinh"),
    ("dk ks cho be", "khai-sinh"),
    ("lam cccd o dau", "can-cuoc"),
    ("đổi gplx online", "giay-phep-lai-xe"),
    ("dang ky tam tru", "tam-tru"),
])
def test_clear_questions_rank_their_topic_first(brain, question: str, topic: str) -> None:
    result = brain.index.match(question)
    assert result.best is not None and result.best.topic_id == topic


@pytest.mark.parametrize("question", ["dang ky", "thu tuc"])
def test_generic_words_alone_are_not_answered_directly(brain, config, question: str) -> None:
    assert decide(brain.index.match(question), config.matching).topic is None


def test_scores_are_ranked_and_bounded(brain) -> None:
    result = brain.index.match("lam ho chieu bao lau")
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 100 for s in scores)
    assert result.facet == "time"
    assert brain.index.match("😀😀😀").candidates == ()


def _result(*scores: float) -> MatchResult:
    cands = tuple(Candidate(f"t{i}", s, 0.0, 0.0) for i, s in enumerate(scores))
    return MatchResult("", (), (), "fee", cands)


CFG = MatchingConfig(answer_threshold=62, suggest_threshold=40, margin=6, max_suggestions=3)


def test_decide_answers_a_confident_clear_winner() -> None:
    decision = decide(_result(80, 60), CFG)
    assert (decision.outcome, decision.topic, decision.suggestions) == ("answer", "t0", ())
    assert decision.facet == "fee"


def test_decide_suggests_at_most_three_on_a_close_call() -> None:
    decision = decide(_result(80, 78, 77, 76, 75), CFG)
    assert decision.outcome == "suggest" and decision.topic is None
    assert decision.suggestions == ("t0", "t1", "t2")


def test_decide_suggests_below_the_answer_threshold() -> None:
    decision = decide(_result(50, 20), CFG)
    assert decision.outcome == "suggest" and decision.suggestions == ("t0",)


def test_keyword_bonus_past_100_still_separates_the_winner() -> None:
    capped = MatchResult("", (), (), None, (Candidate("a", 100.0, 1, 90, 108.0),
                                            Candidate("b", 100.0, 1, 95, 100.0)))
    assert decide(capped, CFG).topic == "a"


def test_the_acceptance_question_is_answered_directly(brain, config) -> None:
    decision = decide(brain.index.match("lam giay khai sinh cho con"), config.matching)
    assert (decision.outcome, decision.topic) == ("answer", "khai-sinh")


def test_decide_misses_below_the_suggest_threshold() -> None:
    assert decide(_result(30, 10), CFG).outcome == "miss"
    assert decide(_result(), CFG).outcome == "miss"
