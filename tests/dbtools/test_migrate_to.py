"""`dvcbot db migrate-to`: a SQLite installation with 10,000 turns moved into a real PostgreSQL."""

import asyncio
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import asyncpg

from benchmarks.synth import generate
from bot.staff.store import staff_store
from bot.storage.base import Commit, TurnRecord
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore
from tests.conftest import DVCBOT, FLOWS_DIR, KNOWLEDGE_DIR

TURNS = 10_000


async def build_installation(db: Path) -> None:
    """A SQLite file written through the real store API: log, sessions, staff data, queues."""
    store = SQLiteStore(db)
    await store.open()
    try:
        log = generate(TURNS, seed=3, start=1_790_000_000.0, days=40)
        await store.append_log(log.turns[:TURNS], log.feedback, log.referrals)
        for i in range(30):  # sessions, seen updates and unsent replies of live turns
            await store.commit(Commit(f"user{i:03d}", "telegram",
                                      {"flow": "khai-sinh", "step": i}, update_id=str(900 + i),
                                      replies=json.dumps([{"text": f"trả lời {i}"}])))
        await store.set_value("zalo_oa.tokens", '{"access": "a1", "refresh": "r1"}')
        await store.inbox_add("telegram", "777", '{"update_id": 777}')
        await store.inbox_add("telegram", "778", '{"update_id": 778}')
        staff = staff_store(store)
        await staff.add_account("lan", "editor", None, "$argon2id$fake-hash")
        await staff.add_team("to-cntt-1", "khai-sinh", "ấp 3", "lan")
        await staff.decide("nuoi ca canh", "ignore", None, "lan")
        await staff.audit("lan", "login", "ok")
    finally:
        await store.close()


def dvcbot(args: list[str], config: Path, url: str | None = None
           ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DVCBOT_", "PG"))}
    if url:
        env["DVCBOT_DATABASE_URL"] = url
    return subprocess.run([DVCBOT, "--config", str(config), *args], capture_output=True,
                          text=True, env=env, timeout=300, check=False)


def sqlite_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type ="
                                            " 'table' AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def printed_counts(stdout: str) -> dict[str, tuple[int, int]]:
    rows = [line.split() for line in stdout.splitlines()[1:] if not line.startswith("ok:")]
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


async def test_a_sqlite_installation_moves_to_postgresql_with_the_same_counts_and_report(
        tmp_path: Path, pg_url: str) -> None:
    db = tmp_path / "dvcbot.sqlite3"
    await build_installation(db)
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge_dir: {KNOWLEDGE_DIR}\nflows_dir: {FLOWS_DIR}\n"
                      f"log_level: WARNING\nstorage:\n  path: {db}\n", encoding="utf-8")
    before = sqlite_counts(db)
    assert before["turns"] == TURNS and before["daily_turns"] > 0

    done = await asyncio.to_thread(dvcbot, ["db", "migrate-to", "--batch-size", "3000"],
                                   config, pg_url)
    assert done.returncode == 0, done.stderr
    assert "test-only-pw" not in done.stdout + done.stderr  # the password is never printed
    printed = printed_counts(done.stdout)
    expected = {t: n for t, n in before.items() if t != "leases"}
    assert printed == {t: (n, n) for t, n in expected.items()}

    conn = await asyncpg.connect(pg_url)
    try:
        for table, n in expected.items():
            assert await conn.fetchval(f'SELECT COUNT(*) FROM "{table}"') == n, table
        tokens = await conn.fetchval("SELECT value FROM kv WHERE key = 'zalo_oa.tokens'")
        assert json.loads(tokens)["refresh"] == "r1"
        order = await conn.fetch("SELECT update_id FROM inbox ORDER BY seq")
        assert [r[0] for r in order] == ["777", "778"]
    finally:
        await conn.close()

    # The reports read the same figures from both databases.
    sqlite_report = await asyncio.to_thread(dvcbot, ["report", "--format", "json"], config)
    pg_report = await asyncio.to_thread(dvcbot, ["report", "--format", "json"], config, pg_url)
    assert sqlite_report.returncode == 0 and pg_report.returncode == 0, pg_report.stderr
    assert json.loads(sqlite_report.stdout)["totals"]["turns"] == TURNS
    assert json.loads(pg_report.stdout) == json.loads(sqlite_report.stdout)

    # New rows get new ids after the copied ones, and sessions carry on.
    store = PostgresStore(pg_url)
    await store.open()
    try:
        assert (await store.load_session("user007"))["step"] == 7
        await store.append_log([TurnRecord(1_795_000_000.0, "telegram", "u", "text", "x", "x",
                                           "miss")])
        assert await store.pool.fetchval("SELECT MAX(id) FROM turns") == TURNS + 1
    finally:
        await store.close()


async def test_a_target_with_data_is_refused_unless_replaced(tmp_path: Path,
                                                             pg_url: str) -> None:
    db = tmp_path / "small.sqlite3"
    store = SQLiteStore(db)
    await store.open()
    await store.append_log(generate(50, seed=5).turns[:50])
    await store.close()
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  path: {db}\n", encoding="utf-8")

    first = await asyncio.to_thread(dvcbot, ["db", "migrate-to"], config, pg_url)
    assert first.returncode == 0, first.stderr
    again = await asyncio.to_thread(dvcbot, ["db", "migrate-to"], config, pg_url)
    assert again.returncode == 1
    assert "already holds data" in again.stderr and "--replace" in again.stderr
    replaced = await asyncio.to_thread(dvcbot, ["db", "migrate-to", "--replace"], config,
                                       pg_url)
    assert replaced.returncode == 0, replaced.stderr
    assert printed_counts(replaced.stdout)["turns"] == (50, 50)
    conn = await asyncpg.connect(pg_url)
    try:
        assert await conn.fetchval("SELECT COUNT(*) FROM turns") == 50
        assert await conn.fetchval("SELECT SUM(n) FROM daily_turns") == 50
    finally:
        await conn.close()


async def test_a_failed_copy_leaves_the_target_empty_and_can_be_run_again(
        tmp_path: Path, pg_url: str) -> None:
    db = tmp_path / "bad.sqlite3"
    store = SQLiteStore(db)
    await store.open()
    await store.append_log(generate(40, seed=9).turns[:40])
    await store.close()
    with sqlite3.connect(db) as conn:  # SQLite keeps any value in any column
        conn.execute("UPDATE turns SET ts = 'hôm qua' WHERE id = 17")
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  path: {db}\n", encoding="utf-8")

    failed = await asyncio.to_thread(dvcbot, ["db", "migrate-to", "--batch-size", "10"],
                                     config, pg_url)
    assert failed.returncode == 1
    assert "table turns, row 17: column ts: 'hôm qua'" in failed.stderr
    conn = await asyncpg.connect(pg_url)
    try:
        for table in ("turns", "daily_turns", "sessions"):  # copied before the bad row
            assert await conn.fetchval(f'SELECT COUNT(*) FROM "{table}"') == 0, table
    finally:
        await conn.close()

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE turns SET ts = 1790000000.0 WHERE id = 17")
    again = await asyncio.to_thread(dvcbot, ["db", "migrate-to"], config, pg_url)
    assert again.returncode == 0, again.stderr
    assert printed_counts(again.stdout)["turns"] == (40, 40)
