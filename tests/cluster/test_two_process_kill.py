"""Two real `dvcbot run` processes on one database, one killed with SIGKILL halfway."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from tests.cluster.twoproc import kill_one_of_two


@pytest.mark.timeout(400)
async def test_sqlite_two_processes_answer_every_message_in_order(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"

    async def pending() -> int:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            return int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])

    outcome = await kill_one_of_two(tmp_path, f"  path: {db}", citizens=200)
    summary = "\n".join(outcome.lines())
    print("\n" + summary)
    assert outcome.missing == 0, summary
    assert outcome.wrong_order == 0, summary
    assert await pending() == 0, summary
