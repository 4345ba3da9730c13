"""An in-memory Store for tests: same behaviour as SQLite, nothing on disk."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterable
from typing import Any

from bot.storage.aggregate import aggregate
from bot.storage.base import (
    Commit,
    FeedbackRecord,
    LogStats,
    ReferralRecord,
    ReportQuery,
    Store,
    TurnRecord,
    undelivered,
)


class MemoryStore(Store):
    """Keeps everything in lists and dicts; sessions are deep-copied like a real round-trip."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.turns: list[TurnRecord] = []
        self.feedback: list[FeedbackRecord] = []
        self.referrals: list[ReferralRecord] = []
        self.updates: set[tuple[str, str]] = set()
        self.values: dict[str, str] = {}
        self.inbox: dict[tuple[str, str], str] = {}  # insertion order is arrival order
        self.outbox: dict[tuple[str, str], list[Any]] = {}  # [replies, created, attempts]

    async def load_session(self, user_key: str) -> dict[str, Any]:
        return copy.deepcopy(self.sessions.get(user_key, {}))

    async def seen_update(self, channel: str, update_id: str) -> bool:
        return (channel, update_id) in self.updates

    async def commit(self, commit: Commit) -> None:
        # json round-trip: catches unserialisable session state exactly as SQLite would.
        self.sessions[commit.user_key] = json.loads(json.dumps(commit.session))
        if commit.turn:
            self.turns.append(commit.turn)
        if commit.feedback:
            self.feedback.append(commit.feedback)
        if commit.referral:
            self.referrals.append(commit.referral)
        if commit.update_id:
            self.updates.add((commit.channel, commit.update_id))
            if commit.replies is not None:
                self.outbox[(commit.channel, commit.update_id)] = [commit.replies, time.time(), 0]

    async def get_value(self, key: str) -> str | None:
        return self.values.get(key)

    async def set_value(self, key: str, value: str) -> None:
        self.values[key] = value

    async def inbox_add(self, channel: str, update_id: str, payload: str) -> bool:
        if (channel, update_id) in self.inbox:
            return False
        self.inbox[(channel, update_id)] = payload
        return True

    async def inbox_pending(self, channel: str, limit: int = 1000) -> list[tuple[str, str]]:
        rows = [(uid, payload) for (ch, uid), payload in self.inbox.items() if ch == channel]
        return rows[:limit]

    async def inbox_done(self, channel: str, update_id: str) -> None:
        self.inbox.pop((channel, update_id), None)

    async def outbox_claim(self, channel: str, update_id: str, max_age: float,
                           max_attempts: int) -> str | None:
        row = self.outbox.get((channel, update_id))
        if row is None:
            return None
        row[2] += 1
        if row[1] < time.time() - max_age or row[2] > max_attempts:
            del self.outbox[(channel, update_id)]
            undelivered(channel, update_id)
            return None
        return str(row[0])

    async def outbox_sent(self, channel: str, update_id: str) -> None:
        self.outbox.pop((channel, update_id), None)

    async def log_stats(self, query: ReportQuery) -> LogStats:
        return aggregate(self.turns, self.feedback, self.referrals, query)

    async def purge(self, before: float) -> dict[str, int]:
        counts = {"turns": len(self.turns), "feedback": len(self.feedback),
                  "referrals": len(self.referrals), "sessions": len(self.sessions)}
        self.turns = [t for t in self.turns if t.ts >= before]
        self.feedback = [f for f in self.feedback if f.ts >= before]
        self.referrals = [r for r in self.referrals if r.ts >= before]
        self.sessions = {k: v for k, v in self.sessions.items()
                         if float(v.get("updated", time.time())) >= before}
        return {"turns": counts["turns"] - len(self.turns),
                "feedback": counts["feedback"] - len(self.feedback),
                "referrals": counts["referrals"] - len(self.referrals),
                "sessions": counts["sessions"] - len(self.sessions)}

    async def append_log(self, turns: Iterable[TurnRecord],
                         feedback: Iterable[FeedbackRecord] = (),
                         referrals: Iterable[ReferralRecord] = ()) -> None:
        """Add many log rows at once (the twin of SQLiteStore.append_log)."""
        self.turns.extend(turns)
        self.feedback.extend(feedback)
        self.referrals.extend(referrals)
