"""The storage interface the core depends on, and the records it writes."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TurnRecord:
    """One logged turn. Text fields are already redacted; `user_key` is pseudonymous."""

    ts: float
    channel: str
    user_key: str
    kind: str  # text | button | start
    text: str | None
    normalized: str | None
    outcome: str  # answer | suggest | miss | greeting | menu | flow | feedback | safety | ...
    topic: str | None = None
    score: float | None = None
    facet: str | None = None
    flow_id: str | None = None
    step_id: str | None = None
    referral: str | None = None
    latency_ms: float | None = None


@dataclass(frozen=True)
class FeedbackRecord:
    """A thumbs up (+1) or down (-1), optionally with a redacted comment."""

    ts: float
    channel: str
    user_key: str
    rating: int
    topic: str | None = None
    flow_id: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ReferralRecord:
    """A citizen arrived through a team's link or QR poster."""

    ts: float
    channel: str
    user_key: str
    code: str
    team: str | None = None


@dataclass
class Commit:
    """Everything one turn writes, committed in a single transaction."""

    user_key: str
    channel: str
    session: dict[str, Any]
    turn: TurnRecord | None = None
    feedback: FeedbackRecord | None = None
    referral: ReferralRecord | None = None
    update_id: str | None = None


class Store(abc.ABC):
    """Five operations the core needs; SQLite in production, memory in tests."""

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Prepare the store (create files, run migrations)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""

    @abc.abstractmethod
    async def load_session(self, user_key: str) -> dict[str, Any]:
        """Return the saved session of a (pseudonymous) user, or an empty dict."""

    @abc.abstractmethod
    async def seen_update(self, channel: str, update_id: str) -> bool:
        """Tell whether this channel event was already processed."""

    @abc.abstractmethod
    async def commit(self, commit: Commit) -> None:
        """Save the session and the turn's log rows atomically, before the reply is sent."""

    @abc.abstractmethod
    async def get_value(self, key: str) -> str | None:
        """Read a small named value (tokens, installation secrets)."""

    @abc.abstractmethod
    async def set_value(self, key: str, value: str) -> None:
        """Write a small named value durably before returning."""
