"""A running staff console: real SQLite file, real HTTP server on a loopback port."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.app import Reloader
from bot.config import Config, StaffConfig
from bot.core.assistant import Assistant
from bot.core.brain import build_brain
from bot.httpserver import HttpServer
from bot.privacy.pseudonym import Pseudonymizer
from bot.staff import accounts
from bot.staff.serve import attach
from bot.staff.store import staff_store
from bot.storage.base import Store
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore
from tests.conftest import FLOWS_DIR, KNOWLEDGE_DIR, TEST_KEY

PASSWORD = "mat-khau-thu-1"


@dataclass
class Console:
    """The console under test and what a test needs to drive it."""

    url: str
    assistant: Assistant
    config: Config
    staff: object
    reloader: Reloader
    routes: list[tuple[str, str]]


@pytest.fixture
async def console(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Console]:
    """Staff console on a copy of the knowledge base (learned.yaml is written there).

    On SQLite; `@pytest.mark.parametrize("console", ["postgres"], indirect=True)` runs a test
    on a fresh PostgreSQL database instead.
    """
    kdir = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, kdir)
    config = Config(knowledge_dir=str(kdir), flows_dir=str(FLOWS_DIR),
                    staff=StaffConfig(enabled=True))
    config = dataclasses.replace(config, http=dataclasses.replace(config.http, port=0))
    config.storage.path = str(tmp_path / "db.sqlite3")
    store: Store = SQLiteStore(config.storage.path)
    if getattr(request, "param", "sqlite") == "postgres":
        from tests import pgcluster
        store = PostgresStore(await pgcluster.fresh_database(request.getfixturevalue(
            "pg_cluster")))
    await store.open()
    assistant = Assistant(build_brain(config), store, config, Pseudonymizer(TEST_KEY))
    http = HttpServer("127.0.0.1", 0)
    await http.start()
    reloader = Reloader(assistant, config)
    pages = await attach(assistant, config, http, reloader.check)
    assert pages is not None
    staff = staff_store(store)
    for name, role, team in (("lan", "editor", None), ("xem", "viewer", None),
                             ("to1", "team", "to-cns-ap-1"), ("quan", "admin", None)):
        await accounts.create(staff, name, role, team, PASSWORD)
    try:
        yield Console(f"http://127.0.0.1:{http.bound_port}", assistant, config, staff,
                      reloader, [(m, p) for m, p, _ in pages.routes()])
    finally:
        await http.stop()
        await store.close()


def client() -> aiohttp.ClientSession:
    """A client keeping cookies for 127.0.0.1 and not following redirects by itself."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def login(http: aiohttp.ClientSession, url: str, name: str = "lan") -> str:
    """Log in; return the CSRF token found on the overview page."""
    async with http.post(url + "/staff/login", data={"name": name, "password": PASSWORD}) as r:
        assert r.status == 200, await r.text()
        page = await r.text()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (browser tests screenshot on failure)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
