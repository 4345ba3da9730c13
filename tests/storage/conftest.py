"""Stores for the contract tests: each test runs on memory, SQLite and PostgreSQL alike."""

from pathlib import Path

import pytest

from bot.storage.base import Store
from bot.storage.memory import MemoryStore
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore

KINDS = ["memory", "sqlite", "postgres"]


async def make_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    """An opened store of `kind` (PostgreSQL: a fresh database on the session's server)."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        store: Store = SQLiteStore(tmp_path / "contract.sqlite3")
    else:
        store = PostgresStore(await request.getfixturevalue("pg_url_factory")())
    await store.open()
    return store


@pytest.fixture
def pg_url_factory(pg_cluster):
    """`await pg_url_factory()`: the URL of one more fresh database."""
    from tests import pgcluster

    async def make() -> str:
        return await pgcluster.fresh_database(pg_cluster)
    return make


@pytest.fixture(params=KINDS)
async def any_store(request: pytest.FixtureRequest, tmp_path: Path):
    """An open store of each kind in turn; closed after the test."""
    store = await make_store(request.param, tmp_path, request)
    yield store
    await store.close()
