"""Issue 15 item 6: only facets that fit the topic's kind are offered, named for that kind."""

from __future__ import annotations

import pytest

from bot.core.answers import facet_detail, topic_answer
from bot.language.facets import FACET_LABELS

PROCEDURE_ONLY = {FACET_LABELS["documents"], FACET_LABELS["time"], FACET_LABELS["fee"],
                  FACET_LABELS["where"]}


@pytest.mark.parametrize("topic_id", ["ho-tro", "vneid-su-co", "lua-dao", "vneid-dang-nhap"])
def test_guides_and_contacts_get_no_procedure_buttons(brain, topic_id) -> None:
    topic = brain.kb.topics[topic_id]
    assert topic.kind != "procedure"
    labels = {b.label for b in topic_answer(topic, None, []).buttons}
    assert not labels & PROCEDURE_ONLY, labels
    for facet in topic.facets:
        detail = {b.label for b in facet_detail(topic, facet, []).buttons}
        assert not detail & PROCEDURE_ONLY, detail


def test_contacts_offer_only_where_and_steps(brain) -> None:
    topic = brain.kb.topics["ho-tro"]
    payloads = [b.payload for b in topic_answer(topic, None, []).buttons]
    assert [p.split(":")[2] for p in payloads if p.startswith("fac:")] == ["where", "steps"]


def test_procedures_keep_their_usual_buttons(brain) -> None:
    topic = brain.kb.topics["khai-sinh"]
    labels = {b.label for b in topic_answer(topic, None, []).buttons}
    assert {FACET_LABELS["documents"], FACET_LABELS["time"]} <= labels
