"""Turn ranked candidates into one of three outcomes: answer, suggest, or miss."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import MatchingConfig
from bot.matching.index import MatchResult

SUGGEST_SPREAD = 15.0  # suggestions must be within this many points of the best


@dataclass(frozen=True)
class Decision:
    """What the assistant will do with a question."""

    outcome: str  # answer | suggest | miss
    topic: str | None
    score: float
    facet: str | None
    suggestions: tuple[str, ...]


def decide(result: MatchResult, cfg: MatchingConfig) -> Decision:
    """Pick the outcome for a match result.

    The margin rule compares unrounded ranking values (`Candidate.rank`), so two topics
    that both show 100 are still told apart when one is really ahead.

    Args:
        result: ranked candidates from TopicIndex.match.
        cfg: thresholds and margin.

    Returns:
        answer when the best topic is confident, clearly ahead of the runner-up and holds the
        question's subject (`MatchResult.unheld`, bot/matching/subject.py); suggest when some
        topics are plausible; miss otherwise.
    """
    cands = result.candidates
    if not cands:
        return Decision("miss", None, 0.0, result.facet, ())
    best = cands[0]
    runner_up = cands[1].key if len(cands) > 1 else 0.0
    if (best.score >= cfg.answer_threshold and best.key - runner_up >= cfg.margin
            and not result.unheld):
        return Decision("answer", best.topic_id, best.score, result.facet, ())
    plausible = tuple(c.topic_id for c in cands
                      if c.score >= cfg.suggest_threshold and best.key - c.key
                      <= SUGGEST_SPREAD)[:cfg.max_suggestions]
    if plausible:
        return Decision("suggest", None, best.score, result.facet, plausible)
    return Decision("miss", None, best.score, result.facet, ())
