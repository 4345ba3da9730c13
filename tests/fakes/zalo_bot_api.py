"""A fake Zalo Bot Platform API (aiohttp on 127.0.0.1) for end-to-end channel tests.

It serves `/bot<token>/<method>` like bot-api.zaloplatforms.com: JSON bodies in, answers
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": ...}` out.
`getUpdates` returns ONE update per call and answers error 408 when none arrived within the
wait; it refuses to work while a webhook is set. `sendMessage` enforces 1-2000 characters,
`setWebhook` a secret of 8-256 characters. With a webhook set, `push()` POSTs the update to
it with the registered secret in `X-Bot-Api-Secret-Token`, bare or wrapped in `{ok, result}`.

Switches for points the documentation leaves open: `errors_with_http_200` keeps errors in
the body only (`errors_without_ok` also drops `ok: false`), `numeric_timeout_only` refuses
`timeout` sent as a string; `fail()` injects an error code for the next calls of a method,
`blocked` chats answer 403.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from tests.fakes.loopback import LoopbackServer

MAX_TEXT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"


@dataclass
class Sent:
    """One message the bot sent."""

    chat_id: str
    text: str


def text_update(chat_id: str, text: str, message_id: str) -> dict[str, Any]:
    """A `message.text.received` update as the platform sends it."""
    return {"event_name": "message.text.received",
            "message": {"message_id": message_id, "date": int(time.time() * 1000),
                        "text": text, "chat": {"id": chat_id, "chat_type": "PRIVATE"},
                        "from": {"id": chat_id, "display_name": "Công dân", "is_bot": False}}}


def sticker_update(chat_id: str, message_id: str) -> dict[str, Any]:
    """A `message.sticker.received` update (no text)."""
    return {"event_name": "message.sticker.received",
            "message": {"message_id": message_id, "date": int(time.time() * 1000),
                        "sticker": "abc123", "chat": {"id": chat_id, "chat_type": "PRIVATE"},
                        "from": {"id": chat_id, "display_name": "Công dân", "is_bot": False}}}


@dataclass
class FakeZaloBotApi(LoopbackServer):
    """The server plus helpers to play a citizen (`push`) and inspect the bot (`sent`)."""

    token: str = "1459232241454765289:fake-secret-token"
    poll_wait: float = 0.2  # how long getUpdates holds a request (caps the bot's `timeout`)
    sent: list[Sent] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    poll_timeouts: int = 0
    webhook_url: str = ""
    webhook_secret: str = ""
    wrap_webhook: bool = False
    errors_with_http_200: bool = False
    errors_without_ok: bool = False
    numeric_timeout_only: bool = False
    blocked: set[str] = field(default_factory=set)
    failures: list[tuple[str, int]] = field(default_factory=list)
    _queue: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def start(self) -> None:
        """Start serving on a random port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        await self._serve(app)

    @property
    def base_url(self) -> str:
        """What the bot's `base_url` setting points at."""
        return self.origin

    # --- playing the citizen -------------------------------------------------------
    def next_id(self) -> str:
        """A fresh opaque message id."""
        return f"{next(self._ids):020x}"

    async def push(self, update: dict[str, Any], secret: str | None = None) -> int:
        """Deliver an update: queued for getUpdates, or POSTed to the webhook.

        Args:
            update: the update.
            secret: the header to send (webhook only); default: the registered secret.

        Returns:
            The webhook's HTTP status, or 200 when queued.
        """
        if not self.webhook_url:
            await self._queue.put(update)
            return 200
        body = {"ok": True, "result": update} if self.wrap_webhook else update
        headers = {SECRET_HEADER: self.webhook_secret if secret is None else secret}
        async with ClientSession() as session, session.post(
                self.webhook_url, json=body, headers=headers) as resp:
            return resp.status

    async def say(self, chat_id: str, text: str, message_id: str | None = None) -> str:
        """A citizen types `text`; returns the message id used."""
        message_id = message_id or self.next_id()
        await self.push(text_update(chat_id, text, message_id))
        return message_id

    async def wait_sent(self, count: int, timeout: float = 10.0) -> list[Sent]:
        """Wait until the bot has sent at least `count` messages in total."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count),
                                   timeout)
        return list(self.sent)

    def texts_to(self, chat_id: str) -> list[str]:
        """Everything sent to one chat, in order."""
        return [s.text for s in self.sent if s.chat_id == chat_id]

    def fail(self, method: str, code: int, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with error `code`."""
        self.failures.extend([(method, code)] * times)

    # --- the API -------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        response = await self._answer(request)
        if response.status >= 400 and self.errors_without_ok:
            body = json.loads(response.text or "{}")
            body.pop("ok", None)
            response = web.json_response(body, status=response.status)
        if self.errors_with_http_200:
            response.set_status(200)
        return response

    async def _answer(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls.append(method)
        raw = await request.read()
        try:
            params = json.loads(raw) if raw else {}
        except ValueError:
            return _error(400, "Bad Request: body is not JSON")
        failure = next((f for f in self.failures if f[0] == method), None)
        if failure is not None:
            self.failures.remove(failure)
            return _error(failure[1], "Injected failure")
        if method == "sendMessage" and params.get("chat_id") in self.blocked:
            return _error(403, "Forbidden: the user blocked the bot")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: unknown method")
        return await handler(params)

    async def _m_getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok({"id": self.token.split(":")[0], "account_name": "bot.FakeDvc",
                    "account_type": "BASIC", "can_join_groups": False})

    async def _m_getUpdates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook_url:
            return _error(400, "Bad Request: getUpdates is unavailable while a webhook is set")
        if self.numeric_timeout_only and isinstance(params.get("timeout"), str):
            return _error(400, "Bad Request: timeout must be a number")
        wait = min(float(params.get("timeout", 30)), self.poll_wait)
        try:
            update = await asyncio.wait_for(self._queue.get(), wait)
        except TimeoutError:
            self.poll_timeouts += 1
            return _error(408, "Request timeout")
        return _ok(update)

    async def _m_sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat_id, text = params.get("chat_id"), params.get("text")
        if not isinstance(chat_id, str) or not chat_id:
            return _error(400, "Bad Request: chat_id must be a non-empty string")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            return _error(400, "Bad Request: text must be 1-2000 characters")
        async with self._changed:
            self.sent.append(Sent(chat_id, text))
            self._changed.notify_all()
        return _ok({"message_id": self.next_id(), "date": int(time.time() * 1000)})

    async def _m_sendChatAction(self, params: dict[str, Any]) -> web.Response:
        return _ok(None)

    async def _m_setWebhook(self, params: dict[str, Any]) -> web.Response:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url:
            return _error(400, "Bad Request: url is required")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        return _ok({"url": url, "updated_at": int(time.time() * 1000)})

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook_url = self.webhook_secret = ""
        return _ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> web.Response:
        return _ok({"url": self.webhook_url, "updated_at": int(time.time() * 1000)})


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description},
                             status=code)
