"""Build a staff report from the log aggregates: totals, topics, trend, misses, funnels."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.flows.loader import Flow
from bot.reports.clusters import MissGroup, group_misses
from bot.reports.funnels import Funnel, build_funnels, stored_runs
from bot.reports.ranking import Need, rank_needs
from bot.reports.window import day_of, week_start
from bot.storage.base import LogStats, ReportQuery, Store

DEFAULT_STALE_SECONDS = 24 * 3600  # a flow silent this long before the report's end was left


@dataclass
class TopicRow:
    """Questions and feedback about one topic."""

    topic: str
    title: str
    questions: int = 0
    answers: int = 0
    suggested: int = 0
    rejected: int = 0
    details: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0


@dataclass
class FeedbackRow:
    """Thumbs on one topic or flow, with the comments left after a thumbs down."""

    kind: str  # topic | flow
    id: str
    title: str
    up: int
    down: int
    comments: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Everything `dvcbot report` prints; `as_dict()` is the JSON format."""

    generated_at: str
    window: dict[str, Any]
    totals: dict[str, Any]
    topics: list[TopicRow]
    weekly: list[dict[str, Any]]
    misses: list[MissGroup]
    feedback: list[FeedbackRow]
    comments: list[dict[str, Any]]
    funnels: list[Funnel]
    referrals: list[dict[str, Any]]
    outreach: list[Need]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (funnels carry their completion rate)."""
        data = asdict(self)
        for funnel, row in zip(self.funnels, data["funnels"], strict=True):
            row["completion_rate"] = round(funnel.completion_rate, 3)
        return data


def build_report(stats: LogStats, query: ReportQuery, flows: Mapping[str, Flow],
                 titles: Mapping[str, str], now: float,
                 stale_after: float = DEFAULT_STALE_SECONDS) -> Report:
    """Turn aggregates into a report (pure computation, no I/O).

    Args:
        stats: what the store aggregated.
        query: the filters that produced it.
        flows: flows by id (titles, step order, topics).
        titles: topic titles by id.
        now: the current time (the window's end when `query.until` is open).
        stale_after: seconds after which an unfinished flow counts as abandoned.

    Returns:
        The report.
    """
    end = min(query.until, now) if query.until is not None else now
    funnels = build_funnels(stats.flow_events, flows, end, stale_after,
                            stored_runs(stats.flow_runs))
    topics = _topics(stats, titles)
    feedback = _feedback(stats, flows, titles)
    outcomes = stats.outcomes
    questions = sum(outcomes.get(o, 0) for o in ("answer", "suggest", "miss"))
    totals = {
        "turns": stats.turns, "users": stats.users, "questions": questions,
        "answered": outcomes.get("answer", 0), "suggested": outcomes.get("suggest", 0),
        "missed": outcomes.get("miss", 0), "none_of_these": outcomes.get("none_of_these", 0),
        "answer_rate": round(outcomes.get("answer", 0) / questions, 3) if questions else 0.0,
        "thumbs_up": sum(r.up for r in feedback), "thumbs_down": sum(r.down for r in feedback),
        "flows_started": sum(f.started for f in funnels),
        "flows_completed": sum(f.completed for f in funnels),
        "first": day_of(stats.first_ts) if stats.first_ts else None,
        "last": day_of(stats.last_ts) if stats.last_ts else None,
        "by_channel": dict(sorted(stats.channels.items())),
        "by_outcome": dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
    referrals = _referrals(stats)
    return Report(
        generated_at=day_of(now),
        window={"since": day_of(query.since) if query.since is not None else None,
                "until": day_of(query.until - 1) if query.until is not None else None,
                "channel": query.channel, "team": query.team},
        totals=totals, topics=topics, weekly=_weekly(stats), misses=group_misses(stats.wordings),
        feedback=feedback,
        comments=[{"day": day_of(ts), "topic": t, "flow": f, "comment": c}
                  for ts, t, f, c in stats.comments],
        funnels=funnels, referrals=referrals,
        outreach=rank_needs(stats.topics, stats.feedback, funnels, flows, titles))


def _referrals(stats: LogStats) -> list[dict[str, Any]]:
    """Arrivals through each team's links, and what those citizens then asked."""
    rows: dict[str, dict[str, Any]] = {}
    for team, arrivals, users in stats.referrals:
        rows[team] = {"team": team, "arrivals": arrivals, "users": users, "turns": 0,
                      "misses": 0}
    for team, turns, users, misses in stats.teams:
        row = rows.setdefault(team, {"team": team, "arrivals": 0, "users": users})
        row.update(turns=turns, misses=misses)
    return sorted(rows.values(), key=lambda r: (-int(r["arrivals"]), -int(r["turns"]),
                                                str(r["team"])))


def _topics(stats: LogStats, titles: Mapping[str, str]) -> list[TopicRow]:
    rows: dict[str, TopicRow] = {}
    for topic, outcome, n in stats.topics:
        row = rows.setdefault(topic, TopicRow(topic, titles.get(topic, topic)))
        if outcome == "answer":
            row.answers += n
        elif outcome == "suggest":
            row.suggested += n
        elif outcome == "none_of_these":
            row.rejected += n
        elif outcome == "facet":
            row.details += n
    for about, flow, up, down in stats.feedback:
        if about and flow is None:
            row = rows.setdefault(about, TopicRow(about, titles.get(about, about)))
            row.thumbs_up += up
            row.thumbs_down += down
    for row in rows.values():
        row.questions = row.answers + row.suggested
    return sorted(rows.values(), key=lambda r: (-r.questions, r.topic))


def _weekly(stats: LogStats) -> list[dict[str, Any]]:
    weeks: dict[int, Counter[str]] = defaultdict(Counter)
    for week, topic, n in stats.weekly:
        weeks[week][topic or "(chưa trả lời được)"] += n
    return [{"week": week_start(w), "questions": sum(c.values()), "by_topic": dict(c)}
            for w, c in sorted(weeks.items())]


def _feedback(stats: LogStats, flows: Mapping[str, Flow],
              titles: Mapping[str, str]) -> list[FeedbackRow]:
    rows: dict[tuple[str, str], FeedbackRow] = {}
    for topic, flow, up, down in stats.feedback:
        if topic is None and flow is None:
            continue
        key = ("flow", flow) if flow else ("topic", topic or "")
        title = flows[key[1]].title if key[0] == "flow" and key[1] in flows \
            else titles.get(key[1], key[1])
        row = rows.setdefault(key, FeedbackRow(key[0], key[1], title, 0, 0))
        row.up += up
        row.down += down
    for _, topic, flow, comment in stats.comments:
        key = ("flow", flow) if flow else ("topic", topic or "")
        if key in rows:
            rows[key].comments.append(comment)
    return sorted(rows.values(), key=lambda r: (-r.down, -r.up, r.kind, r.id))


async def load_report(store: Store, query: ReportQuery, flows: Mapping[str, Flow],
                      titles: Mapping[str, str], now: float | None = None,
                      stale_after: float = DEFAULT_STALE_SECONDS) -> Report:
    """Read the aggregates from a store and build the report off the event loop.

    Args:
        store: any Store that serves `log_stats`.
        query: filters.
        flows: flows by id.
        titles: topic titles.
        now: the current time (default: the wall clock).
        stale_after: see `build_report`.

    Returns:
        The report.
    """
    stats = await store.log_stats(query)
    now = time.time() if now is None else now
    return await asyncio.to_thread(build_report, stats, query, flows, titles, now, stale_after)
