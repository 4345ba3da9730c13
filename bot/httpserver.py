"""The one aiohttp server shared by webhooks (Telegram, Zalo), /healthz and staff pages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpServer:
    """Collects routes from every channel, then serves them on one host and port."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=1024 * 1024)
        self.app.router.add_get("/healthz", self._health)
        self._runner: web.AppRunner | None = None
        self.routes: list[str] = ["/healthz"]

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        """Register a handler before `start()`."""
        self.app.router.add_route(method, path, handler)
        self.routes.append(path)

    @property
    def bound_port(self) -> int:
        """The port actually bound (useful when configured as 0 in tests)."""
        if self._runner is None:
            return self.port
        for site in self._runner.sites:
            server = getattr(site, "_server", None)
            if server is not None and server.sockets:
                return int(server.sockets[0].getsockname()[1])
        return self.port

    async def start(self) -> None:
        """Start serving."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("HTTP server on %s:%s serving %s", self.host, self.bound_port,
                 ", ".join(self.routes))

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
