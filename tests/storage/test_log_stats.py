"""The report read API: SQL aggregates equal the pure-Python twin; filters; migrations."""

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from benchmarks.synth import generate
from bot.reports.window import week_start
from bot.storage.base import Commit, ReportQuery, TurnRecord
from bot.storage.memory import MemoryStore
from bot.storage.queries import week_of
from bot.storage.sqlite import SQLiteStore
from tests.storage.kinds import make_store

LOG = generate(6000, seed=3)
T0 = LOG.turns[0].ts


@pytest.fixture(params=["sqlite", "postgres"])
async def stores(request: pytest.FixtureRequest, tmp_path: Path):
    """(a SQL store of each kind, the pure-Python twin), both holding LOG."""
    sql_store = await make_store(request.param, tmp_path, request)
    memory = MemoryStore()
    for store in (sql_store, memory):
        await store.append_log(LOG.turns, LOG.feedback, LOG.referrals)
    yield sql_store, memory
    await sql_store.close()


QUERIES = [
    ReportQuery(),
    ReportQuery(since=T0 + 20 * 86400, until=T0 + 60 * 86400),
    ReportQuery(channel="telegram"),
    ReportQuery(team="to-cntt-phuong-1"),
    ReportQuery(since=T0 + 5 * 86400, channel="zalo-bot", team="doan-thanh-nien",
                max_wordings=7),
]


@pytest.mark.parametrize("query", QUERIES)
async def test_sql_and_python_aggregates_agree(stores, query: ReportQuery) -> None:
    sqlite_store, memory = stores
    from_sql = await sqlite_store.log_stats(query)
    from_python = await memory.log_stats(query)
    assert from_sql == from_python
    assert from_sql.turns > 0 and from_sql.flow_events and from_sql.wordings


async def test_filters_narrow_the_counts(stores) -> None:
    sqlite_store, _ = stores
    everything = await sqlite_store.log_stats(ReportQuery())
    assert everything.turns == len(LOG.turns)
    telegram = await sqlite_store.log_stats(ReportQuery(channel="telegram"))
    assert telegram.channels == {"telegram": telegram.turns}
    assert 0 < telegram.turns < everything.turns
    team = await sqlite_store.log_stats(ReportQuery(team="to-cntt-xa-2"))
    assert [row[0] for row in team.referrals] == ["to-cntt-xa-2"]
    assert [row[0] for row in team.teams] == ["to-cntt-xa-2"]
    window = await sqlite_store.log_stats(ReportQuery(since=T0, until=T0 + 7 * 86400))
    assert window.last_ts is not None and window.last_ts < T0 + 7 * 86400
    assert {w for w, _, _ in window.weekly} <= {week_of(T0), week_of(T0) + 1}


def test_week_numbers_start_on_monday_in_vietnam_time() -> None:
    vn = dt.timezone(dt.timedelta(hours=7))
    monday = dt.datetime(2026, 11, 23, 0, 1, tzinfo=vn).timestamp()  # Sunday 17:01 UTC
    assert week_of(monday) == week_of(monday - 120) + 1
    assert week_of(monday) == week_of(monday + 6 * 86400 + 23 * 3600)
    assert week_start(week_of(monday)) == "2026-11-23"


async def test_migrations_add_the_team_column_and_indexes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "m.sqlite3")
    await store.open()
    await store.close()
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 2
        columns = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master "
                                                "WHERE type = 'index'")}
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "referral" in columns
    assert {"turns_outcome_ts", "turns_flow_user_ts", "turns_referral_ts"} <= indexes


async def test_concurrent_turns_of_different_users_do_not_interleave(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.sqlite3")
    await store.open()

    async def one(i: int) -> None:
        turn = TurnRecord(float(i), "test", f"user{i}", "text", "hi", "hi", "greeting")
        await store.commit(Commit(f"user{i}", "test", {"n": i}, turn, update_id=str(i)))

    await asyncio.gather(*(one(i) for i in range(50)), store.purge(0.0))
    stats = await store.log_stats(ReportQuery())
    assert stats.turns == 50 and stats.users == 50
    assert await store.load_session("user7") == {"n": 7}
    await store.close()
