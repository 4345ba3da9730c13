"""The one aiohttp server shared by webhooks (Telegram, Zalo), /healthz and staff pages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.webhook.connections import HEADER_SECONDS, MAX_CONNECTIONS, ConnectionGuard

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_CONCURRENT_REQUESTS = 256
KEEPALIVE_SECONDS = 15.0  # an idle connection is closed after this


class HttpServer:
    """Collects routes from every channel, then serves them on one host and port."""

    def __init__(self, host: str, port: int, *, header_seconds: float = HEADER_SECONDS,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.host = host
        self.port = port
        self.guard = ConnectionGuard(header_seconds, max_connections)
        self.app = web.Application(client_max_size=1024 * 1024,
                                   middlewares=[self._limit])
        self._slots = MAX_CONCURRENT_REQUESTS
        self.channels: dict[str, str] = {}  # channel name -> "up" or why it is down
        # Other parts /healthz asks ("database"): each returns "up" or why it is down.
        self.checks: dict[str, Callable[[], Awaitable[str]]] = {}
        # One catch-all route and our own table: aiohttp freezes its router at start-up, but
        # channels must add webhook routes after the server listens (so that a setWebhook
        # call never points the platform at a port that is not answering yet).
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._handlers: dict[tuple[str, str], Handler] = {("GET", "/healthz"): self._health}
        self._runner: web.AppRunner | None = None

    @property
    def routes(self) -> list[str]:
        """The paths served, in registration order."""
        return list(dict.fromkeys(path for _, path in self._handlers))

    async def _health(self, request: web.Request) -> web.Response:
        checked = {name: await check() for name, check in self.checks.items()}
        down = [state for state in (*self.channels.values(), *checked.values())
                if state != "up"]
        return web.json_response({"status": "degraded" if down else "ok",
                                  "channels": self.channels, **checked},
                                 status=503 if down else 200)

    @web.middleware
    async def _limit(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """At most MAX_CONCURRENT_REQUESTS at once; the rest get 503 (platforms retry)."""
        if self._slots <= 0:
            log.warning("HTTP: too many requests at once; %s %s refused", request.method,
                        request.path)
            return web.Response(status=503)
        self._slots -= 1
        self.guard.request_started(request)
        try:
            return await handler(request)
        finally:
            self._slots += 1
            self.guard.request_done(request)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        handler = self._handlers.get((request.method, request.path))
        if handler is not None:
            return await handler(request)
        if any(path == request.path for _, path in self._handlers):
            raise web.HTTPMethodNotAllowed(request.method, [m for m, p in self._handlers
                                                            if p == request.path])
        raise web.HTTPNotFound()

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        """Register a handler, before or after `start()`.

        Raises:
            ValueError: the method and path are already taken.
        """
        key = (method.upper(), path)
        if self._handlers.get(key) == handler:
            return  # the same channel starting again after a failed start
        if key in self._handlers:
            raise ValueError(f"route {method} {path} is already registered")
        self._handlers[key] = handler
        log.info("HTTP route %s %s", *key)

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
        self._runner = web.AppRunner(self.app, access_log=None,
                                     keepalive_timeout=KEEPALIVE_SECONDS,
                                     max_line_size=8190, max_field_size=8190)
        await self._runner.setup()
        assert self._runner.server is not None
        self.guard.install(self._runner.server)
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("HTTP server on %s:%s serving %s", self.host, self.bound_port,
                 ", ".join(self.routes))

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
