"""The shared HTTP server's connection limits: a request head dribbled byte by byte
(slowloris) is cut off, and connections beyond the cap are refused while the others work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.httpserver import HttpServer

HEALTH = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@contextlib.asynccontextmanager
async def serving(**limits: float) -> AsyncIterator[HttpServer]:
    http = HttpServer("127.0.0.1", 0, **limits)  # type: ignore[arg-type]
    await http.start()
    try:
        yield http
    finally:
        await http.stop()


async def connect(http: HttpServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", http.bound_port)


async def closed_by_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                           dribble: bytes = b"", limit: float = 20.0) -> bool:
    """Send `dribble` one byte every 0.1 s (then wait) until the server hangs up; False if
    it still had not after `limit` seconds."""
    async def until_closed() -> None:
        for byte in dribble:
            writer.write(bytes([byte]))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            if reader.at_eof():
                return
            with contextlib.suppress(TimeoutError):
                if await asyncio.wait_for(reader.read(1024), 0.1) == b"":
                    return
        while await reader.read(1024):
            pass
    try:
        await asyncio.wait_for(until_closed(), limit)
    except TimeoutError:
        return False
    except ConnectionError:
        return True
    finally:
        writer.close()
    return True


async def get_health(http: HttpServer) -> int:
    reader, writer = await connect(http)
    try:
        writer.write(HEALTH)
        status = (await reader.readline()).split()[1]
        return int(status)
    finally:
        writer.close()


async def test_a_request_head_sent_too_slowly_is_cut_off() -> None:
    async with serving(header_seconds=0.5) as http:
        reader, writer = await connect(http)
        # A never-ending head: 200 header lines at 10 bytes a second would take minutes.
        slow = b"GET /healthz HTTP/1.1\r\n" + b"X-a: b\r\n" * 200
        assert await closed_by_server(reader, writer, slow)
        assert http.guard.timed_out == 1
        assert await get_health(http) == 200  # others are served as before


async def test_a_slow_second_request_on_a_kept_alive_connection_is_cut_off_too() -> None:
    async with serving(header_seconds=0.5) as http:
        reader, writer = await connect(http)
        writer.write(HEALTH)
        assert int((await reader.readline()).split()[1]) == 200
        body_length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                body_length = int(line.split(b":")[1])
        await reader.readexactly(body_length)
        assert await closed_by_server(reader, writer, b"GET /healthz HTTP/1.1\r\n" * 50)
        assert http.guard.timed_out == 1


async def test_connections_beyond_the_cap_are_refused_then_served_again() -> None:
    async with serving(max_connections=3) as http:
        idle = [await connect(http) for _ in range(3)]
        await asyncio.sleep(0.1)
        extra_reader, extra_writer = await connect(http)
        assert await closed_by_server(extra_reader, extra_writer, limit=5)
        assert http.guard.refused == 1 and http.guard.open_connections == 3
        _, writer = idle.pop()
        writer.close()
        await asyncio.sleep(0.1)
        assert await get_health(http) == 200
        for _, writer in idle:
            writer.close()


async def test_a_prompt_client_is_never_cut_off() -> None:
    async with serving(header_seconds=0.5) as http:
        for _ in range(3):
            assert await get_health(http) == 200
        assert http.guard.timed_out == 0
