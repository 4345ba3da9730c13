"""PostgreSQL: one citizen's turns run one at a time across instances; the pool never starves."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.base import Commit, Store
from bot.storage.postgres import PostgresStore


@pytest.fixture
async def url(pg_cluster) -> str:
    from tests import pgcluster

    return await pgcluster.fresh_database(pg_cluster)


async def _turn(store: Store, user: str) -> None:
    """Read the session, think a moment, write it back: what Assistant.handle does."""
    async with store.turn_lock(user):
        session = await store.load_session(user)
        await asyncio.sleep(0.005)
        await store.commit(Commit(user, "telegram", {"turns": session.get("turns", 0) + 1}))


async def _open(url: str, name: str, pool: int = 10) -> PostgresStore:
    store = PostgresStore(url, max_size=pool)
    store.holder = name
    await store.open()
    return store


async def test_turns_of_one_citizen_on_two_instances_never_overlap(url: str) -> None:
    a, b = await _open(url, "a"), await _open(url, "b")
    try:
        await asyncio.gather(*(_turn(a if n % 2 else b, "citizen") for n in range(40)))
        assert (await a.load_session("citizen"))["turns"] == 40  # no turn lost an update
    finally:
        await a.close()
        await b.close()


async def test_fifty_citizens_mid_turn_do_not_deadlock_a_small_pool(url: str) -> None:
    a, b = await _open(url, "a", pool=3), await _open(url, "b", pool=3)
    try:
        users = [f"u{n}" for n in range(50)]
        turns = [_turn(store, user) for user in users for store in (a, b)]
        await asyncio.wait_for(asyncio.gather(*turns), timeout=120)
        for user in users:
            assert (await a.load_session(user))["turns"] == 2
    finally:
        await a.close()
        await b.close()
