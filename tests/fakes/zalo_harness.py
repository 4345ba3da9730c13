"""Helpers shared by the Zalo channel tests: run a channel on the shared server, wait, stub."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

from bot.core.models import Incoming, Reply
from bot.httpserver import HttpServer


def free_port() -> int:
    """A port free on 127.0.0.1 now (webhook URLs must be known before the server starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def running(channel: Any, assistant: Any, port: int = 0) -> AsyncIterator[HttpServer]:
    """Start a channel and the shared HTTP server as `dvcbot run` does; stop both after."""
    http = HttpServer("127.0.0.1", port)
    await channel.start(assistant, http)
    await http.start()
    try:
        yield http
    finally:
        await channel.stop()
        await http.stop()


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `predicate()` holds; fail the test after `timeout` seconds."""
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)


def first_line(text: str) -> str:
    """The first line of a flow step, to find it in a rendered message."""
    return text.strip().splitlines()[0]


class ManualClock:
    """A wall clock the test moves by hand (token expiry, event age)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, *, hours: float) -> None:
        self.now += hours * 3600


class StubAssistant:
    """Stands in for the core: records what the channel passed, answers canned replies."""

    def __init__(self, replies: list[Reply], store: Any = None) -> None:
        self.replies = replies
        self.store = store
        self.seen: list[Incoming] = []

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        return list(self.replies)
