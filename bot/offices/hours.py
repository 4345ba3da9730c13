"""Opening hours written as "mon-fri 07:30-11:30 13:30-17:00; sat 07:30-11:30"."""

from __future__ import annotations

import datetime as dt
import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
SPAN_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
Week = dict[int, list[tuple[dt.time, dt.time]]]


class HoursError(ValueError):
    """The hours text cannot be read."""


def parse_hours(text: str) -> Week:
    """Weekday (0 = Monday) → opening spans. Raises HoursError with the reason."""
    week: Week = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        days, *spans = part.split()
        if not spans:
            raise HoursError(f"{part!r}: no time span after the days")
        for day in _days(days):
            week.setdefault(day, []).extend(_span(s) for s in spans)
    if not week:
        raise HoursError("empty opening hours")
    for day_spans in week.values():
        day_spans.sort()
    return week


def _days(text: str) -> list[int]:
    first, _, last = text.lower().partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise HoursError(f"{text!r}: days are mon..sun, e.g. mon-fri")
    start, end = DAYS.index(first), DAYS.index(last or first)
    if end < start:
        raise HoursError(f"{text!r}: the range runs backwards")
    return list(range(start, end + 1))


def _span(text: str) -> tuple[dt.time, dt.time]:
    match = SPAN_RE.match(text)
    if not match:
        raise HoursError(f"{text!r}: expected HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(x) for x in match.groups())
    try:
        start, end = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError as exc:
        raise HoursError(f"{text!r}: {exc}") from None
    if end <= start:
        raise HoursError(f"{text!r}: closes before it opens")
    return start, end


def is_open(week: Week, moment: dt.datetime) -> bool:
    """True when `moment` (Vietnam time) falls inside an opening span."""
    now = moment.time()
    return any(a <= now < b for a, b in week.get(moment.weekday(), []))


def next_opening(week: Week, moment: dt.datetime) -> dt.datetime | None:
    """The next time the office opens after `moment` (within a week), or None."""
    for offset in range(8):
        day = moment.date() + dt.timedelta(days=offset)
        for start, _ in week.get(day.weekday(), []):
            at = dt.datetime.combine(day, start, moment.tzinfo)
            if at > moment:
                return at
    return None


def describe_opening(at: dt.datetime, moment: dt.datetime) -> str:
    """ "7:30 sáng mai (08/12)" or "7:30 thứ Hai (07/12)" in plain words."""
    clock = f"{at.hour}:{at.minute:02d}"
    if at.date() == moment.date():
        return f"{clock} hôm nay"
    when = "sáng mai" if at.date() == moment.date() + dt.timedelta(days=1) and at.hour < 12 \
        else "ngày mai" if at.date() == moment.date() + dt.timedelta(days=1) \
        else DAY_NAMES[at.weekday()]
    return f"{clock} {when} ({at:%d/%m})"


def describe_hours(text: str) -> str:
    """ "mon-fri 07:30-11:30 13:30-17:00; sat 07:30-11:30" in plain Vietnamese."""
    parts = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        days, *spans = part.split()
        first, _, last = days.lower().partition("-")
        names = DAY_NAMES[DAYS.index(first)]
        if last:
            names += f" đến {DAY_NAMES[DAYS.index(last)]}"
        times = ", ".join(s.replace("-", " đến ").lstrip("0") for s in spans)
        parts.append(f"{names[0].upper()}{names[1:]}: {times}")
    return "; ".join(parts)
