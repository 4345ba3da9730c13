"""An in-memory Store for tests: same behaviour as SQLite, nothing on disk."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterable
from typing import Any

from bot.storage.aggregate import aggregate
from bot.storage.base import (
    CLAIM_SECONDS,
    AlreadyHandled,
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
        # (channel, update_id) → [holder, until] of inbox and outbox rows; name → (holder, until)
        self.claims: dict[tuple[str, str, str], list[Any]] = {}
        self.leases: dict[str, tuple[str, float]] = {}
        self.order_keys: dict[tuple[str, str], str] = {}

    async def load_session(self, user_key: str) -> dict[str, Any]:
        return copy.deepcopy(self.sessions.get(user_key, {}))

    async def seen_update(self, channel: str, update_id: str) -> bool:
        return (channel, update_id) in self.updates

    async def commit(self, commit: Commit) -> None:
        if commit.update_id and (commit.channel, commit.update_id) in self.updates:
            raise AlreadyHandled(commit.update_id)
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
                self._claim("outbox", commit.channel, commit.update_id)

    async def get_value(self, key: str) -> str | None:
        return self.values.get(key)

    async def set_value(self, key: str, value: str) -> None:
        self.values[key] = value

    async def inbox_add(self, channel: str, update_id: str, payload: str,
                        order_key: str = "", *, claim: bool = True) -> bool:
        if (channel, update_id) in self.inbox:
            return False
        self.inbox[(channel, update_id)] = payload
        self.order_keys[(channel, update_id)] = order_key
        if claim:
            self._claim("inbox", channel, update_id)
        return True

    async def inbox_pending(self, channel: str, limit: int = 1000) -> list[tuple[str, str]]:
        rows = [(uid, payload) for (ch, uid), payload in self.inbox.items() if ch == channel]
        return rows[:limit]

    async def inbox_done(self, channel: str, update_id: str) -> None:
        self.inbox.pop((channel, update_id), None)
        self.order_keys.pop((channel, update_id), None)
        self.claims.pop(("inbox", channel, update_id), None)

    async def outbox_claim(self, channel: str, update_id: str, max_age: float,
                           max_attempts: int) -> str | None:
        row = self.outbox.get((channel, update_id))
        if row is None or not self._claimable("outbox", channel, update_id):
            return None
        self._claim("outbox", channel, update_id)
        row[2] += 1
        if row[1] < time.time() - max_age or row[2] > max_attempts:
            del self.outbox[(channel, update_id)]
            undelivered(channel, update_id)
            return None
        return str(row[0])

    async def outbox_sent(self, channel: str, update_id: str) -> None:
        if self.claims.get(("outbox", channel, update_id), [self.holder])[0] == self.holder:
            self.outbox.pop((channel, update_id), None)
            self.claims.pop(("outbox", channel, update_id), None)

    # --- claims and leases (the twins of bot/storage/cluster_sql.py) ----------------------
    def _claim(self, table: str, channel: str, update_id: str) -> None:
        self.claims[(table, channel, update_id)] = [self.holder, time.time() + CLAIM_SECONDS]

    def _claimable(self, table: str, channel: str, update_id: str, own: bool = True) -> bool:
        holder, until = self.claims.get((table, channel, update_id), ["", 0.0])
        return (own and holder == self.holder) or (holder != self.holder and
                                                   until < time.time())

    async def inbox_claim(self, channel: str, limit: int = 1000, *,
                          own: bool = True) -> list[tuple[str, str]]:
        waiting: set[str] = set()  # chats with an older event: theirs wait their turn
        rows = []
        for (ch, uid), payload in self.inbox.items():
            if ch != channel:
                continue
            key = self.order_keys.get((ch, uid), "")
            mine = own and self.claims.get(("inbox", ch, uid), [""])[0] == self.holder
            if mine or (key not in waiting and self._claimable("inbox", ch, uid, False)):
                rows.append((uid, payload))
            if key:
                waiting.add(key)
        rows = rows[:limit]
        for uid, _ in rows:
            self._claim("inbox", channel, uid)
        return rows

    async def inbox_take(self, channel: str, update_id: str) -> bool:
        if (channel, update_id) not in self.inbox:
            return True
        if not self._claimable("inbox", channel, update_id):
            return False
        self._claim("inbox", channel, update_id)
        return True

    async def claims_renew(self, seconds: float = CLAIM_SECONDS) -> None:
        for claim in self.claims.values():
            if claim[0] == self.holder:
                claim[1] = time.time() + seconds

    async def lease(self, name: str, seconds: float) -> bool:
        holder, until = self.leases.get(name, (self.holder, 0.0))
        if holder != self.holder and until >= time.time():
            return False
        self.leases[name] = (self.holder, time.time() + seconds)
        return True

    async def lease_release(self, name: str) -> None:
        if self.leases.get(name, ("",))[0] == self.holder:
            del self.leases[name]

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
