"""Two real `dvcbot run` processes polling one bot on one PostgreSQL: the lease holder fetches
the updates into the shared inbox and both instances answer from it; kill -9 the holder halfway
and the survivor takes the polling lease over, with no message lost, none answered twice (a
reply in flight at the kill aside) and every chat in order.

Each process talks to the fake Bot API through its own URL prefix, so the calls tell which
instance sent each reply.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from tests.cluster.twoproc import (
    Citizens,
    Outcome,
    kill_now,
    play_and_kill,
    reference,
    script,
    start_polling,
)
from tests.fakes.telegram_api import FakeBotAPI

CITIZENS = 100
HOLDER = ("SELECT holder FROM leases WHERE name = 'telegram.polling'"
          " AND expires_at > extract(epoch FROM clock_timestamp())")


class PolledCitizens(Citizens):
    """The same citizens, whose messages wait at Telegram until the lease holder fetches them."""

    async def post(self, first: int, update: dict[str, object]) -> None:
        self.fake.push(update)


async def _until_up(health: str, seconds: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    async with aiohttp.ClientSession() as session:
        while loop.time() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(health) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{health} never came up")


def _replies(fake: FakeBotAPI, calls: list[Any]) -> Counter[str]:
    return Counter(c.tag for c in calls if c.method == "sendMessage" and c.status == 200)


async def _first_poll(fake: FakeBotAPI, tag: str, since: int, seconds: float = 60.0) -> float:
    """Seconds until `tag` calls getUpdates after call number `since`."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < seconds:
        if any(c.tag == tag and c.method == "getUpdates" for c in fake.calls[since:]):
            return loop.time() - start
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{tag} never polled")


@pytest.mark.timeout(400)
async def test_both_instances_answer_polled_updates_and_the_survivor_takes_over(
        tmp_path: Path, pg_cluster: Any) -> None:
    from tests import pgcluster

    url = await pgcluster.fresh_database(pg_cluster)
    answers = await reference()
    outcome = Outcome(CITIZENS, sum(len(script(n)) for n in range(CITIZENS)))
    fake = FakeBotAPI()
    await fake.start()
    processes: dict[str, asyncio.subprocess.Process] = {}
    db = None
    try:
        for name in ("a", "b"):
            processes[name], health = await start_polling(
                fake, tmp_path / name, f"  path: {tmp_path / name / 'unused.sqlite3'}",
                fake.tagged_url(name), {"DVCBOT_INSTANCE": name, "DVCBOT_DATABASE_URL": url})
            await _until_up(health)
        db = await asyncpg.connect(url)
        play = PolledCitizens(fake, [], None, answers, outcome)  # type: ignore[arg-type]
        seen: dict[str, Any] = {}

        async def kill_the_holder() -> None:
            holder = seen["holder"] = str(await db.fetchval(HOLDER))
            survivor = seen["survivor"] = "b" if holder == "a" else "a"
            await kill_now(processes[holder])
            seen["before_kill"] = _replies(fake, fake.calls)
            seen["took"] = await _first_poll(fake, survivor, len(fake.calls))

        await play_and_kill(play, CITIZENS, kill_the_holder)
        play.compare(CITIZENS)
        pending = int(await db.fetchval("SELECT count(*) FROM inbox"))
        turns = int(await db.fetchval("SELECT count(*) FROM turns"))
        new_holder = await db.fetchval(HOLDER)
    finally:
        if db is not None:
            await db.close()
        for process in processes.values():
            if process.returncode is None:
                process.terminate()
                await process.wait()
        await fake.close()
    total = _replies(fake, fake.calls)
    holder, survivor, before_kill = seen["holder"], seen["survivor"], seen["before_kill"]
    took = seen["took"]
    summary = "\n".join([*outcome.lines(), f"left in the inbox: {pending}  turns: {turns}",
                         f"lease holder killed: {holder}; {survivor} polled {took:.1f} s later",
                         f"replies sent before the kill: {dict(sorted(before_kill.items()))}"
                         f"  in all: {dict(sorted(total.items()))}"])
    print("\n" + summary)
    assert before_kill[holder] > 0 and before_kill[survivor] > 0, summary  # both answered
    assert new_holder == survivor, summary
    assert outcome.missing == 0, summary  # every message answered
    assert outcome.wrong_order == 0, summary  # in order, flows where they should be
    assert turns == outcome.messages, summary  # each message played once, none twice
    assert pending == 0, summary
