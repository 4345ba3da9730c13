"""Connection-level limits for the shared HTTP server: a request head deadline (slowloris)
and a cap on open connections."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
HEADER_SECONDS = 10.0  # a request head must be complete this long after connect or last reply
MAX_CONNECTIONS = 512


class ConnectionGuard:
    """Closes a connection whose next request head is not complete in time, and refuses
    connections beyond the cap (closed at once: platforms deliver again later)."""

    def __init__(self, header_seconds: float = HEADER_SECONDS,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.header_seconds = header_seconds
        self.max_connections = max_connections
        self.refused = 0
        self.timed_out = 0
        self._open: dict[Any, asyncio.BaseTransport] = {}  # handler -> transport
        self._live: set[asyncio.BaseTransport] = set()
        self._timers: dict[asyncio.BaseTransport, asyncio.TimerHandle] = {}
        self._warned = False

    @property
    def open_connections(self) -> int:
        return len(self._open)

    def install(self, server: web.Server) -> None:
        """Hook the aiohttp server's connection callbacks (called by every handler)."""
        made, lost = server.connection_made, server.connection_lost

        def connection_made(handler: Any, transport: asyncio.Transport) -> None:
            made(handler, transport)
            self._opened(handler, transport)

        def connection_lost(handler: Any, exc: BaseException | None) -> None:
            self._closed(handler)
            lost(handler, exc)

        setattr(server, "connection_made", connection_made)  # noqa: B010 - a hook, on purpose
        setattr(server, "connection_lost", connection_lost)  # noqa: B010

    def _opened(self, handler: Any, transport: asyncio.Transport) -> None:
        if len(self._open) >= self.max_connections:
            self.refused += 1
            if not self._warned:
                log.warning("HTTP: %d connections open; refusing new ones", len(self._open))
                self._warned = True
            transport.close()
            return
        self._open[handler] = transport
        self._live.add(transport)
        self._arm(transport)

    def _closed(self, handler: Any) -> None:
        transport = self._open.pop(handler, None)
        if transport is not None:
            self._live.discard(transport)
            self._disarm(transport)
        if len(self._open) < self.max_connections // 2:
            self._warned = False

    def _arm(self, transport: asyncio.BaseTransport) -> None:
        self._disarm(transport)
        loop = asyncio.get_running_loop()
        self._timers[transport] = loop.call_later(self.header_seconds, self._expire, transport)

    def _disarm(self, transport: asyncio.BaseTransport) -> None:
        timer = self._timers.pop(transport, None)
        if timer is not None:
            timer.cancel()

    def _expire(self, transport: asyncio.BaseTransport) -> None:
        self._timers.pop(transport, None)
        self.timed_out += 1
        log.warning("HTTP: no complete request within %.0f s; connection closed",
                    self.header_seconds)
        transport.close()

    def request_started(self, request: web.Request) -> None:
        """A whole request head arrived: no deadline while it is handled."""
        if request.transport is not None:
            self._disarm(request.transport)

    def request_done(self, request: web.Request) -> None:
        """The reply is on its way: the next request head has a new deadline."""
        transport = request.transport
        if transport in self._live and not transport.is_closing():
            self._arm(transport)
