"""The shared HTTP server: /healthz, routes added after start, 404/405, duplicates refused."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from bot.httpserver import HttpServer


async def test_routes_added_after_start_are_served() -> None:
    http = HttpServer("127.0.0.1", 0)
    await http.start()
    try:
        async def hook(request: web.Request) -> web.Response:
            return web.json_response({"got": await request.json()})

        http.add_route("POST", "/hook", hook)
        base = f"http://127.0.0.1:{http.bound_port}"
        async with aiohttp.ClientSession() as client:
            async with client.get(f"{base}/healthz") as resp:
                assert resp.status == 200 and (await resp.json())["status"] == "ok"
            async with client.post(f"{base}/hook", json={"a": 1}) as resp:
                assert resp.status == 200 and (await resp.json()) == {"got": {"a": 1}}
            async with client.get(f"{base}/hook") as resp:
                assert resp.status == 405
            async with client.get(f"{base}/nothing-here") as resp:
                assert resp.status == 404
        assert http.routes == ["/healthz", "/hook"]
        http.add_route("POST", "/hook", hook)  # the same channel starting again: accepted

        async def other(request: web.Request) -> web.Response:
            return web.Response()

        with pytest.raises(ValueError):
            http.add_route("POST", "/hook", other)
    finally:
        await http.stop()
