"""Issue 15 item 5: a suggestion shares a meaningful word with the question, else the fallback."""

from __future__ import annotations

import pytest

from bot.core import texts
from bot.matching.decide import decide
from bot.matching.evaluate import load_set
from bot.matching.overlap import meaningful
from tests.matching.test_eval import DATA, SETS


@pytest.mark.parametrize("question", ["xin giay xac nhan ho ngheo",
                                      "vay von ngan hang chinh sach"])
async def test_absurd_suggestions_give_way_to_the_honest_fallback(assistant, store, say,
                                                                  question) -> None:
    replies = await say(assistant, question)
    assert store.turns[-1].outcome == "miss"
    assert replies[-1].text == texts.MISS
    assert all("hôn nhân" not in b.label for b in replies[-1].buttons)


async def test_a_real_near_miss_still_gets_its_suggestion(assistant, store, say) -> None:
    await say(assistant, "giay xac nhan doc than")
    assert store.turns[-1].topic == "xac-nhan-hon-nhan"


def test_no_right_suggestion_in_the_labelled_sets_is_dropped(brain, config) -> None:
    dropped = []
    for name in SETS:
        for item in load_set(DATA / name):
            result = brain.index.match(item["text"])
            decision = decide(result, config.matching)
            gold = item.get("topic")
            if decision.outcome == "suggest" and gold in decision.suggestions and gold not in \
                    meaningful(brain.index, brain.kb, result.tokens, decision.suggestions):
                dropped.append(item["text"])
    assert not dropped
