"""National procedure codes of ranked entries, and hit@1 / hit@3 on codes for a labelled set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import MatchingConfig
from bot.matching.decide import Decision, decide
from bot.matching.evaluate import percent
from bot.matching.index import Candidate, TopicIndex

MAX_CODES = 5


def entry_codes(index: TopicIndex, candidate: Candidate | None, entry_id: str) -> list[str]:
    """An entry's codes: the procedure that matched first, then the others it lists."""
    entry = index.entries.get(entry_id)
    listed = list(entry.codes) if entry is not None else []
    first = candidate.code if candidate is not None and candidate.topic_id == entry_id else None
    return list(dict.fromkeys([first, *listed] if first else listed))


def decision_codes(index: TopicIndex, candidates: tuple[Candidate, ...], decision: Decision
                   ) -> list[str]:
    """Codes of the answer and of each suggestion, in rank order, at most MAX_CODES."""
    by_id = {c.topic_id: c for c in candidates}
    ids = [decision.topic] if decision.topic else list(decision.suggestions)
    out: list[str] = []
    for eid in ids:
        out += entry_codes(index, by_id.get(eid), eid)
    return list(dict.fromkeys(out))[:MAX_CODES]


@dataclass
class CodeReport:
    """hit@1 / hit@3 on codes for questions with codes; rejection for those without."""

    positives: int = 0
    hit1: int = 0
    hit3: int = 0
    answered_right: int = 0
    negatives: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def rates(self) -> dict[str, float | int | None]:
        """Percentages (None where the set has no such questions) and counts."""
        pct = percent
        return {"hit1": pct(self.hit1, self.positives), "hit3": pct(self.hit3, self.positives),
                "answered_right": pct(self.answered_right, self.positives),
                "rejection": pct(self.rejected, self.negatives),
                "positives": self.positives, "negatives": self.negatives}


def evaluate_codes(index: TopicIndex, cfg: MatchingConfig, items: list[dict[str, Any]]
                   ) -> CodeReport:
    """Score a set of {"text", "codes"} lines; any listed code counts as a hit.

    Args:
        index: the index (curated topics and catalogue).
        cfg: matching thresholds.
        items: labelled questions; lines without a "codes" key are skipped.

    Returns:
        The report; an empty "codes" list marks a question nothing may answer directly.
    """
    report = CodeReport()
    for item in items:
        if "codes" not in item:
            continue
        gold = {str(c) for c in item["codes"]}
        result = index.match(item["text"])
        decision = decide(result, cfg)
        ranked = [entry_codes(index, c, c.topic_id) for c in result.candidates]
        if not gold:
            report.negatives += 1
            report.rejected += decision.topic is None
            if decision.topic is not None:
                report.errors.append({"error": "claimed", "text": item["text"],
                                      "got": decision.topic})
            continue
        report.positives += 1
        top1 = bool(ranked) and bool(gold & set(ranked[0]))
        report.hit1 += top1
        report.hit3 += any(gold & set(codes) for codes in ranked[:3])
        answered = entry_codes(index, result.best, decision.topic) if decision.topic else []
        report.answered_right += bool(gold & set(answered))
        if not top1:
            report.errors.append({"error": "code", "text": item["text"], "gold": sorted(gold),
                                  "ranked": [c.topic_id for c in result.candidates[:3]]})
    return report


def format_codes(report: CodeReport, max_errors: int = 50) -> str:
    """Human-readable figures and errors."""
    r = report.rates()
    lines = [f"codes: hit@1 {r['hit1']}%  hit@3 {r['hit3']}%  answered right "
             f"{r['answered_right']}%  rejection {r['rejection']}%  ({r['positives']} questions, "
             f"{r['negatives']} must-not-claim)"]
    for err in report.errors[:max_errors]:
        lines.append(f"  [{err['error']}] {err['text']!r}: gold {err.get('gold')} → "
                     f"{err.get('ranked') or err.get('got')}")
    return "\n".join(lines)
