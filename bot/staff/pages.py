"""What each console page shows, computed from the daily aggregates and the report model."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Mapping
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

log = logging.getLogger(__name__)
QUESTIONS = ("answer", "suggest", "miss")
# Seconds a computed page part is served as is; after that a request starts a refresh, waits
# up to FRESH_WAIT for it, and otherwise gets the previous figures (the refresh goes on).
MAX_CACHED = 256
FRESH_WAIT = 0.2  # seconds a request waits for a refresh before serving the previous figures
TTL = {"funnels": 60.0, "overview": 30.0, "inbox": 3.0, "arrivals": 30.0}


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
        self._cache: dict[tuple[str, ReportQuery], tuple[float, Any]] = {}
        self._refreshing: set[tuple[str, ReportQuery]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def overview(self, query: ReportQuery, flows: Mapping[str, Flow],
                       titles: Mapping[str, str]) -> Overview:
        """The overview (cached, see TTL)."""
        return await self.cached("overview", query,
                                 lambda: self._overview(query, flows, titles))

    async def _overview(self, query: ReportQuery, flows: Mapping[str, Flow],
                        titles: Mapping[str, str]) -> Overview:
        summary = await self.staff.summary(query)
        totals, channels = _totals(summary.channel_outcomes)
        topics = summary.topics
        feedback = await self.staff.feedback(query)
        totals["thumbs_up"] = sum(r[2] for r in feedback)
        totals["thumbs_down"] = sum(r[3] for r in feedback)
        funnels = await self.funnels(query, flows)
        totals["users"] = await self.staff.users(query)
        totals["flows_started"] = sum(f.started for f in funnels)
        totals["flows_completed"] = sum(f.completed for f in funnels)
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

    async def inbox(self, query: ReportQuery, flows: Mapping[str, Flow]) -> Inbox:
        """The inbox (cached for a few seconds, see TTL)."""
        return await self.cached("inbox", query, lambda: self._inbox(query, flows))

    async def arrivals(self, query: ReportQuery) -> dict[str, tuple[int, int, int, int]]:
        """Arrivals per team (cached, see TTL)."""
        return await self.cached("arrivals", query, lambda: self.staff.arrivals(query))

    async def _inbox(self, query: ReportQuery, flows: Mapping[str, Flow]) -> Inbox:
        now = time.time()
        decided = await self.staff.decisions()
        rows = [r for r in await self.staff.wordings(query) if r[0] not in decided]
        groups = await asyncio.to_thread(group_misses, rows)
        thumbs = await self.staff.recent_thumbs(query, now)
        comments = [(None, t, c) for _, _, t, c in sorted(thumbs, key=lambda r: -r[1]) if c]
        turns = await self.staff.recent_turns(query, now)
        suspects = await asyncio.to_thread(find_suspects, turns, thumbs, flows)
        return Inbox(groups, comments[:100], suspects)

    async def funnels(self, query: ReportQuery, flows: Mapping[str, Flow]) -> list[Funnel]:
        """Funnels for `query` (the one part that reads flow turns from the log)."""
        async def compute() -> list[Funnel]:
            events = await self.staff.flow_events(query)
            now = time.time()
            end = min(query.until, now) if query.until is not None else now
            return await asyncio.to_thread(build_funnels, events, flows, end,
                                           DEFAULT_STALE_SECONDS)
        return await self.cached("funnels", query, compute)

    async def cached(self, kind: str, query: ReportQuery,
                     compute: Callable[[], Awaitable[Any]]) -> Any:
        """Serve a part from the cache; past its TTL, refresh it in the background."""
        key = (kind, query)
        found = self._cache.get(key)
        if found is None:
            value = await compute()
            if len(self._cache) >= MAX_CACHED:  # many distinct filters: start again
                self._cache.clear()
            self._cache[key] = (time.monotonic(), value)
            return value
        if time.monotonic() - found[0] > TTL[kind] and key not in self._refreshing:
            self._refreshing.add(key)
            task = asyncio.create_task(self._refresh(key, compute))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            await asyncio.wait({task}, timeout=FRESH_WAIT)  # quick refreshes are served at once
        return self._cache.get(key, found)[1]

    async def _refresh(self, key: tuple[str, ReportQuery],
                       compute: Callable[[], Awaitable[Any]]) -> None:
        try:
            self._cache[key] = (time.monotonic(), await compute())
        except Exception:
            log.exception("refreshing %s failed; serving the previous figures", key[0])
        finally:
            self._refreshing.discard(key)

    def forget(self, kind: str) -> None:
        """Drop cached parts of one kind (after a decision changes them)."""
        for key in [k for k in self._cache if k[0] == kind]:
            del self._cache[key]
