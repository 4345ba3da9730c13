"""PostgreSQL specifics: concurrent start-ups, the migration convention, aggregates and purge
through the triggers, concurrent commits."""

import asyncio
import dataclasses
from collections import Counter
from pathlib import Path

import asyncpg
import pytest

from benchmarks.synth import generate
from bot.staff.store import staff_store
from bot.storage.base import Commit, ReportQuery, TurnRecord
from bot.storage.migrations import ALL, Migration
from bot.storage.postgres import MigrationError, PostgresStore, migrate
from bot.storage.sqlite import SQLiteStore

LOG = generate(3000, seed=11)


async def _versions(url: str) -> list[int]:
    conn = await asyncpg.connect(url)
    try:
        return [r[0] for r in await conn.fetch("SELECT version FROM schema_version ORDER BY 1")]
    finally:
        await conn.close()


async def test_two_stores_opening_at_once_on_an_empty_database_migrate_once(pg_url) -> None:
    stores = [PostgresStore(pg_url) for _ in range(3)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        assert await _versions(pg_url) == [m.number for m in ALL]
        await stores[0].set_value("k", "v")
        assert await stores[2].get_value("k") == "v"  # one database, seen by all
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    again = PostgresStore(pg_url)  # reopening applies nothing and keeps the data
    await again.open()
    assert await again.get_value("k") == "v"
    await again.close()
    assert await _versions(pg_url) == [m.number for m in ALL]


async def test_a_migration_without_pg_sql_is_refused_by_name_and_applies_nothing(
        pg_url) -> None:
    broken = [*ALL, Migration(999, "bot.storage.migrations.v999_sqlite_only", "SELECT 1", None)]
    conn = await asyncpg.connect(pg_url)
    try:
        with pytest.raises(MigrationError, match="v999_sqlite_only has no PG_SQL"):
            await migrate(conn, broken)
        assert await conn.fetchval("SELECT to_regclass('turns')") is None  # rolled back
        assert await migrate(conn) == ALL[-1].number
    finally:
        await conn.close()


async def test_v003_builds_the_daily_aggregates_of_an_existing_log(pg_url) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        await migrate(conn, [m for m in ALL if m.number < 3])
        await conn.executemany(
            "INSERT INTO turns (ts, channel, user_key, kind, text, normalized, outcome, topic)"
            " VALUES ($1, 'zalo-oa', 'k', 'text', $2, $2, $3, $4)",
            [(LOG.turns[0].ts, "abc", "miss", None), (LOG.turns[0].ts + 1, "abc", "miss", None),
             (LOG.turns[0].ts + 2, "khai sinh", "answer", "khai-sinh")])
    finally:
        await conn.close()
    store = PostgresStore(pg_url)
    await store.open()
    try:
        staff = staff_store(store)
        daily = Counter()
        for row in await staff.daily(ReportQuery()):
            daily[row[3]] += row[5]
        assert daily == Counter(miss=2, answer=1)
        assert (await staff.wordings(ReportQuery()))[0][:4] == ("abc", "miss", None, 2)
    finally:
        await store.close()


async def test_bulk_log_and_purge_keep_the_same_aggregates_as_sqlite(tmp_path: Path,
                                                                      pg_url) -> None:
    stores = [SQLiteStore(tmp_path / "a.sqlite3"), PostgresStore(pg_url)]
    middle = LOG.turns[len(LOG.turns) // 2].ts
    seen = []
    for store in stores:
        await store.open()
        try:
            await store.append_log(LOG.turns, LOG.feedback, LOG.referrals)  # COPY on PG
            staff = staff_store(store)
            before = (sorted(await staff.daily(ReportQuery())),
                      await staff.wordings(ReportQuery(), limit=50))
            purged = await store.purge(middle)
            after = (sorted(await staff.daily(ReportQuery())),
                     await staff.wordings(ReportQuery(), limit=50),
                     await store.log_stats(ReportQuery()))
            seen.append((before, purged, after))
        finally:
            await store.close()
    assert seen[0][1]["turns"] > 0 and seen[0][2][0]
    assert seen[1] == seen[0]


async def test_concurrent_commits_all_persist(pg_url) -> None:
    store = PostgresStore(pg_url, max_size=5)
    await store.open()
    try:
        async def one(i: int) -> None:
            turn = TurnRecord(float(i), "test", f"user{i}", "text", "hi", "hi", "greeting")
            await store.commit(Commit(f"user{i}", "test", {"n": i}, turn, update_id=str(i)))

        await asyncio.gather(*(one(i) for i in range(200)), store.purge(0.0))
        stats = await store.log_stats(ReportQuery())
        assert stats.turns == 200 and stats.users == 200
        assert await store.load_session("user7") == {"n": 7}
        assert all([await store.seen_update("test", str(i)) for i in (0, 199)])
    finally:
        await store.close()


async def test_a_failing_commit_leaves_nothing_behind(pg_url) -> None:
    store = PostgresStore(pg_url)
    await store.open()
    try:
        bad = TurnRecord(1.0, "test", "u", "text", "hi", "hi", None)  # type: ignore[arg-type]
        with pytest.raises(asyncpg.NotNullViolationError):
            await store.commit(Commit("u", "test", {"x": 1}, bad, update_id="9"))
        assert await store.load_session("u") == {}
        assert not await store.seen_update("test", "9")
        good = dataclasses.replace(bad, outcome="greeting")
        await store.commit(Commit("u", "test", {"x": 2}, good, update_id="9"))
        assert await store.load_session("u") == {"x": 2}
    finally:
        await store.close()


def test_every_migration_has_a_sqlite_and_a_postgresql_script() -> None:
    numbers = [m.number for m in ALL]
    assert numbers == list(range(1, len(numbers) + 1))
    for m in ALL:
        assert m.sql.strip(), f"{m.module}: SQL is empty"
        assert m.pg_sql and m.pg_sql.strip(), f"{m.module}: define PG_SQL (PostgreSQL) too"


HOSTILE = ["'; DROP TABLE sessions; --", "Robert'); DELETE FROM turns;--", "\x00nul\x00",
           "xin chao \ud800\udfff", "\x1b[2J\x07", "<script>alert(1)</script>", "😀" * 3000,
           "$1 $2 ? ?? '?'"]


async def test_hostile_text_through_the_assistant_on_postgresql(brain, config, clock,
                                                                pg_url) -> None:
    from bot.core.assistant import Assistant
    from bot.core.models import Incoming
    from bot.privacy.pseudonym import Pseudonymizer
    store = PostgresStore(pg_url)
    await store.open()
    try:
        assistant = Assistant(brain, store, config, Pseudonymizer(b"k" * 32), clock)
        for i, text in enumerate(HOSTILE):
            replies = await assistant.handle(Incoming("test", f"user-{i}", text=text,
                                                      update_id=f"\x00{i}\ud800"))
            assert replies and replies[-1].text
        replies = await assistant.handle(Incoming("test", "\ud800", start_payload="\udcff"))
        assert replies
        stats = await store.log_stats(ReportQuery())
        assert stats.turns == len(HOSTILE) + 1 and stats.users == len(HOSTILE) + 1
        assert await store.pool.fetchval("SELECT COUNT(*) FROM sessions") == len(HOSTILE) + 1
    finally:
        await store.close()


async def test_a_newer_schema_is_warned_about_not_undone(pg_url, caplog) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        assert await migrate(conn) == ALL[-1].number
        older = ALL[:-1]
        assert await migrate(conn, older) == ALL[-1].number
        assert "newer than this program's" in caplog.text
    finally:
        await conn.close()
