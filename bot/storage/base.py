"""The storage interface the core depends on, and the records it writes."""

from __future__ import annotations

import abc
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)
# How long a claim on an inbox or outbox row lasts unless its instance renews it (every few
# seconds while alive): the rows of an instance that died are taken over after this.
CLAIM_SECONDS = 10.0


def undelivered(channel: str, update_id: str) -> None:
    """Log replies given up on (too old or too many attempts)."""
    log.warning("outbox: replies to %s update %s given up, undelivered", channel, update_id)


class StoreUnavailable(RuntimeError):
    """The database cannot be opened (unreachable, refused, wrong schema); says which, safely."""


class AlreadyHandled(Exception):
    """Another process committed this update first; nothing of this commit was written."""


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
    referral: str | None = None  # the team whose link brought the citizen (v002)


@dataclass(frozen=True)
class ReferralRecord:
    """A citizen arrived through a team's link or QR poster."""

    ts: float
    channel: str
    user_key: str
    code: str
    team: str | None = None


@dataclass(frozen=True)
class ReportQuery:
    """Which part of the log a report reads: a time window (epoch seconds), channel, team."""

    since: float | None = None
    until: float | None = None
    channel: str | None = None
    team: str | None = None
    max_wordings: int = 5000  # distinct miss wordings fetched, most frequent first
    raw: bool = False  # read the turns even where the daily aggregates could answer (tests)


RUN_STEP_END = "\x1f"  # ends each step id in LogStats.flow_runs' steps


@dataclass
class LogStats:
    """Aggregates read from the log for one ReportQuery (bot/reports turns them into a report).

    Rows are plain tuples so both stores (SQL and pure Python) produce identical values.
    """

    turns: int = 0
    users: int = 0
    first_ts: float | None = None
    last_ts: float | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    # (topic, outcome, turns) for turns that name a topic
    topics: list[tuple[str, str, int]] = field(default_factory=list)
    # (week number since the epoch in Vietnam time, topic or None, question turns)
    weekly: list[tuple[int, str | None, int]] = field(default_factory=list)
    # (normalized wording, outcome, topic or None, turns, an example redacted text)
    wordings: list[tuple[str, str, str | None, int, str]] = field(default_factory=list)
    # (topic or None, flow or None, thumbs up, thumbs down)
    feedback: list[tuple[str | None, str | None, int, int]] = field(default_factory=list)
    # (ts, topic or None, flow or None, redacted comment), newest first
    comments: list[tuple[float, str | None, str | None, str]] = field(default_factory=list)
    # (user_key, ts, flow_id, step_id, outcome) of flow turns, ordered by user then time
    flow_events: list[tuple[str, float, str, str | None, str]] = field(default_factory=list)
    # Flow runs already replayed by the store (v005's flow_runs), as (flow_id, state, last
    # step, steps reached each followed by RUN_STEP_END, last turn's ts for open runs, runs);
    # state: completed | cancelled | replaced | open. Funnels count these plus flow_events.
    flow_runs: list[tuple[str, str, str | None, str, float | None, int]] = field(
        default_factory=list)
    # (team, arrivals through the team's links, distinct users)
    referrals: list[tuple[str, int, int]] = field(default_factory=list)
    # (team, turns, distinct users, misses) of citizens who came through a team's link
    teams: list[tuple[str, int, int, int]] = field(default_factory=list)


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
    replies: str | None = None  # JSON; kept in the outbox until `outbox_sent` (needs update_id)


