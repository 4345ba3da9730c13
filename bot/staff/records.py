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


@dataclass
class Summary:
    """The overview's sums: (channel, outcome, n), (topic, outcome, n), (week, questions)."""

    channel_outcomes: list[tuple[str, str, int]]
    topics: list[tuple[str, str, int]]
    weeks: list[tuple[int, int]]


def summarize(daily: list[tuple[int, str, str, str, str, int]]) -> Summary:
    """The same sums computed in Python from daily rows (the memory twin)."""
    co: dict[tuple[str, str], int] = {}
    topics: dict[tuple[str, str], int] = {}
    weeks: dict[int, int] = {}
    for day, channel, _, outcome, topic, n in daily:
        co[(channel, outcome)] = co.get((channel, outcome), 0) + n
        if topic:
            topics[(topic, outcome)] = topics.get((topic, outcome), 0) + n
        if outcome in ("answer", "suggest", "miss"):
            weeks[(day - 4) // 7] = weeks.get((day - 4) // 7, 0) + n
    return Summary([(c, o, n) for (c, o), n in co.items()],
                   sorted((t, o, n) for (t, o), n in topics.items()), sorted(weeks.items()))


def day_number(ts: float) -> int:
    """Vietnam calendar day number (same arithmetic as the v003 triggers)."""
    return int((ts + VN_OFFSET) // DAY)


