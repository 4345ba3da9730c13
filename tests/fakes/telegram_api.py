"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) for end-to-end channel tests.

It serves `/bot<token>/<method>` like api.telegram.org: parameters arrive form-encoded the
way python-telegram-bot sends them (strings raw, everything else JSON text), or as a JSON
body; answers are `{"ok": true, "result": ...}` or `{"ok": false, "error_code": ...}`.
`getUpdates` long-polls and honours `offset` (confirmed updates are forgotten) and `timeout`.
Every call is recorded; failures (429 with retry_after, 403 blocked, 5xx) can be injected.

Switches play servers other than api.telegram.org (the Bot API documents the JSON envelope,
not these details): `missing_methods` answer 404 "Not Found" like an unknown method,
`errors_with_http_200` keeps every error in the body only, `retry_after_as_text` sends
`retry_after` as a string, and `fail(..., html=True)` answers like a proxy with an HTML page.
`loose` plays a lax reimplementation: no long polling, getMe without `is_bot`, button
presses without `chat_instance` or a readable message, echoes dated in milliseconds, and
missing methods answered 500 with `{"message": ...}` instead of the envelope.
`string_ids` sends update, message, chat and user ids as numeric strings.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from tests.fakes.loopback import LoopbackServer

# Parameters Telegram defines as strings: kept raw even if they look like JSON ("123").
STRING_PARAMS = {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode",
                 "action", "inline_message_id", "language_code", "ip_address", "description"}
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
LOGICAL_STATUS = "X-Fake-Error-Code"


@dataclass
class Call:
    """One request the bot made: method, decoded parameters and the status answered."""

    method: str
    params: dict[str, Any]
    status: int = 200
    tag: str = ""  # the base_url prefix it came through (`tagged_url`): which instance


@dataclass
class Failure:
    """An injected error answered to the next `times` matching calls."""

    method: str
    chat_id: int | None
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    html: bool = False