class Store(abc.ABC):
    """Five operations the core needs; SQLite in production, memory in tests."""

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Prepare the store (create files, run migrations)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""

    async def ping(self) -> None:  # noqa: B027 - optional hook
        """Run a trivial query; raise when the database cannot answer (/healthz)."""

    @abc.abstractmethod
    async def load_session(self, user_key: str) -> dict[str, Any]:
        """Return the saved session of a (pseudonymous) user, or an empty dict."""

    @abc.abstractmethod
    async def seen_update(self, channel: str, update_id: str) -> bool:
        """Tell whether this channel event was already processed."""

    @abc.abstractmethod
    async def commit(self, commit: Commit) -> None:
        """Save the session and the turn's log rows atomically, before the reply is sent.

        Raises:
            AlreadyHandled: the commit's update_id was committed already (two processes played
                one update: the later one writes nothing). PostgreSQL cannot get there: the turn
                lock and the `seen_update` check inside it already serialise them.
        """

    @abc.abstractmethod
    async def get_value(self, key: str) -> str | None:
        """Read a small named value (tokens, installation secrets)."""

    @abc.abstractmethod
    async def set_value(self, key: str, value: str) -> None:
        """Write a small named value durably before returning."""

    @abc.abstractmethod
    async def inbox_add(self, channel: str, update_id: str, payload: str,
                        order_key: str = "", *, claim: bool = True) -> bool:
        """Durably record a received event before the platform is told it arrived.

        The row is claimed by this instance, unless `claim=False` or an older event of the
        same `order_key` (a chat) is waiting or held by another instance: then it is left for
        any instance to claim (`inbox_claim`), one event per chat at a time, oldest first.

        Returns:
            True when the event is new and this instance's to handle; False when it was
            already waiting (a redelivery) or is left for `inbox_claim`.
        """

    @abc.abstractmethod
    async def inbox_pending(self, channel: str, limit: int = 1000) -> list[tuple[str, str]]:
        """(update_id, payload) of events received but not yet handled, oldest first."""

    @abc.abstractmethod
    async def inbox_done(self, channel: str, update_id: str) -> None:
        """Forget a handled event (its redeliveries are caught by `seen_update`)."""

    @abc.abstractmethod
    async def outbox_claim(self, channel: str, update_id: str, max_age: float,
                           max_attempts: int) -> str | None:
        """The unsent replies of a logged event, counting one more attempt.

        Returns:
            The replies' JSON, or None when sent already, too old or tried too often (then
            the row is dropped and logged as undelivered).
        """

    @abc.abstractmethod
    async def outbox_sent(self, channel: str, update_id: str) -> None:
        """The platform accepted the replies: forget them."""

    async def log_stats(self, query: ReportQuery) -> LogStats:
        """Read the aggregates staff reports are built from (read-only).

        Args:
            query: time window, channel and team filters.

        Returns:
            The aggregates.
        """
        raise NotImplementedError(f"{type(self).__name__} does not serve reports")

    async def purge(self, before: float) -> dict[str, int]:
        """Delete log rows and idle sessions older than `before` (retention).

        Args:
            before: epoch seconds; older rows go.

        Returns:
            Rows deleted per table.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot purge")

    # --- several instances on one database (bot/cluster) ---------------------------------
    # `holder` names this instance; rows it inserts into the inbox and outbox are claimed by
    # it for CLAIM_SECONDS and renewed by `claims_renew` while it lives.
    holder: str = "local"

    async def inbox_claim(self, channel: str, limit: int = 1000, *,
                          own: bool = True) -> list[tuple[str, str]]:
        """Claim waiting events for this instance, oldest first.

        Args:
            channel: the channel.
            limit: at most this many.
            own: also the rows already claimed by this instance's name (its previous run);
                False: only the rows whose claim expired (their instance died).

        Returns:
            (update_id, payload) of the events now claimed by this instance.
        """
        raise NotImplementedError(f"{type(self).__name__} has no inbox claims")

    async def inbox_take(self, channel: str, update_id: str) -> bool:
        """Claim one event delivered again; False while another live instance holds it."""
        raise NotImplementedError(f"{type(self).__name__} has no inbox claims")

    async def claims_renew(self, seconds: float = CLAIM_SECONDS) -> None:
        """Extend this instance's claims on inbox and outbox rows by `seconds` from now."""
        raise NotImplementedError(f"{type(self).__name__} has no inbox claims")

    async def lease(self, name: str, seconds: float) -> bool:
        """Take or renew the named lease for `seconds`; False while another holder has it."""
        raise NotImplementedError(f"{type(self).__name__} has no leases")

    async def lease_release(self, name: str) -> None:
        """Give the named lease up (only if this instance holds it)."""
        raise NotImplementedError(f"{type(self).__name__} has no leases")

    async def inbox_listen(self, channel: str, wake: Callable[[], None]
                           ) -> Callable[[], Awaitable[None]]:
        """Call `wake` whenever an event of `channel` is left for any instance to claim
        (`inbox_add(claim=False)`, by any instance); returns the function that stops it."""
        raise NotImplementedError(f"{type(self).__name__} wakes no other instance")

    def turn_lock(self, user_key: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold the turns of one citizen one at a time across processes (none: in-process)."""
        return contextlib.nullcontext()

    def export_rows(self, table: str, query: ReportQuery
                    ) -> AsyncGenerator[tuple[Any, ...], None]:
        """Rows of `turns` or `feedback` within the filters, oldest first (see
        queries.EXPORT_COLUMNS); SQL stores implement it as an async generator."""
        raise NotImplementedError(f"{type(self).__name__} cannot export")
