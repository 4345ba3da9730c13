"""Measure matching quality on a labelled question set (JSON Lines)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import MatchingConfig
from bot.language.normalize import has_diacritics
from bot.matching.decide import decide
from bot.matching.index import TopicIndex
from bot.privacy.redact import redact, without_placeholders


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is 0."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Split:
    """Counters for one slice of the set."""

    positives: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    facet_right: int = 0
    negatives: int = 0
    rejected: int = 0

    def rates(self) -> dict[str, float | None]:
        """Percentages, None where the slice has no questions of that kind."""
        pct = percent
        return {"top1": pct(self.top1, self.positives), "top3": pct(self.top3, self.positives),
                "facet": pct(self.facet_right, self.positives),
                "answered_right": pct(self.answered_right, self.positives),
                "answered_wrong": pct(self.answered_wrong, self.positives),
                "rejection": pct(self.rejected, self.negatives),
                "positives": self.positives, "negatives": self.negatives}


@dataclass
class Report:
    """Overall and per-diacritics results plus the list of errors."""

    overall: Split = field(default_factory=Split)
    with_marks: Split = field(default_factory=Split)
    without_marks: Split = field(default_factory=Split)
    errors: list[dict[str, Any]] = field(default_factory=list)


def load_set(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON Lines evaluation file: {"text", "topic", "facet"} per line (a must-not-claim
    line may list under "catalog" the catalogue procedures that do answer it)."""
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: invalid JSON: {exc.msg}") from exc
    return items


def evaluate(index: TopicIndex, cfg: MatchingConfig, items: list[dict[str, Any]]) -> Report:
    """Run every question through the matcher and the decision rule.

    Args:
        index: the topic index.
        cfg: matching thresholds.
        items: labelled questions.

    Returns:
        The report. top1/top3 rank the candidates; "answered" is what the bot would say.
    """
    report = Report()
    for item in items:
        text, gold, gold_facet = item["text"], item.get("topic"), item.get("facet")
        # As the router does: what the bot matches is the redacted question.
        result = index.match(without_placeholders(redact(text).text))
        decision = decide(result, cfg)
        ranked = [c.topic_id for c in result.candidates]
        splits = [report.overall,
                  report.with_marks if has_diacritics(text) else report.without_marks]
        error = None
        for split in splits:
            if gold is None:
                # "catalog": codes of catalogue procedures that really are this question's
                # answer (the set predates the catalogue): answering with one is no claim.
                allowed = {f"tthc-{code}" for code in item.get("catalog", ())}
                split.negatives += 1
                split.rejected += decision.topic is None or decision.topic in allowed
                if decision.topic is not None and decision.topic not in allowed:
                    error = "claimed"
                continue
            split.positives += 1
            split.top1 += bool(ranked) and ranked[0] == gold
            split.top3 += gold in ranked[:3]
            split.answered_right += decision.topic == gold
            split.answered_wrong += decision.topic not in (None, gold)
            split.facet_right += decision.facet == gold_facet
            if not ranked or ranked[0] != gold:
                error = "topic"
            elif decision.facet != gold_facet:
                error = "facet"
        if error:
            report.errors.append({"error": error, "text": text, "gold": gold,
                                  "gold_facet": gold_facet, "got": decision.topic,
                                  "ranked": ranked[:3], "facet": decision.facet,
                                  "score": decision.score, "outcome": decision.outcome})
    return report


def format_report(report: Report, max_errors: int = 50) -> str:
    """Human-readable figures and errors."""
    lines = []
    for name, split in (("all", report.overall), ("with diacritics", report.with_marks),
                        ("without diacritics", report.without_marks)):
        r = split.rates()
        lines.append(f"{name:>20}: top-1 {r['top1']}%  top-3 {r['top3']}%  facet {r['facet']}%"
                     f"  answered right {r['answered_right']}%  wrong answers "
                     f"{r['answered_wrong']}%  rejection {r['rejection']}%  "
                     f"({r['positives']} questions, {r['negatives']} must-not-claim)")
    lines.append(f"errors: {len(report.errors)}")
    for err in report.errors[:max_errors]:
        lines.append(f"  [{err['error']}] {err['text']!r}: gold {err['gold']}/{err['gold_facet']}"
                     f" → {err['outcome']} {err['got']} ranked {err['ranked']} facet "
                     f"{err['facet']} score {err['score']}")
    return "\n".join(lines)
