"""kill -9 `dvcbot run` again and again under Telegram polling load, then count what survived.

Each update comes from its own chat and asks `/menu` (one reply), so per update we can tell
whether Telegram was told it arrived (confirmed), the bot logged its turn, and it was answered
(once or more). Shared by tests/reliability (short) and benchmarks (long).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.telegram_api import FakeBotAPI
from tests.reliability.flowwalk import FlowReport, check, make_walkers, walk

DVCBOT = os.environ.get("DVCBOT_BIN") or str(Path(sys.executable).with_name("dvcbot"))
FIRST_CHAT = 50_000


@dataclass
class KillReport:
    """What happened to the updates sent across all the kills."""

    kills: int
    sent: int
    confirmed: int
    logged: int
    answered: int
    answered_twice: int
    lost: int  # confirmed, yet never logged nor answered
    pending_inbox: int
    flows: FlowReport

    def lines(self) -> list[str]:
        return [f"kills: {self.kills}  updates sent: {self.sent}",
                f"confirmed to Telegram: {self.confirmed}",
                f"logged: {self.logged}  answered: {self.answered}  "
                f"answered twice: {self.answered_twice}",
                f"confirmed but lost (never logged nor answered): {self.lost}",
                f"left in the inbox: {self.pending_inbox}",
                self.flows.line()]


async def _start(fake: FakeBotAPI, workdir: Path, extra_env: dict[str, str] | None = None
                 ) -> asyncio.subprocess.Process:
    """Start `dvcbot run` in `workdir` (its config.yaml is written unless already there)."""
    config = workdir / "config.yaml"
    if not config.exists():
        config.write_text(
            f"log_level: WARNING\nstorage:\n  path: {workdir / 'bot.sqlite3'}\n"
            f"http:\n  host: 127.0.0.1\n  port: 0\n"
            f"telegram:\n  base_url: {fake.base_url}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(DVCBOT_TELEGRAM_TOKEN=fake.token,
               DVCBOT_PSEUDONYM_KEY="kill-loop-pseudonym-key-0123456789")
    env.update(extra_env or {})
    with open(workdir / "stderr.log", "ab") as log:  # what a failed start printed
        return await asyncio.create_subprocess_exec(
            DVCBOT, "--config", str(config), "run", env=env, cwd=workdir,
            stdout=asyncio.subprocess.DEVNULL, stderr=log)


async def _settle(fake: FakeBotAPI, last_id: Callable[[], int], seconds: float) -> None:
    """Wait until every update is confirmed and nothing was sent for a while."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    quiet_since, count = loop.time(), -1
    while loop.time() < deadline:
        now_count = len(fake.calls)
        if now_count != count:
            quiet_since, count = loop.time(), now_count
        if fake.confirmed_offset > last_id() and loop.time() - quiet_since > 2.0:
            return
        await asyncio.sleep(0.2)


def _logged(db: Path) -> tuple[set[int], int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        ids = {int(str(row[0]).split(":")[0]) for row in conn.execute(
            "SELECT update_id FROM processed_updates WHERE channel = 'telegram'")}
        try:
            pending = conn.execute("SELECT count(*) FROM inbox").fetchone()[0]
        except sqlite3.OperationalError:  # a version without the inbox
            pending = 0
    return ids, int(pending)


async def kill_loop(workdir: Path, kills: int, per_round: int, seed: int = 1,
                    walkers: int = 5) -> KillReport:
    """Send `per_round` updates, SIGKILL the bot at a random moment, `kills` times; then
    run it once more to the end and count. Meanwhile `walkers` citizens walk guided flows,
    one step per round."""
    rng = random.Random(seed)
    fake = FakeBotAPI()
    await fake.start()
    chats: dict[int, int] = {}
    flow_citizens = make_walkers(walkers, kills + 1, rng)
    rounds = [0]
    walking = asyncio.create_task(walk(fake, flow_citizens, lambda: rounds[0]))
    try:
        for _ in range(kills):
            process = await _start(fake, workdir)
            for _ in range(per_round):
                chat = FIRST_CHAT + len(chats)
                chats[fake.say(chat, "/menu")["update_id"]] = chat
            target = len(fake.calls_to("sendMessage")) + rng.randint(1, per_round)
            with contextlib.suppress(TimeoutError):
                await fake.wait_for("sendMessage", count=target, timeout=60)
            process.kill()
            await process.wait()
            rounds[0] += 1
        process = await _start(fake, workdir)
        try:
            await _settle(fake, lambda: max([*chats, *(u for w in flow_citizens
                                                        for u in w.update_ids)]), 120)
        finally:
            walking.cancel()
            process.terminate()
            await process.wait()
    finally:
        walking.cancel()
        await fake.close()
    logged, pending = _logged(workdir / "bot.sqlite3")
    confirmed = {u for u in chats if u < fake.confirmed_offset}
    replies = {u: len(fake.texts(c)) for u, c in chats.items()}
    return KillReport(
        kills=kills, sent=len(chats), confirmed=len(confirmed), logged=len(logged & set(chats)),
        answered=sum(1 for n in replies.values() if n >= 1),
        answered_twice=sum(1 for n in replies.values() if n >= 2),
        lost=sum(1 for u in confirmed if u not in logged and replies[u] == 0),
        pending_inbox=pending, flows=check(fake, flow_citizens))
