"""What each console page shows, computed from the daily aggregates and the report model."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.flows.loader import Flow
from bot.reports.clusters import MissGroup, group_misses
from bot.reports.funnels import Funnel, build_funnels
from bot.reports.model import DEFAULT_STALE_SECONDS
from bot.reports.ranking import Need, rank_needs
from bot.reports.window import week_start
from bot.staff.suspects import Suspect, find_suspects
from bot.storage.base import ReportQuery, Store

QUESTIONS = ("answer", "suggest", "miss")
FUNNEL_TTL = 60.0  # seconds a computed set of funnels is served before it is refreshed


@dataclass
class Overview:
    """The overview page: totals, trend, topics and the outreach ranking."""

    totals: dict[str, int]
    by_channel: dict[str, int]
    weekly: list[tuple[str, int]]
    topics: list[tuple[str, str, int, int]]  # topic, title, answers, suggested
    outreach: list[Need]
    todo: list[str] = field(default_factory=list)


@dataclass
class Inbox:
    """The inbox: miss groups not yet decided, thumbs down with comments, suspected answers."""

    groups: list[MissGroup]
    comments: list[tuple[Any, Any, str]]
    suspects: list[Suspect]


def _totals(rows: list[tuple[str, str, int]]) -> tuple[dict[str, int], dict[str, int]]:
    outcomes: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    for channel, outcome, n in rows:
        outcomes[outcome] += n
        channels[channel] += n
    questions = sum(outcomes[o] for o in QUESTIONS)
    totals = {"turns": sum(outcomes.values()), "questions": questions,
              "answered": outcomes["answer"], "suggested": outcomes["suggest"],
              "missed": outcomes["miss"], "none_of_these": outcomes["none_of_these"],
              "answer_rate": round(100 * outcomes["answer"] / questions) if questions else 0}
    return totals, dict(sorted(channels.items()))


class Pages:
    """Builds page data for one store; caches the funnels, the only part that scans turns."""

    def __init__(self, store: Store, staff: Any) -> None:
        self.store = store
        self.staff = staff
        self._funnels: dict[ReportQuery, tuple[float, list[Funnel]]] = {}
        self._refreshing: set[ReportQuery] = set()

    async def overview(self, query: ReportQuery, flows: Mapping[str, Flow],
                       titles: Mapping[str, str]) -> Overview:
        summary = await self.staff.summary(query)
        totals, channels = _totals(summary.channel_outcomes)
        topics = summary.topics
        feedback = await self.staff.feedback(query)
        totals["thumbs_up"] = sum(r[2] for r in feedback)
        totals["thumbs_down"] = sum(r[3] for r in feedback)
        funnels = await self.funnels(query, flows)
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for t, o, n in topics:
            per[t][0 if o == "answer" else 1] += n if o in ("answer", "suggest") else 0
        table = sorted(((t, titles.get(t, t), a, s) for t, (a, s) in per.items() if a + s),
                       key=lambda r: (-(r[2] + r[3]), r[0]))
        decisions = await self.staff.decisions()
        todo = sorted(w for w, (d, _) in decisions.items() if d == "new_topic")
        weekly = [(week_start(w), n) for w, n in summary.weeks]
        return Overview(totals, channels, weekly, table,
                        rank_needs(topics, feedback, funnels, flows, titles), todo)

    async def inbox(self, query: ReportQuery, flows: Mapping[str, Flow],
                    now: float | None = None) -> Inbox:
        now = time.time() if now is None else now
        decided = await self.staff.decisions()
        rows = [r for r in await self.staff.wordings(query) if r[0] not in decided]
        groups = await asyncio.to_thread(group_misses, rows)
        thumbs = await self.staff.recent_thumbs(query, now)
        comments = [(None, t, c) for _, _, t, c in sorted(thumbs, key=lambda r: -r[1]) if c]
        turns = await self.staff.recent_turns(query, now)
        suspects = await asyncio.to_thread(find_suspects, turns, thumbs, flows)
        return Inbox(groups, comments[:100], suspects)

    async def funnels(self, query: ReportQuery, flows: Mapping[str, Flow]) -> list[Funnel]:
        """Funnels for `query`; a stale copy is served while a fresh one is computed."""
        cached = self._funnels.get(query)
        if cached is None:
            return await self._compute(query, flows)
        if time.time() - cached[0] > FUNNEL_TTL and query not in self._refreshing:
            self._refreshing.add(query)
            task = asyncio.create_task(self._compute(query, flows))
            task.add_done_callback(lambda _: self._refreshing.discard(query))
        return cached[1]

    async def _compute(self, query: ReportQuery, flows: Mapping[str, Flow]) -> list[Funnel]:
        events = await self.staff.flow_events(query)
        now = time.time()
        end = min(query.until, now) if query.until is not None else now
        funnels = await asyncio.to_thread(build_funnels, events, flows, end,
                                          DEFAULT_STALE_SECONDS)
        self._funnels[query] = (now, funnels)
        return funnels
