"""The three store kinds of the contract tests, opened the same way."""

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
