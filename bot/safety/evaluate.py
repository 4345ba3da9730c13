"""Measure the scam detector on a labelled set: {"text", "scam": true|false} per line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.safety.scam import detect_scam


@dataclass
class ScamReport:
    """Warned shares of scams and of ordinary questions, with the misclassified texts."""

    scams: int = 0
    scams_warned: int = 0
    ordinary: int = 0
    ordinary_warned: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def rates(self) -> dict[str, float | int | None]:
        """Percentages (None for an empty slice) and counts."""
        def pct(a: int, b: int) -> float | None:
            return round(100 * a / b, 1) if b else None
        return {"scams_warned": pct(self.scams_warned, self.scams),
                "ordinary_warned": pct(self.ordinary_warned, self.ordinary),
                "scams": self.scams, "ordinary": self.ordinary}


def is_scam_set(items: list[dict[str, Any]]) -> bool:
    """True when the set is labelled for scams rather than topics."""
    return bool(items) and all("scam" in item for item in items)


def evaluate_scams(items: list[dict[str, Any]]) -> ScamReport:
    """Run every message through the detector and count warnings per label."""
    report = ScamReport()
    for item in items:
        warned = detect_scam(item["text"]).is_scam
        if item["scam"]:
            report.scams += 1
            report.scams_warned += warned
        else:
            report.ordinary += 1
            report.ordinary_warned += warned
        if warned != bool(item["scam"]):
            report.errors.append({"text": item["text"], "scam": item["scam"]})
    return report


def format_scam_report(report: ScamReport) -> str:
    """Plain text for `dvcbot eval`."""
    rates = report.rates()
    lines = [f"scams warned:            {rates['scams_warned']}% of {report.scams}",
             f"ordinary questions warned: {rates['ordinary_warned']}% of {report.ordinary}"]
    lines += [f"  {'missed scam' if e['scam'] else 'false alarm'}: {e['text']}"
              for e in report.errors]
    return "\n".join(lines)

