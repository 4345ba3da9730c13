"""An in-memory Store for tests: same behaviour as SQLite, nothing on disk."""

from __future__ import annotations

import copy
import json
from typing import Any

from bot.storage.base import Commit, FeedbackRecord, ReferralRecord, Store, TurnRecord


class MemoryStore(Store):
    """Keeps everything in lists and dicts; sessions are deep-copied like a real round-trip."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.turns: list[TurnRecord] = []
        self.feedback: list[FeedbackRecord] = []
        self.referrals: list[ReferralRecord] = []
        self.updates: set[tuple[str, str]] = set()
        self.values: dict[str, str] = {}

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

    async def get_value(self, key: str) -> str | None:
        return self.values.get(key)

    async def set_value(self, key: str, value: str) -> None:
        self.values[key] = value