@dataclass
class FakeBotAPI(LoopbackServer):
    """The server plus helpers to play a citizen (updates) and inspect the bot (calls)."""

    token: str = "123456:TEST-fake-token"
    bot_id: int = 123456
    username: str = "dvc_test_bot"
    calls: list[Call] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    webhook: dict[str, Any] | None = None
    commands: list[dict[str, Any]] = field(default_factory=list)
    confirmed_offset: int = 0
    missing_methods: set[str] = field(default_factory=set)
    errors_with_http_200: bool = False
    retry_after_as_text: bool = False
    loose: bool = False
    string_ids: bool = False

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._chat_types: dict[int, str] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # --- lifecycle --------------------------------------------------------------------
    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; returns the base_url to configure."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tag}/bot{token}/{method}", self._handle)
        await self._serve(app)
        return self.base_url

    async def close(self) -> None:
        """Stop serving (the tests' name for it)."""
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"{self.origin}/bot"

    def tagged_url(self, tag: str) -> str:
        """A base_url whose calls are recorded with `Call.tag == tag` (one per process)."""
        return f"{self.origin}/{tag}/bot"

    @property
    def me(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Trợ lý DVC",
                "username": self.username}

    # --- playing the citizen ------------------------------------------------------------
    def user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        self._chat_types[chat_id] = chat_type
        if chat_type == "private":
            return {"id": chat_id, "type": chat_type, "first_name": "Dân"}
        return {"id": chat_id, "type": chat_type, "title": "Nhóm tổ dân phố"}

    def message_update(self, chat_id: int, text: str | None = None, *, user_id: int | None = None,
                       chat_type: str = "private", **extra: Any) -> dict[str, Any]:
        """A new-message update; `extra` adds fields (sticker=..., reply_to_message=...)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type), "from": self.user(user_id or abs(chat_id)),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0].encode("utf-16-le")) // 2
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message.update(extra)
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(self, chat_id: int, data: str, message_id: int | None = None,
                        user_id: int | None = None) -> dict[str, Any]:
        """A button press on one of the bot's messages (default: its last in that chat)."""
        if message_id is None:
            message_id = self.sent(chat_id)[-1]["message_id"]
        message = copy.deepcopy(self.messages[(chat_id, message_id)])
        query = {"id": f"cq{next(self._update_ids)}", "from": self.user(user_id or abs(chat_id)),
                 "chat_instance": f"ci{chat_id}", "message": message, "data": data}
        if self.loose:  # no chat_instance, and a message with neither id nor date
            del query["chat_instance"]
            query["message"] = {"chat": message["chat"], "from": message["from"]}
        return {"update_id": next(self._update_ids), "callback_query": query}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates."""
        self.pending.append(update)
        self._notify()
        return update

    def say(self, chat_id: int, text: str | None = None, **kwargs: Any) -> dict[str, Any]:
        return self.push(self.message_update(chat_id, text, **kwargs))

    def press(self, chat_id: int, label: str | None = None, *, data: str | None = None,
              message_id: int | None = None) -> dict[str, Any]:
        """Press a button of the bot's last message with buttons, by label or data."""
        if message_id is None:
            message_id = next(m["message_id"] for m in reversed(self.sent(chat_id))
                              if m.get("reply_markup"))
        if data is None:
            markup = self.messages[(chat_id, message_id)]["reply_markup"]
            data = next(b["callback_data"] for row in markup["inline_keyboard"] for b in row
                        if label is not None and label in b["text"])
        return self.push(self.callback_update(chat_id, data, message_id))

    async def deliver_webhook(self, url: str, update: dict[str, Any],
                              secret: str | None) -> int:
        """POST an update the way Telegram does in webhook mode; returns the HTTP status."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with ClientSession() as session, session.post(url, json=update,
                                                            headers=headers) as response:
            return response.status

    # --- injecting failures -------------------------------------------------------------
    def flood(self, method: str, chat_id: int | None, retry_after: int, times: int = 1) -> None:
        self.failures.append(Failure(method, chat_id, 429,
                                     f"Too Many Requests: retry after {retry_after}",
                                     retry_after, times))

    def fail(self, method: str, status: int, description: str, chat_id: int | None = None,
             times: int = 1, html: bool = False) -> None:
        self.failures.append(Failure(method, chat_id, status, description, None, times, html))

    def block(self, chat_id: int) -> None:
        self.blocked.add(chat_id)

    # --- inspecting the bot ------------------------------------------------------------
    def calls_to(self, method: str, chat_id: int | None = None,
                 status: int | None = 200) -> list[Call]:
        return [c for c in self.calls if c.method == method
                and (chat_id is None or c.params.get("chat_id") == chat_id)
                and (status is None or c.status == status)]

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a chat, in order, as currently stored (edits applied)."""
        return sorted((m for (c, _), m in self.messages.items() if c == chat_id),
                      key=lambda m: m["message_id"])

    def texts(self, chat_id: int) -> list[str]:
        return [m["text"] for m in self.sent(chat_id)]

    async def wait_for(self, method: str, count: int = 1, chat_id: int | None = None,
                       status: int | None = 200, timeout: float = 10.0) -> list[Call]:
        """Wait until at least `count` matching calls were made; returns them."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: len(self.calls_to(method, chat_id, status)) >= count), timeout)
        return self.calls_to(method, chat_id, status)

    def _notify(self) -> None:
        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()
        task = asyncio.get_running_loop().create_task(notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- the Bot API ----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, tag=request.match_info.get("tag", ""))
        self.calls.append(call)
        response = self._injected(method, params)
        if response is None:
            handler = None if method in self.missing_methods else \
                getattr(self, f"_api_{method}", None)
            response = await handler(params) if handler else self._missing(method)
        call.status = int(response.headers.get(LOGICAL_STATUS, response.status))
        self._notify()
        return response

    def _injected(self, method: str, params: dict[str, Any]) -> web.Response | None:
        chat_id = params.get("chat_id")
        if method.startswith("send") and chat_id in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        for failure in self.failures:
            if failure.method == method and failure.times > 0 and \
                    failure.chat_id in (None, chat_id):
                failure.times -= 1
                if failure.html:
                    return web.Response(status=failure.status, content_type="text/html",
                                        text=f"<html><h1>{failure.description}</h1></html>")
                retry: Any = failure.retry_after
                if retry and self.retry_after_as_text:
                    retry = str(retry)
                extra = {"retry_after": retry} if retry else None
                return self._error(failure.status, failure.description, extra)
        return None

    def _error(self, status: int, description: str, parameters: dict[str, Any] | None = None
               ) -> web.Response:
        response = _error(status, description, parameters)
        if self.errors_with_http_200:
            response.set_status(200)
            response.headers[LOGICAL_STATUS] = str(status)  # what `Call.status` records
        return response

    def _echo(self, message: dict[str, Any]) -> dict[str, Any]:
        """The Message a send or edit answers (loose: dated in milliseconds)."""
        return {**message, "date": message["date"] * 1000} if self.loose else message

    def _missing(self, method: str) -> web.Response:
        if self.loose:
            return web.json_response({"message": f"API method '{method}' is not supported"},
                                     status=500)
        return self._error(404, "Not Found")

    async def _api_getMe(self, p: dict[str, Any]) -> web.Response:
        if self.loose:
            return _ok({"id": self.bot_id, "first_name": "Trợ lý DVC",
                        "username": self.username})
        return _ok(self.me)

    async def _api_getUpdates(self, p: dict[str, Any]) -> web.Response:
        if self.webhook:
            return self._error(409, "Conflict: can't use getUpdates method while webhook is "
                               "active")
        offset = int(p.get("offset") or 0)
        if offset > 0:  # everything below the offset is confirmed and forgotten
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            self.confirmed_offset = max(self.confirmed_offset, offset)
        limit = int(p.get("limit") or 100)
        wait = 0.0 if self.loose else float(p.get("timeout") or 0)  # loose: never holds it
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.pending)), wait)
        return _ok([self._as_sent(u) for u in self.pending[:limit]])

    def _as_sent(self, update: dict[str, Any]) -> dict[str, Any]:
        if not self.string_ids:
            return update
        update = copy.deepcopy(update)
        update["update_id"] = str(update["update_id"])
        for item in (update.get("message"), update.get("callback_query")):
            for obj in (item, *(item.get(k) for k in ("chat", "from", "message"))) if item \
                    else ():
                for key in ("id", "message_id"):
                    if isinstance(obj, dict) and isinstance(obj.get(key), int):
                        obj[key] = str(obj[key])
        return update

    async def _api_sendMessage(self, p: dict[str, Any]) -> web.Response:
        text = p.get("text") or ""
        problem = _check_text(text) or _check_markup(p.get("reply_markup"))
        if problem:
            return self._error(400, problem)
        chat_id = p["chat_id"]
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(chat_id, self._chat_types.get(chat_id, "private")),
                   "from": self.me, "text": text}
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return _ok(self._echo(message))

    async def _api_editMessageText(self, p: dict[str, Any]) -> web.Response:
        message = self.messages.get((p.get("chat_id"), p.get("message_id")))
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        problem = _check_text(p.get("text") or "") or _check_markup(p.get("reply_markup"))
        if problem:
            return self._error(400, problem)
        if p["text"] == message["text"] and p.get("reply_markup") == message.get("reply_markup"):
            return self._error(400, "Bad Request: message is not modified")
        message["text"] = p["text"]
        message.pop("reply_markup", None)
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        return _ok(self._echo(message))

    async def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> web.Response:
        message = self.messages.get((p.get("chat_id"), p.get("message_id")))
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        message.pop("reply_markup", None)
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        return _ok(self._echo(message))

    async def _api_answerCallbackQuery(self, p: dict[str, Any]) -> web.Response:
        if not p.get("callback_query_id"):
            return self._error(400, "Bad Request: no id")
        return _ok(None if self.loose else True)

    async def _api_setWebhook(self, p: dict[str, Any]) -> web.Response:
        self.webhook = dict(p) if p.get("url") else None
        return _ok(True)

    async def _api_deleteWebhook(self, p: dict[str, Any]) -> web.Response:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self.pending.clear()
        return _ok(True)

    async def _api_setMyCommands(self, p: dict[str, Any]) -> web.Response:
        self.commands = list(p.get("commands") or [])
        return _ok(True)

    async def _api_sendChatAction(self, p: dict[str, Any]) -> web.Response:
        return _ok(True)


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = {k: _decode(k, v) for k, v in request.query.items()}
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        params.update({k: _decode(k, v) for k, v in form.items() if isinstance(v, str)})
    return params


def _decode(key: str, value: str) -> Any:
    if key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _check_text(text: str) -> str | None:
    if not text.strip():
        return "Bad Request: message text is empty"
    if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
        return "Bad Request: message is too long"
    return None


def _check_markup(markup: Any) -> str | None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if len(button.get("callback_data", "").encode()) > MAX_CALLBACK_DATA:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None
           ) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
