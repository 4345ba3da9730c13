"""A channel that cannot start is retried with backoff; /healthz names it while it is down."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.httpserver import HttpServer
from bot.supervise.starter import keep_starting


class Flaky:
    """Fails `failures` times (as Telegram unreachable at start-up would), then starts."""

    name = "telegram"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.starts = 0
        self.stops = 0
        self.release = asyncio.Event()

    async def start(self, assistant: Any, http: HttpServer) -> None:
        self.starts += 1
        if self.starts <= self.failures:
            await self.release.wait()
            self.release.clear()
            raise RuntimeError("cannot use the Bot API")

    async def stop(self) -> None:
        self.stops += 1


class Healthy(Flaky):
    name = "zalo-oa"


async def health(http: HttpServer) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as client, client.get(
            f"http://127.0.0.1:{http.bound_port}/healthz") as resp:
        return resp.status, await resp.json()


async def test_a_failing_channel_is_retried_while_the_other_serves() -> None:
    http = HttpServer("127.0.0.1", 0)
    await http.start()
    flaky, healthy = Flaky(failures=2), Healthy(failures=0)
    try:
        other = asyncio.create_task(keep_starting(healthy, None, http, 0.01, 0.02))  # type: ignore[arg-type]
        task = asyncio.create_task(keep_starting(flaky, None, http, 0.01, 0.02))  # type: ignore[arg-type]
        await other
        flaky.release.set()
        while flaky.starts < 2:
            await asyncio.sleep(0.01)
        status, body = await health(http)
        assert status == 503 and body["channels"]["zalo-oa"] == "up"
        assert body["channels"]["telegram"].startswith("down: RuntimeError")
        flaky.release.set()
        await asyncio.wait_for(task, 10)
        assert flaky.starts == 3 and flaky.stops == 2  # cleaned up after each failed start
        assert await health(http) == (200, {"status": "ok", "channels": {
            "zalo-oa": "up", "telegram": "up"}})
    finally:
        await http.stop()
