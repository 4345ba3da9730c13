"""Inside a guide, a short facet or follow-up question is about the guide's topic first.

In the birth registration guide, "lệ phí bao nhiêu" asks the birth registration fee and "quá
hạn có bị phạt không" asks about late birth registration, not about passports.
"""

from __future__ import annotations

from typing import Any

from bot.core.brain import Brain
from bot.matching.decide import Decision
from bot.matching.index import MatchResult

SHORT_WORDS = 3  # words besides facet cues a question may have and still lean on the guide


def flow_topic(brain: Brain, session: dict[str, Any]) -> str | None:
    """The topic of the guide in progress, if any."""
    current = brain.engine.active(session)
    if current is None:
        return None
    return next((tid for tid in current[0].topics if tid in brain.kb.topics), None)


def about_flow_topic(brain: Brain, result: MatchResult, decision: Decision,
                     topic: str) -> bool:
    """True when the question is short and names no other topic, so it is about `topic`.

    Args:
        brain: the loaded knowledge and index.
        result: the matcher's result for the question.
        decision: what the matcher alone would do.
        topic: the guide's topic.
    """
    if result.outside:
        return False
    if not result.content:  # only facet cues ("cần giấy tờ gì"), or nothing to go on
        return result.facet is not None
    if decision.outcome == "answer" and decision.topic == topic:
        return True
    if brain.index.named_topics(result.tokens) - {topic}:
        return False  # "đổi bằng lái xe ở đâu" names its own topic
    cues = brain.index.facets.cue_words()
    other = [word for word in result.content if word not in cues]
    # Some evidence is needed: a facet cue, or a topic the matcher thought of ("quá hạn có bị
    # phạt không" matched passports); "tôi quay lại rồi" has neither.
    return len(other) <= SHORT_WORDS and (result.facet is not None or decision.outcome != "miss")
