"""Wire the staff console into `dvcbot run`: routes on the shared server, the session key."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet

from bot.config import Config
from bot.core.assistant import Assistant
from bot.httpserver import HttpServer
from bot.staff.session import Sessions
from bot.staff.views import ConsolePages

log = logging.getLogger(__name__)
KEY_NAME = "staff.session_key"


async def session_key(assistant: Assistant) -> bytes:
    """DVCBOT_STAFF_SESSION_KEY, else a key made once and kept in the store."""
    env = os.environ.get("DVCBOT_STAFF_SESSION_KEY", "").strip()
    if env:
        return env.encode()
    stored = await assistant.store.get_value(KEY_NAME)
    if stored:
        return stored.encode()
    key = Fernet.generate_key()
    await assistant.store.set_value(KEY_NAME, key.decode())
    return key


async def attach(assistant: Assistant, config: Config, http: HttpServer,
                 reload: Callable[[], Any] | None = None) -> ConsolePages | None:
    """Serve /staff/ on `http` when `staff.enabled`; say where the page is.

    Returns:
        The console, or None when it is disabled.
    """
    if not config.staff.enabled:
        return None
    sessions = Sessions(await session_key(assistant), config.staff.session_hours * 3600,
                        config.staff.secure_cookie, config.staff.trusted_proxies)
    console = ConsolePages(assistant, sessions, reload)
    for method, path, handler in console.routes():
        http.add_route(method, path, handler)
    url = f"http://{config.http.host}:{http.bound_port}/staff/"
    log.info("staff console at %s", url)
    print(f"Trang cán bộ (staff console): {url}", file=sys.stderr, flush=True)
    return console


async def run_console_with_staff(config: Config) -> int:
    """`dvcbot run` with no chat channel but the staff console on: console chat + /staff/."""
    from bot.app import Reloader, open_assistant
    from bot.channels.console import run_console
    from bot.privacy.retention import daily_purge

    async with open_assistant(config) as assistant, \
            daily_purge(assistant.store, config.storage.retention_days):
        http = HttpServer(config.http.host, config.http.port)
        await http.start()
        reloader = Reloader(assistant, config)
        task = asyncio.create_task(reloader.run())
        try:
            await attach(assistant, config, http, reloader.check)
            return await run_console(assistant)
        finally:
            task.cancel()
            await http.stop()
