"""Report windows: calendar dates in Vietnam time (UTC+7) to epoch seconds and back."""

from __future__ import annotations

import datetime as dt

VN = dt.timezone(dt.timedelta(hours=7), "ICT")
WEEK_ONE_MONDAY = dt.date(1970, 1, 5)  # week 0 of bot.storage.queries.week_of


def parse_date(text: str) -> dt.date:
    """Parse YYYY-MM-DD (also DD/MM/YYYY, the way staff write dates).

    Raises:
        ValueError: not a date.
    """
    text = text.strip()
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    return dt.date.fromisoformat(text)


def parse_window(since: str | None, until: str | None) -> tuple[float | None, float | None]:
    """Turn inclusive calendar dates into a half-open epoch window [since, until).

    Args:
        since: first day, or None for the beginning of the log.
        until: last day (inclusive), or None for now.

    Returns:
        (since, until) in epoch seconds, None where open.

    Raises:
        ValueError: a date is malformed or `until` is before `since`.
    """
    start = _midnight(parse_date(since)) if since else None
    end = _midnight(parse_date(until) + dt.timedelta(days=1)) if until else None
    if start is not None and end is not None and end <= start:
        raise ValueError("--until is before --since")
    return start, end


def _midnight(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=VN).timestamp()


def day_of(ts: float) -> str:
    """The Vietnam calendar day of an instant, as YYYY-MM-DD."""
    return dt.datetime.fromtimestamp(ts, VN).date().isoformat()


def week_start(week: int) -> str:
    """The Monday (YYYY-MM-DD) that starts report week number `week`."""
    return (WEEK_ONE_MONDAY + dt.timedelta(weeks=week)).isoformat()
