"""Two (or three) instances' stores on one database, to play several processes in one test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.storage.base import Store
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore

Open = Callable[[str], Awaitable[Store]]


@pytest.fixture(params=["sqlite", "postgres"])
async def instances(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Open]:
    """`await instances("a")` opens the store instance "a" would use (all share one database)."""
    opened: list[Store] = []
    url = ""
    if request.param == "postgres":
        from tests import pgcluster

        url = await pgcluster.fresh_database(request.getfixturevalue("pg_cluster"))

    async def open_as(holder: str) -> Store:
        store: Store = PostgresStore(url) if url else SQLiteStore(tmp_path / "shared.sqlite3")
        store.holder = holder
        await store.open()
        opened.append(store)
        return store

    yield open_as
    for store in opened:
        await store.close()
