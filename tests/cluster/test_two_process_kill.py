"""Two real `dvcbot run` processes on one database, one killed with SIGKILL halfway."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from tests.cluster.twoproc import Outcome, kill_one_of_two


def _check(outcome: Outcome, pending: int, turns: int) -> None:
    summary = "\n".join(outcome.lines()) + f"\nleft in the inbox: {pending}  turns: {turns}"
    print("\n" + summary)
    assert outcome.missing == 0, summary  # every message answered
    assert outcome.wrong_order == 0, summary  # in order, flows where they should be
    assert turns == outcome.messages, summary  # each message played once, none twice
    assert pending == 0, summary
    # Not asserted: `sent twice`. A reply the platform accepted just before the kill, whose
    # outbox row was not yet deleted, goes out again from the survivor (README, "Crashes").


@pytest.mark.timeout(400)
async def test_postgresql_two_processes_answer_every_message_in_order(
        tmp_path: Path, pg_cluster) -> None:
    from tests import pgcluster

    url = await pgcluster.fresh_database(pg_cluster)
    outcome = await kill_one_of_two(tmp_path, f"  path: {tmp_path / 'unused.sqlite3'}",
                                    env={"DVCBOT_DATABASE_URL": url})
    conn = await asyncpg.connect(url)
    try:
        pending = int(await conn.fetchval("SELECT count(*) FROM inbox"))
        turns = int(await conn.fetchval("SELECT count(*) FROM turns"))
    finally:
        await conn.close()
    _check(outcome, pending, turns)


@pytest.mark.timeout(400)
async def test_sqlite_two_processes_answer_every_message_in_order(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    outcome = await kill_one_of_two(tmp_path, f"  path: {db}")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        pending = int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])
        turns = int(conn.execute("SELECT count(*) FROM turns").fetchone()[0])
    _check(outcome, pending, turns)
