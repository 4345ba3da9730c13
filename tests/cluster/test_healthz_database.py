"""/healthz reports the database: 200 while it answers, 503 with a short reason when it does
not, never the URL, the user or the password."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg

from bot.cluster.health import database_check
from bot.httpserver import HttpServer
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore


async def _get(http: HttpServer) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, \
            session.get(f"http://127.0.0.1:{http.bound_port}/healthz") as response:
        return response.status, await response.text()


async def test_postgresql_down_gives_503_without_the_url(pg_cluster: Any) -> None:
    from tests import pgcluster

    url = await pgcluster.fresh_database(pg_cluster)
    parts = urlsplit(url)
    store = PostgresStore(url)
    await store.open()
    http = HttpServer("127.0.0.1", 0)
    http.checks["database"] = database_check(store)
    await http.start()
    try:
        status, body = await _get(http)
        assert status == 200 and '"database": "up"' in body
        admin = await asyncpg.connect(pg_cluster.url())
        try:  # the database goes away under the running instance
            await admin.execute(f'DROP DATABASE "{parts.path.lstrip("/")}" WITH (FORCE)')
        finally:
            await admin.close()
        status, body = await _get(http)
    finally:
        await http.stop()
        await store.close()
    assert status == 503, body
    assert '"database": "down: ' in body and '"status": "degraded"' in body
    secrets = [parts.password, parts.username, parts.path.lstrip("/"), str(parts.port), url]
    for secret in secrets:
        assert secret and secret not in body, secret


async def test_sqlite_up(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "bot.sqlite3")
    await store.open()
    http = HttpServer("127.0.0.1", 0)
    http.checks["database"] = database_check(store)
    await http.start()
    try:
        assert await _get(http) == (200, '{"status": "ok", "channels": {}, "database": "up"}')
    finally:
        await http.stop()
        await store.close()
