"""Times for analysts: ISO 8601 in Vietnam time (UTC+7, no daylight saving), not epoch seconds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
TS_COLUMN = 1  # every export table has (id, ts, ...)


def iso_vietnam(ts: float) -> str:
    """Epoch seconds as '2026-12-04T19:05:00+07:00'."""
    return dt.datetime.fromtimestamp(ts, VIETNAM).isoformat(timespec="seconds")


def iso_times(row: Sequence[Any]) -> list[Any]:
    """An export row with its `ts` column (the second) written as ISO 8601."""
    out = list(row)
    if len(out) > TS_COLUMN and isinstance(out[TS_COLUMN], int | float):
        out[TS_COLUMN] = iso_vietnam(float(out[TS_COLUMN]))
    return out
