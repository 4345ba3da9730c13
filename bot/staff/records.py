"""Plain records of the staff side (accounts) and the day arithmetic of the aggregates."""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86400
VN_OFFSET = 7 * 3600
SUSPECT_WINDOW = 120.0  # seconds: a rephrase or a thumbs down this soon after an answer
SUSPECT_SCAN_DAYS = 7  # suspected wrong answers are looked for in the last week of the window


@dataclass(frozen=True)
class Account:
    """A staff account; `team` is set only for team accounts."""

    name: str
    role: str
    team: str | None
    pw_hash: str
    failed: int = 0
    locked_until: float = 0.0


def day_number(ts: float) -> int:
    """Vietnam calendar day number (same arithmetic as the v003 triggers)."""
    return int((ts + VN_OFFSET) // DAY)


