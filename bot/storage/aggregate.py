"""The report aggregates computed in plain Python over records (MemoryStore, benchmarks).

It mirrors bot/storage/queries.py row for row, so tests can compare the two.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from bot.storage.base import FeedbackRecord, LogStats, ReferralRecord, ReportQuery, TurnRecord
from bot.storage.queries import MAX_COMMENTS, MISS_OUTCOMES, QUESTION_OUTCOMES, week_of


def _keep(query: ReportQuery, ts: float, channel: str, team: str | None,
          filter_team: bool = True) -> bool:
    if query.since is not None and ts < query.since:
        return False
    if query.until is not None and ts >= query.until:
        return False
    if query.channel and channel != query.channel:
        return False
    return not (filter_team and query.team and team != query.team)


def _nulls_first(value: str | None) -> tuple[bool, str]:
    return value is not None, value or ""


def aggregate(turns: Iterable[TurnRecord], feedback: Iterable[FeedbackRecord],
              referrals: Iterable[ReferralRecord], query: ReportQuery) -> LogStats:
    """Compute LogStats by walking every record once (the naive alternative to SQL).

    Args:
        turns: logged turns, in insertion order.
        feedback: feedback rows, in insertion order.
        referrals: referral rows.
        query: filters.

    Returns:
        The same aggregates as `queries.log_stats`.
    """
    stats = LogStats()
    users: set[str] = set()
    outcomes: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    topics: Counter[tuple[str, str]] = Counter()
    weekly: Counter[tuple[int, str | None]] = Counter()
    wordings: Counter[tuple[str, str, str | None]] = Counter()
    examples: dict[tuple[str, str, str | None], str] = {}
    events: list[tuple[str, float, int, str, str | None, str]] = []
    team_turns: Counter[str] = Counter()
    team_misses: Counter[str] = Counter()
    team_users: dict[str, set[str]] = defaultdict(set)
    for i, t in enumerate(turns):
        if not _keep(query, t.ts, t.channel, t.referral):
            continue
        stats.turns += 1
        users.add(t.user_key)
        stats.first_ts = t.ts if stats.first_ts is None else min(stats.first_ts, t.ts)
        stats.last_ts = t.ts if stats.last_ts is None else max(stats.last_ts, t.ts)
        outcomes[t.outcome] += 1
        channels[t.channel] += 1
        if t.topic is not None:
            topics[(t.topic, t.outcome)] += 1
        if t.outcome in QUESTION_OUTCOMES:
            weekly[(week_of(t.ts), t.topic)] += 1
        if t.outcome in MISS_OUTCOMES and t.normalized:
            key = (t.normalized, t.outcome, t.topic)
            wordings[key] += 1
            examples[key] = max(examples.get(key, ""), t.text or "")
        if t.flow_id is not None and (t.outcome.startswith("flow") or t.outcome == "answer"):
            events.append((t.user_key, t.ts, i, t.flow_id, t.step_id, t.outcome))
        if t.referral is not None:
            team_turns[t.referral] += 1
            team_users[t.referral].add(t.user_key)
            team_misses[t.referral] += t.outcome in MISS_OUTCOMES
    stats.users = len(users)
    stats.outcomes, stats.channels = dict(outcomes), dict(channels)
    stats.topics = sorted((a, b, n) for (a, b), n in topics.items())
    stats.weekly = sorted(((w, tp, n) for (w, tp), n in weekly.items()),
                          key=lambda r: (r[0], _nulls_first(r[1])))
    ranked = sorted(wordings.items(),
                    key=lambda kv: (-kv[1], kv[0][0], kv[0][1], _nulls_first(kv[0][2])))
    stats.wordings = [(k[0], k[1], k[2], n, examples[k])
                      for k, n in ranked[:query.max_wordings]]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    stats.flow_events = [(u, ts, f, s, o) for u, ts, _, f, s, o in events]
    stats.teams = [(team, n, len(team_users[team]), team_misses[team])
                   for team, n in sorted(team_turns.items())]
    _feedback(stats, feedback, query)
    _referrals(stats, referrals, query)
    return stats


def _feedback(stats: LogStats, feedback: Iterable[FeedbackRecord], query: ReportQuery) -> None:
    votes: dict[tuple[str | None, str | None], list[int]] = {}
    comments = []
    for i, f in enumerate(feedback):
        if not _keep(query, f.ts, f.channel, f.referral):
            continue
        counts = votes.setdefault((f.topic, f.flow_id), [0, 0])
        counts[0] += f.rating > 0
        counts[1] += f.rating < 0
        if f.comment:
            comments.append((f.ts, i, f.topic, f.flow_id, f.comment))
    stats.feedback = sorted(((t, fl, up, down) for (t, fl), (up, down) in votes.items()),
                            key=lambda r: (_nulls_first(r[0]), _nulls_first(r[1])))
    comments.sort(key=lambda c: (c[0], c[1]), reverse=True)
    stats.comments = [(ts, t, fl, c) for ts, _, t, fl, c in comments[:MAX_COMMENTS]]


def _referrals(stats: LogStats, referrals: Iterable[ReferralRecord], query: ReportQuery) -> None:
    arrivals: Counter[str] = Counter()
    users: dict[str, set[str]] = defaultdict(set)
    for r in referrals:
        if r.team is None or not _keep(query, r.ts, r.channel, r.team):
            continue
        arrivals[r.team] += 1
        users[r.team].add(r.user_key)
    stats.referrals = [(team, n, len(users[team])) for team, n in sorted(arrivals.items())]
