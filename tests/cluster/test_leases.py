"""Leases: one holder at a time, renewed by it, taken over once it stops renewing."""

from __future__ import annotations

import asyncio

from bot.cluster.lease import LeaseKeeper
from bot.privacy.retention import purge_if_due
from tests.cluster.conftest import Open


async def test_one_holder_renews_and_another_takes_over_after_expiry(instances: Open) -> None:
    a, b = await instances("a"), await instances("b")
    assert await a.lease("poll", 0.5)
    assert not await b.lease("poll", 0.5)
    assert await a.lease("poll", 0.5)  # renewed
    assert await b.lease("other", 0.5)  # names are independent
    await asyncio.sleep(0.6)
    assert await b.lease("poll", 0.5)
    assert not await a.lease("poll", 0.5)
    await b.lease_release("poll")
    assert await a.lease("poll", 0.5)  # released: no need to wait
    await b.lease_release("poll")  # not b's: nothing happens
    assert not await b.lease("poll", 0.5)


async def test_keepers_call_their_hooks_on_gain_and_loss(instances: Open) -> None:
    a, b = await instances("a"), await instances("b")
    events: list[str] = []

    def keeper(name: str, store_name: str) -> LeaseKeeper:
        async def gain() -> None:
            events.append(f"{name}+")

        async def loss() -> None:
            events.append(f"{name}-")
        return LeaseKeeper({"a": a, "b": b}[store_name], "poll", on_gain=gain, on_loss=loss,
                           seconds=0.4, every=0.1)

    first, second = keeper("a", "a"), keeper("b", "b")
    assert await first.step() and not await second.step()
    task = asyncio.create_task(second.run())
    try:
        await asyncio.sleep(0.8)  # `first` stopped renewing: as if killed
        assert second.held
        assert not await first.step()
    finally:
        task.cancel()
    await second.release()
    assert events == ["a+", "b+", "a-", "b-"]


async def test_the_daily_purge_runs_once_across_instances(instances: Open) -> None:
    a, b = await instances("a"), await instances("b")
    assert await purge_if_due(a, 30) is not None
    assert await purge_if_due(b, 30) is None  # a holds the lease
    await a.lease_release("retention.purge")
    assert await purge_if_due(b, 30) is None  # done less than a day ago
    assert await purge_if_due(b, 30, now=4_000_000_000.0) is not None
