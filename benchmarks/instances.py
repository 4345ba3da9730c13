"""Real `dvcbot run` processes in Telegram webhook mode, fed by timed citizens on loopback.

The load driver plays the citizens and a round-robin load balancer: each citizen sends its
messages one after another (the next once the replies came, as people do), message i of
citizen n goes to instance (n + i) mod P. A turn's time runs from the POST to the webhook until
the fake Bot API has received every sendMessage that turn produces (counted beforehand with an
in-memory assistant on the same script).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.telegram.render import render_reply
from bot.core.assistant import Assistant
from bot.core.brain import build_brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.memory import MemoryStore
from tests.cluster.twoproc import wait_ready
from tests.conftest import bundled_config
from tests.fakes.telegram_api import FakeBotAPI

DVCBOT = os.environ.get("DVCBOT_BIN") or str(Path(sys.executable).with_name("dvcbot"))
SECRET = "bench-webhook-secret"
KEY = "bench-pseudonym-key-0123456789abcdef"
FIRST_CHAT = 80_000
QUESTIONS = ["làm giấy khai sinh cho con", "dang ky tam tru online", "cccd het han lam sao",
             "quen mat khau vneid", "phi doi bang lai xe bao nhieu", "đăng ký kết hôn ở đâu"]


@dataclass
class TimedBotAPI(FakeBotAPI):
    """The fake Bot API, also noting when each chat's n-th message arrived."""

    sent_count: dict[int, int] = field(default_factory=dict)
    waiting: dict[int, tuple[int, asyncio.Future[float]]] = field(default_factory=dict)

    async def _api_sendMessage(self, p: dict[str, Any]) -> web.Response:
        response = await super()._api_sendMessage(p)
        chat = int(p["chat_id"])
        count = self.sent_count.get(chat, 0) + 1
        self.sent_count[chat] = count
        wanted = self.waiting.get(chat)
        if wanted and count >= wanted[0] and not wanted[1].done():
            wanted[1].set_result(time.perf_counter())
        return response

    def until(self, chat: int, count: int) -> asyncio.Future[float]:
        """A future set to the moment `chat` has received `count` messages in all."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        if self.sent_count.get(chat, 0) >= count:
            future.set_result(time.perf_counter())
        self.waiting[chat] = (count, future)
        return future


def script(n: int, messages: int) -> list[str]:
    """Citizen n's messages: the questions, rotated by n."""
    return [QUESTIONS[(n + i) % len(QUESTIONS)] for i in range(messages)]


async def expected_counts(messages: int) -> dict[int, list[int]]:
    """Messages each turn of each script produces, from an in-memory assistant."""
    config = bundled_config()
    assistant = Assistant(build_brain(config), MemoryStore(), config,
                          Pseudonymizer(KEY.encode()))
    counts = {}
    for kind in range(len(QUESTIONS)):
        counts[kind] = []
        for i, text in enumerate(script(kind, messages)):
            replies = await assistant.handle(Incoming("telegram", f"ref{kind}", text=text,
                                                      update_id=f"{kind}-{i}"))
            counts[kind].append(sum(len(render_reply(r)) for r in replies))
    return counts


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_instances(fake: FakeBotAPI, workdir: Path, count: int, storage: str,
                          env: dict[str, str]) -> tuple[list[Any], list[str]]:
    """`count` processes; `storage` is the indented body of the config's storage section."""
    processes, urls = [], []
    for i in range(count):
        folder = workdir / f"i{i}"
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        (folder / "config.yaml").write_text(
            f"log_level: WARNING\nstorage:\n{storage}\nhttp:\n  host: 127.0.0.1\n"
            f"  port: {port}\ntelegram:\n  base_url: {fake.base_url}\n  mode: webhook\n"
            f"  webhook_url: http://127.0.0.1:{port}/telegram/webhook\n", encoding="utf-8")
        process_env = {k: v for k, v in os.environ.items()
                       if "proxy" not in k.lower() and not k.startswith("DVCBOT_")}
        process_env.update(env, DVCBOT_TELEGRAM_TOKEN=fake.token, DVCBOT_PSEUDONYM_KEY=KEY,
                           DVCBOT_TELEGRAM_WEBHOOK_SECRET=SECRET, DVCBOT_INSTANCE=f"bench{i}")
        with open(folder / "stderr.log", "wb") as errors:
            processes.append(await asyncio.create_subprocess_exec(
                DVCBOT, "--config", str(folder / "config.yaml"), "run", env=process_env,
                cwd=folder, stdout=asyncio.subprocess.DEVNULL, stderr=errors))
        urls.append(f"http://127.0.0.1:{port}/telegram/webhook")
    return processes, urls


@dataclass
class Load:
    """Latencies (ms) of the answered turns, the unanswered ones, and the wall time."""

    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        lat = sorted(self.latencies)
        p99 = statistics.quantiles(lat, n=100)[98] if len(lat) > 1 else float("nan")
        rate = len(lat) / self.seconds if self.seconds else 0.0
        return (f"{rate:7.0f} turns/s, p50 {statistics.median(lat):6.1f} ms, "
                f"p99 {p99:7.1f} ms ({len(lat)} turns, {self.unanswered} unanswered)")


async def citizen(fake: TimedBotAPI, session: aiohttp.ClientSession, urls: list[str], n: int,
                  counts: dict[int, list[int]], messages: int, load: Load) -> None:
    """One citizen: each message to the next instance, waiting for all its replies."""
    chat = FIRST_CHAT + n
    total = fake.sent_count.get(chat, 0)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for i, text in enumerate(script(n, messages)):
        total += counts[n % len(QUESTIONS)][i]
        done = fake.until(chat, total)
        start = time.perf_counter()
        async with session.post(urls[(n + i) % len(urls)], headers=headers,
                                json=fake.message_update(chat, text)) as response:
            await response.read()
        try:
            load.latencies.append((await asyncio.wait_for(done, 30) - start) * 1000)
        except TimeoutError:
            load.unanswered += 1
            total = fake.sent_count.get(chat, 0)


async def drive(fake: TimedBotAPI, urls: list[str], citizens: int, messages: int,
                counts: dict[int, list[int]], first: int = 0) -> Load:
    """All citizens at once; returns their turns' latencies and the wall time."""
    load = Load()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        for url in urls:
            await wait_ready(session, url, seconds=120)
        start = time.perf_counter()
        await asyncio.gather(*(citizen(fake, session, urls, first + n, counts, messages, load)
                               for n in range(citizens)))
        load.seconds = time.perf_counter() - start
    return load


async def stop(processes: list[Any]) -> None:
    for process in processes:
        if process.returncode is None:
            process.terminate()
    for process in processes:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 30)
        if process.returncode is None:
            process.kill()
            await process.wait()
