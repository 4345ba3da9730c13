"""Claims on inbox and outbox rows: each event handled and each reply sent by one instance."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.base import Commit, Store
from tests.cluster.conftest import Open

CHANNEL = "telegram"


async def die(store: Store) -> None:
    """What an instance's death looks like to the others: its claims stop being renewed."""
    await store.claims_renew(-1.0)


async def test_a_live_instances_events_are_left_to_it(instances: Open) -> None:
    a, b = await instances("a"), await instances("b")
    assert await a.inbox_add(CHANNEL, "1", "{}")
    assert not await b.inbox_add(CHANNEL, "1", "{}")  # Telegram delivered it to b too
    assert not await b.inbox_take(CHANNEL, "1")
    assert await b.inbox_claim(CHANNEL, own=False) == []
    assert await a.inbox_take(CHANNEL, "1")  # a redelivery to a itself is still a's
    await die(a)
    assert await b.inbox_take(CHANNEL, "1")
    assert not await a.inbox_take(CHANNEL, "1")  # b holds it now (a came back too late)
    await b.inbox_done(CHANNEL, "1")
    assert await a.inbox_take(CHANNEL, "1")  # handled and gone: the redelivery path decides


async def test_a_restarted_instance_takes_back_its_own_rows_at_once(instances: Open) -> None:
    a, b = await instances("a"), await instances("b")
    await a.inbox_add(CHANNEL, "1", '{"n": 1}')
    await b.inbox_add(CHANNEL, "2", '{"n": 2}')
    a_again = await instances("a")  # same name, new process
    assert await a_again.inbox_claim(CHANNEL) == [("1", '{"n": 1}')]
    assert await a_again.inbox_claim(CHANNEL, own=False) == []  # b is alive


async def test_two_consumers_claim_a_dead_instances_rows_exactly_once(instances: Open) -> None:
    a, b, c = await instances("a"), await instances("b"), await instances("c")
    for n in range(200):
        await a.inbox_add(CHANNEL, str(n), f'{{"n": {n}}}')
    await die(a)

    async def consume(store: Store) -> list[str]:
        got: list[str] = []
        while rows := await store.inbox_claim(CHANNEL, limit=7, own=False):
            got += [uid for uid, _ in rows]
            await asyncio.sleep(0.01)  # handling them takes a moment
        return got

    got_b, got_c = await asyncio.gather(consume(b), consume(c))
    assert not set(got_b) & set(got_c)
    assert sorted(got_b + got_c, key=int) == [str(n) for n in range(200)]
    assert got_b and got_c, "both consumers should have had a share"
    assert got_b == sorted(got_b, key=int) and got_c == sorted(got_c, key=int)  # oldest first


def _commit(update_id: str) -> Commit:
    return Commit("user-1", CHANNEL, {"step": update_id}, update_id=update_id,
                  replies='[{"text": "hi"}]')


async def test_replies_are_sent_by_one_instance(instances: Open) -> None:
    a, b = await instances("a"), await instances("b")
    await a.commit(_commit("9"))
    assert await b.outbox_claim(CHANNEL, "9", 3600, 3) is None  # a is sending them
    await b.outbox_sent(CHANNEL, "9")  # b sent nothing: a's row must stay
    await die(a)
    assert await b.outbox_claim(CHANNEL, "9", 3600, 3) == '[{"text": "hi"}]'
    assert await a.outbox_claim(CHANNEL, "9", 3600, 3) is None  # b holds it now
    await b.outbox_sent(CHANNEL, "9")
    await die(b)
    assert await a.outbox_claim(CHANNEL, "9", 3600, 3) is None  # sent: gone


async def test_racing_instances_never_both_get_a_reply(instances: Open) -> None:
    a, b, c = await instances("a"), await instances("b"), await instances("c")
    ids = [str(n) for n in range(100)]
    for update_id in ids:
        await a.commit(_commit(update_id))
    await die(a)

    async def drain(store: Store) -> set[str]:
        got = set()
        for update_id in ids:
            if await store.outbox_claim(CHANNEL, update_id, 3600, 3) is not None:
                got.add(update_id)
        return got

    got_b, got_c = await asyncio.gather(drain(b), drain(c))
    assert not got_b & got_c
    assert got_b | got_c == set(ids)


async def test_renewal_keeps_claims_alive(instances: Open) -> None:
    a, b = await instances("a"), await instances("b")
    await a.inbox_add(CHANNEL, "1", "{}")
    await die(a)
    await a.claims_renew()  # a was only slow: it renews before b looks
    assert await b.inbox_claim(CHANNEL, own=False) == []


@pytest.mark.parametrize("reply_key", ["5", "5:3c719390f184"])
async def test_who_takes_an_event_over_can_send_its_replies(instances: Open,
                                                             reply_key: str) -> None:
    # The channels key the inbox on the platform's id ("5") and the turn on that id plus a
    # digest of the content (Telegram's update_key): the claims must not rely on one key.
    a, b = await instances("a"), await instances("b")
    await a.inbox_add(CHANNEL, "5", "{}")
    await a.claims_renew(0.3)  # a's last renewal before it dies...
    await asyncio.sleep(0.1)
    await a.commit(_commit(reply_key))  # ...after which it commits the turn, then dies unsent
    await asyncio.sleep(0.3)
    assert await b.inbox_claim(CHANNEL, own=False) == [("5", "{}")]
    assert await b.outbox_claim(CHANNEL, reply_key, 3600, 3) == '[{"text": "hi"}]'
