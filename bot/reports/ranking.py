"""The outreach-needs ranking: which topics most need posters, staff briefings, better text.

    score(t) = questions(t) + 2 × near_misses(t) + 3 × thumbs_down(t) + 2 × abandoned(t)
    index(t) = 100 × score(t) / max score

questions: direct answers about the topic (typed, menu or deep link); near_misses: "did you
mean" suggestions led by the topic and "none of these" after them; thumbs_down: 👎 on the
topic's answers and on its guided flows; abandoned: runs of the topic's flows left before
the end (silently or with "thoát"). Every term counts citizens' turns, so the score reads
as "citizen-events, with struggles weighted 2-3× plain interest".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from bot.flows.loader import Flow
from bot.reports.funnels import Funnel

WEIGHTS = {"questions": 1, "near_misses": 2, "thumbs_down": 3, "abandoned": 2}


@dataclass
class Need:
    """One topic's row in the ranking."""

    topic: str
    title: str
    questions: int
    near_misses: int
    thumbs_down: int
    abandoned: int
    score: int
    index: int = 0


def rank_needs(topic_outcomes: list[tuple[str, str, int]],
               feedback: list[tuple[str | None, str | None, int, int]],
               funnels: list[Funnel], flows: Mapping[str, Flow],
               titles: Mapping[str, str]) -> list[Need]:
    """Combine volume, near-misses, negative feedback and abandonment per topic.

    Args:
        topic_outcomes: LogStats.topics rows (topic, outcome, turns).
        feedback: LogStats.feedback rows (topic, flow, up, down).
        funnels: built funnels.
        flows: flows by id (their `topics` link flow feedback and abandonment to topics).
        titles: topic titles.

    Returns:
        Topics by descending score, with `index` scaled to the top topic (100).
    """
    questions: Counter[str] = Counter()
    near: Counter[str] = Counter()
    down: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for topic, outcome, n in topic_outcomes:
        if outcome == "answer":
            questions[topic] += n
        elif outcome in ("suggest", "none_of_these"):
            near[topic] += n
    for about, flow, _, n_down in feedback:
        for t in _topics_of(about, flow, flows):
            down[t] += n_down
    for funnel in funnels:
        for t in _topics_of(None, funnel.flow, flows):
            left[t] += funnel.abandoned + funnel.cancelled
    needs = []
    for topic in set(questions) | set(near) | set(down) | set(left):
        score = (WEIGHTS["questions"] * questions[topic] + WEIGHTS["near_misses"] * near[topic]
                 + WEIGHTS["thumbs_down"] * down[topic] + WEIGHTS["abandoned"] * left[topic])
        if score > 0:
            needs.append(Need(topic, titles.get(topic, topic), questions[topic], near[topic],
                              down[topic], left[topic], score))
    needs.sort(key=lambda n: (-n.score, n.topic))
    top = needs[0].score if needs else 0
    for need in needs:
        need.index = round(100 * need.score / top) if top else 0
    return needs


def _topics_of(topic: str | None, flow: str | None, flows: Mapping[str, Flow]) -> list[str]:
    if topic:
        return [topic]
    if flow and flow in flows:
        return list(flows[flow].topics)
    return []
