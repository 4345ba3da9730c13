"""`dvcbot kb check` date rules: facts about to expire, expired with no successor, old reviews."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass

from bot.knowledge.clock import vietnam_today
from bot.knowledge.dated import DatedFact
from bot.knowledge.loader import KnowledgeBase

DEFAULT_WARN_DAYS = 30
DEFAULT_REVIEW_DAYS = 180


@dataclass(frozen=True)
class Finding:
    """One dated fact or review to report."""

    file: str
    line: int
    message: str
    fatal: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `dvcbot kb check` that concern dates."""
    parser.add_argument("--warn-days", type=int, default=DEFAULT_WARN_DAYS,
                        help="warn about facts that expire within N days (default 30)")
    parser.add_argument("--review-days", type=int, default=DEFAULT_REVIEW_DAYS,
                        help="list topics whose 'reviewed' date is older than N days "
                             "(default 180)")


def _successor(fact: DatedFact, facts: tuple[DatedFact, ...]) -> DatedFact | None:
    """A fact of the same facet that takes over the day after `fact` ends."""
    assert fact.valid_until is not None
    next_day = fact.valid_until + dt.timedelta(days=1)
    for other in facts:
        if other is fact or other.valid_from is None:
            continue
        if other.valid_from <= next_day and other.holds_on(next_day):
            return other
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def findings(kb: KnowledgeBase, today: dt.date, warn_days: int,
             review_days: int) -> list[Finding]:
    """Every dated fact expiring within `warn_days`, expired without successor, old reviews."""
    out = []
    horizon = today + dt.timedelta(days=warn_days)
    for topic in kb.topics.values():
        for facet, facts in topic.dated.items():
            for fact in facts:
                if fact.valid_until is None:
                    continue
                where = f"topic {topic.id}: {facet}"
                line = fact.line or topic.line_of("facets")
                follow = _successor(fact, facts)
                if fact.valid_until < today and follow is None:
                    out.append(Finding(topic.file, line, f"{where}: expired on "
                                       f"{fact.valid_until:%d/%m/%Y} and nothing is in force "
                                       "after it", fatal=True))
                elif today <= fact.valid_until <= horizon:
                    then = f"; from {follow.valid_from:%d/%m/%Y}: {_short(follow.text)}" \
                        if follow and follow.valid_from else "; NOTHING follows it"
                    out.append(Finding(topic.file, line, f"{where}: expires on "
                                       f"{fact.valid_until:%d/%m/%Y}{then}",
                                       fatal=follow is None and fact.valid_until < today))
        age = (today - topic.reviewed).days
        if age > review_days:
            out.append(Finding(topic.file, topic.line_of("reviewed"),
                               f"topic {topic.id}: reviewed {topic.reviewed} ({age} days ago, "
                               f"older than {review_days})"))
    return out


def report_freshness(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Print warnings to stderr; return the number of fatal findings."""
    today = vietnam_today()
    found = findings(kb, today, getattr(args, "warn_days", DEFAULT_WARN_DAYS),
                     getattr(args, "review_days", DEFAULT_REVIEW_DAYS))
    for item in found:
        print(f"{item} {'(error)' if item.fatal else '(warning)'}", file=sys.stderr)
    return sum(1 for item in found if item.fatal)
