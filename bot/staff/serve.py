"""Wire the staff console into `dvcbot run`: routes on the shared server, the session key."""

from __future__ import annotations

import logging
import os
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
                 reload: Callable[[], Any] | None = None,
                 announce: Callable[[str], None] | None = None) -> ConsolePages | None:
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
    if announce is not None:
        announce(f"Trang cán bộ (staff console): {url}")
    return console
