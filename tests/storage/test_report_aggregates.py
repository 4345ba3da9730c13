"""The report from v005's daily aggregates equals the report from the raw turns, on SQLite and
PostgreSQL, whether the aggregates were kept by the triggers or backfilled by the migration,
before and after a purge."""

import dataclasses
import json
from pathlib import Path

import pytest

from benchmarks.synth import generate
from bot.reports.model import build_report
from bot.storage.base import LogStats, ReportQuery, Store, TurnRecord
from bot.storage.daily import day_aligned
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore
from bot.storage.sqlite import migrate as sqlite_migrate

LOG = generate(4000, seed=5)
T0 = LOG.turns[0].ts
DAY = 86400
MIDNIGHT = (int(T0 + 7 * 3600) // DAY + 1) * DAY - 7 * 3600  # the first Vietnam midnight


def _tricky() -> list[TurnRecord]:
    """Flow turns the synthetic log lacks: a run opened by an answer, a turn of another flow
    while one is open, steps without a step id, turns before any start, two runs of one
    citizen across a day boundary, a run still open at the end of the log."""
    rows = []

    def add(user: str, ts: float, outcome: str, flow: str | None, step: str | None,
            channel: str = "telegram", team: str | None = None) -> None:
        rows.append(TurnRecord(ts=ts, channel=channel, user_key=user, kind="button",
                               text="[nút]", normalized=None, outcome=outcome, flow_id=flow,
                               step_id=step, referral=team))

    t = MIDNIGHT + 20 * DAY - 600
    add("tricky-1", t, "flow_step", "f-a", "s2")  # before any start: ignored
    add("tricky-1", t + 10, "answer", "f-a", "s1")  # a question opens the guide
    add("tricky-1", t + 20, "flow_step", "f-b", "x")  # another flow: ignored
    add("tricky-1", t + 30, "flow_step", "f-a", None)
    add("tricky-1", t + 900, "flow_step", "f-a", "s2")  # next day
    add("tricky-1", t + 950, "flow_start", "f-b", None, team="doan-thanh-nien")  # replaces f-a
    add("tricky-1", t + 990, "flow_cancel", "f-b", "b1", team="doan-thanh-nien")
    add("tricky-1", t + 995, "flow_step", "f-b", "b2")  # after the cancel: ignored
    add("tricky-2", t + 5, "flow_start", "f-a", "s1", channel="zalo-bot")
    add("tricky-2", t + 2 * DAY, "flow_step", "f-a", "s2", channel="zalo-bot")
    add("tricky-2", t + 2 * DAY + 5, "flow_end", "f-a", "s3", channel="zalo-bot")
    end = LOG.turns[-1].ts
    add("tricky-3", end - 3600, "flow_start", "f-a", "s1")  # in progress at the end
    return rows


TURNS = sorted(LOG.turns + _tricky(), key=lambda r: r.ts)
NOW = TURNS[-1].ts + 600
QUERIES = [
    ReportQuery(),
    ReportQuery(since=MIDNIGHT + 10 * DAY),
    ReportQuery(since=MIDNIGHT + 10 * DAY, until=MIDNIGHT + 20 * DAY),  # cuts two runs
    ReportQuery(until=MIDNIGHT + 60 * DAY, max_wordings=9),
    ReportQuery(channel="zalo-bot"),
    ReportQuery(team="doan-thanh-nien", since=MIDNIGHT + 3 * DAY),
    ReportQuery(since=MIDNIGHT + 5 * DAY + 3600, until=MIDNIGHT + 40 * DAY),  # not aligned
]


async def _sqlite(tmp_path: Path, backfill: bool) -> Store:
    store = SQLiteStore(tmp_path / "agg.sqlite3")
    if backfill:  # the log exists before v005: the migration computes the aggregates
        await store.open(schema=4)
        await store.append_log(TURNS, LOG.feedback, LOG.referrals)
        await sqlite_migrate(store.db)
        return store
    await store.open()
    await store.append_log(TURNS, LOG.feedback, LOG.referrals)
    return store


async def _postgres(url: str, backfill: bool) -> Store:
    store = PostgresStore(url)
    if backfill:
        await store.open(schema=4)
        await store.append_log(TURNS, LOG.feedback, LOG.referrals)
        await store.close()
        await store.open()
        return store
    await store.open()
    await store.append_log(TURNS, LOG.feedback, LOG.referrals)
    return store


@pytest.fixture(params=["sqlite-triggers", "sqlite-backfill", "postgres-triggers",
                        "postgres-backfill"])
async def store(request: pytest.FixtureRequest, tmp_path: Path):
    """A store holding the log, its aggregates built one way or the other."""
    kind, how = request.param.split("-")
    backfill = how == "backfill"
    if kind == "sqlite":
        opened = await _sqlite(tmp_path, backfill)
    else:
        opened = await _postgres(await request.getfixturevalue("pg_url_factory")(), backfill)
    yield opened
    await opened.close()


def _report(stats: LogStats, query: ReportQuery) -> str:
    report = build_report(stats, query, {}, {"khai-sinh": "Khai sinh"}, NOW)
    return json.dumps(report.as_dict(), ensure_ascii=False, sort_keys=True, indent=1)


def _without_flows(stats: LogStats) -> LogStats:
    return dataclasses.replace(stats, flow_events=[], flow_runs=[])


async def _assert_same(store: Store, query: ReportQuery) -> LogStats:
    fast = await store.log_stats(query)
    raw = await store.log_stats(dataclasses.replace(query, raw=True))
    assert _without_flows(fast) == _without_flows(raw)
    assert _report(fast, query) == _report(raw, query)
    return fast


@pytest.mark.parametrize("query", QUERIES)
async def test_the_aggregates_give_the_raw_report(store: Store, query: ReportQuery) -> None:
    fast = await _assert_same(store, query)
    assert fast.turns > 0 and fast.wordings and fast.feedback
    if day_aligned(query) and not (query.channel or query.team):
        assert fast.flow_runs  # the runs came from flow_runs, not from the turns
    if query.until == MIDNIGHT + 20 * DAY:  # runs going on at `until` are replayed, only they
        replayed = {e[0] for e in fast.flow_events}
        assert {"tricky-1", "tricky-2"} <= replayed and len(replayed) < 5


async def test_a_purge_keeps_the_aggregates_equal_to_the_turns(store: Store) -> None:
    before = MIDNIGHT + 20 * DAY + 5 * 3600 + 17  # mid-day, as a retention purge is
    deleted = await store.purge(before)
    assert deleted["turns"] > 0
    for query in QUERIES[:2] + QUERIES[3:]:
        await _assert_same(store, query)
    remaining = await store.log_stats(ReportQuery())
    assert remaining.first_ts is not None and remaining.first_ts >= before
    examples = {w[4] for w in remaining.wordings}
    raw = await store.log_stats(ReportQuery(raw=True))
    assert examples == {w[4] for w in raw.wordings}


async def test_turns_logged_one_by_one_keep_the_runs(store: Store) -> None:
    """A citizen's turns committed one at a time (the live path) update the open run."""
    from bot.storage.base import Commit

    t = NOW + 100
    for i, (outcome, step) in enumerate((("flow_start", "s1"), ("flow_step", "s2"),
                                         ("flow_step", "s2"), ("flow_end", "s3"))):
        turn = TurnRecord(ts=t + i, channel="telegram", user_key="live", kind="button",
                          text=None, normalized=None, outcome=outcome, flow_id="f-live",
                          step_id=step)
        await store.commit(Commit("live", "telegram", {}, turn=turn))
    stats = await _assert_same(store, ReportQuery(since=MIDNIGHT + 30 * DAY))
    assert ("f-live", "completed", "s3", "s1\x1fs2\x1fs3\x1f", None, 1) in stats.flow_runs
