"""`dvcbot eval` on a scam-labelled set: the detector's figures."""

from __future__ import annotations

import json
from typing import Any

from bot.safety.evaluate import evaluate_scams, format_scam_report, is_scam_set


def print_scam_eval(items: list[dict[str, Any]], as_json: bool) -> bool:
    """CLI helper for `dvcbot eval`: print the figures when `items` is a scam set.

    Returns:
        False (printing nothing) when the set is labelled for topics instead.
    """
    if not is_scam_set(items):
        return False
    report = evaluate_scams(items)
    if as_json:
        print(json.dumps({**report.rates(), "errors": report.errors}, ensure_ascii=False,
                         indent=2))
    else:
        print(format_scam_report(report))
    return True
