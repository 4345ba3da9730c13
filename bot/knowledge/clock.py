"""Vietnam calendar day of a turn: UTC+7, with a DVCBOT_TODAY override for tests and reviews."""

from __future__ import annotations

import datetime as dt
import os
import time

VIETNAM = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")  # no DST since 1975
TODAY_ENV = "DVCBOT_TODAY"


def vietnam_now(ts: float | None = None) -> dt.datetime:
    """Wall-clock time in Vietnam for the timestamp `ts` (default: now).

    When DVCBOT_TODAY=YYYY-MM-DD is set, the date is replaced by that day and the time of day
    is kept, so opening hours still behave.
    """
    moment = dt.datetime.fromtimestamp(time.time() if ts is None else ts, VIETNAM)
    override = os.environ.get(TODAY_ENV, "").strip()
    if override:
        day = dt.date.fromisoformat(override)
        moment = moment.replace(year=day.year, month=day.month, day=day.day)
    return moment


def vietnam_today(ts: float | None = None) -> dt.date:
    """The calendar day in Vietnam (midnight Asia/Ho_Chi_Minh starts a new day)."""
    return vietnam_now(ts).date()
