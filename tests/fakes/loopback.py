"""The lifecycle every fake server shares: serve an aiohttp app on a random loopback port."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestServer


class LoopbackServer:
    """Mixin: `await self._serve(app)` in `start()`; `stop()` and `origin` come with it."""

    _server: TestServer | None = None

    async def _serve(self, app: web.Application) -> None:
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            await self._server.close()

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:<port>` of the running server."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}"
