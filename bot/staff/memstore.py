"""The in-memory twin of the staff tables, over a MemoryStore's lists (tests)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from bot.staff.records import DAY, SUSPECT_SCAN_DAYS, Account, Summary, day_number, summarize
from bot.storage.aggregate import aggregate
from bot.storage.base import ReportQuery

MISS_OUTCOMES = ("miss", "suggest", "none_of_these")


def _keep(query: ReportQuery, ts: float, channel: str, team: str | None) -> bool:
    return not ((query.since is not None and day_number(ts) < day_number(query.since))
                or (query.until is not None and day_number(ts) >= day_number(query.until))
                or (query.channel and channel != query.channel)
                or (query.team and team != query.team))


class MemoryStaff:
    """Same methods as SQLiteStaff; aggregates are computed from the turns on each call."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._accounts: dict[str, Account] = {}
        self._audit: list[tuple[float, str, str, str]] = []
        self._teams: dict[str, tuple[str, str | None, str]] = {}
        self._decisions: dict[str, tuple[str, str | None]] = {}

    async def add_account(self, name: str, role: str, team: str | None, pw_hash: str) -> None:
        if name in self._accounts:
            raise ValueError(f"account {name!r} exists")
        self._accounts[name] = Account(name, role, team, pw_hash)

    async def account(self, name: str) -> Account | None:
        return self._accounts.get(name)

    async def accounts(self) -> list[Account]:
        return [self._accounts[k] for k in sorted(self._accounts)]

    async def remove_account(self, name: str) -> bool:
        return self._accounts.pop(name, None) is not None

    async def set_failures(self, name: str, failed: int, locked_until: float) -> None:
        a = self._accounts[name]
        self._accounts[name] = Account(a.name, a.role, a.team, a.pw_hash, failed, locked_until)

    async def audit(self, actor: str, action: str, detail: str) -> None:
        self._audit.append((time.time(), actor, action, detail))

    async def audit_log(self, limit: int = 200) -> list[tuple[float, str, str, str]]:
        return list(reversed(self._audit))[:limit]

    async def add_team(self, code: str, topic: str | None, note: str, actor: str) -> None:
        if code in self._teams:
            raise ValueError(f"team {code!r} exists")
        self._teams[code] = (code, topic, note)

    async def teams(self) -> list[tuple[str, str | None, str]]:
        return [self._teams[k] for k in sorted(self._teams)]

    async def arrivals(self, query: ReportQuery) -> dict[str, tuple[int, int, int, int]]:
        stats = aggregate(self.store.turns, [], self.store.referrals, query)
        found = {t: (a, u, 0, 0) for t, a, u in stats.referrals}
        for team, turns, _, misses in stats.teams:
            a, u, _, _ = found.get(team, (0, 0, 0, 0))
            found[team] = (a, u, turns, misses)
        return found

    async def decide(self, wording: str, decision: str, topic: str | None, actor: str) -> None:
        self._decisions[wording] = (decision, topic)

    async def decisions(self) -> dict[str, tuple[str, str | None]]:
        return dict(self._decisions)

    async def daily(self, query: ReportQuery) -> list[tuple[int, str, str, str, str, int]]:
        counts: Counter[tuple[int, str, str, str, str]] = Counter()
        for t in self.store.turns:
            if _keep(query, t.ts, t.channel, t.referral):
                counts[(day_number(t.ts), t.channel, t.referral or "", t.outcome,
                        t.topic or "")] += 1
        return [(*k, n) for k, n in counts.items()]

    async def summary(self, query: ReportQuery) -> Summary:
        return summarize(await self.daily(query))

    async def wordings(self, query: ReportQuery, limit: int = 500
                       ) -> list[tuple[str, str, str | None, int, str]]:
        counts: Counter[tuple[str, str, str | None]] = Counter()
        examples: dict[tuple[str, str, str | None], str] = {}
        for t in self.store.turns:
            if t.outcome in MISS_OUTCOMES and t.normalized \
                    and _keep(query, t.ts, t.channel, t.referral):
                key = (t.normalized, t.outcome, t.topic)
                counts[key] += 1
                examples[key] = max(examples.get(key, ""), t.text or "")
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1],
                                                         kv[0][2] or ""))[:limit]
        return [(*k, n, examples[k]) for k, n in ranked]

    async def feedback(self, query: ReportQuery) -> list[tuple[str | None, str | None, int, int]]:
        votes: dict[tuple[str | None, str | None], list[int]] = {}
        for f in self.store.feedback:
            if _keep(query, f.ts, f.channel, f.referral):
                row = votes.setdefault((f.topic, f.flow_id), [0, 0])
                row[0 if f.rating > 0 else 1] += 1
        return [(t, fl, up, down) for (t, fl), (up, down) in votes.items()]

    async def users(self, query: ReportQuery) -> int:
        return aggregate(self.store.turns, [], [], query).users

    async def flow_events(self, query: ReportQuery) -> list[tuple[Any, ...]]:
        return aggregate(self.store.turns, [], [], query).flow_events

    def _recent(self, query: ReportQuery, now: float) -> tuple[float, float]:
        end = min(query.until, now) if query.until is not None else now
        return max(query.since or 0.0, end - SUSPECT_SCAN_DAYS * DAY), end

    async def recent_turns(self, query: ReportQuery, now: float) -> list[tuple[Any, ...]]:
        start, end = self._recent(query, now)
        rows = [(t.user_key, t.ts, i, t) for i, t in enumerate(self.store.turns)
                if start <= t.ts < end and (not query.channel or t.channel == query.channel)
                and (not query.team or t.referral == query.team)]
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        return [(t.user_key, t.ts, t.kind, t.outcome, t.topic, t.flow_id, t.step_id, t.text)
                for _, _, _, t in rows]

    async def recent_thumbs(self, query: ReportQuery, now: float) -> list[tuple[Any, ...]]:
        start, end = self._recent(query, now)
        return [(f.user_key, f.ts, f.topic, f.comment) for f in self.store.feedback
                if f.rating < 0 and start <= f.ts < end]
