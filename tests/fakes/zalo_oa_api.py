"""A fake Zalo OA Open API and OAuth server (aiohttp on 127.0.0.1), plus signed webhooks.

- `POST /v3.0/oa/message/cs` checks the `access_token` header (an unknown or expired token
  gets `{"error": -216}` with HTTP 200, as Zalo answers), validates the body and records it.
- `POST /v4/oa/access_token` checks the `secret_key` header and the form, then trades a
  refresh token for a NEW access + refresh pair and INVALIDATES the refresh token it used.
- `signed()` builds a webhook request the way Zalo signs it:
  `X-ZEvent-Signature: mac=sha256(app_id + raw body + timestamp + OA secret key)`.
  It is written independently of the adapter's code, so a mistake there shows up here.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from tests.fakes.loopback import LoopbackServer

MAX_TEXT = 2000
MAX_BUTTONS = 5
APP_ID = "2961035123456789012"
OA_ID = "579745863508352884"
OA_SECRET_KEY = "oa-webhook-secret-key-XYZ"  # the key in the app's webhook settings


@dataclass
class FakeZaloOA(LoopbackServer):
    """The server plus helpers: `sent` messages, token state, failure switches."""

    app_id: str = APP_ID
    app_secret: str = "fake-app-secret"
    access_lifetime: int = 90000  # 25 h, as Zalo issues
    sent: list[dict[str, Any]] = field(default_factory=list)
    send_tokens: list[str] = field(default_factory=list)
    refreshes: int = 0
    refused_refreshes: int = 0
    reject_buttons: bool = False
    always_expired: bool = False  # every send answers -216, whatever the token
    expired_sends: int = 0
    refused_sends: int = 0  # sends answered with a validation error (-201)
    # A server that takes no reply reference (where v3 wants it is not documented).
    reject_reply_reference: bool = False
    expired_code: int = -216  # what an invalid access token gets (-124 in other tables)
    pair_under_data: bool = False  # token answer as {"error": 0, "data": {pair}}
    on_send: Callable[[str], None] | None = None  # called with the token of each accepted send
    valid_access: set[str] = field(default_factory=set)
    valid_refresh: set[str] = field(default_factory=set)
    used_refresh: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def __post_init__(self) -> None:
        self.initial_access, self.initial_refresh = self.issue()

    def issue(self) -> tuple[str, str]:
        """Create a valid access + refresh pair."""
        access, refresh = f"acc-{secrets.token_hex(8)}", f"ref-{secrets.token_hex(8)}"
        self.valid_access.add(access)
        self.valid_refresh.add(refresh)
        return access, refresh

    def expire_access_tokens(self) -> None:
        """Every access token issued so far now gets -216."""
        self.valid_access.clear()

    async def start(self) -> None:
        """Start serving on a random port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._send_cs)
        app.router.add_post("/v4/oa/access_token", self._access_token)
        await self._serve(app)

    @property
    def base_url(self) -> str:
        """What both `base_url` and `oauth_url` point at in tests."""
        return self.origin

    async def wait_sent(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until at least `count` messages were accepted in total."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count),
                                   timeout)
        return list(self.sent)

    def texts_to(self, user_id: str) -> list[str]:
        """Texts of the messages accepted for one user, in order."""
        return [m["message"].get("text", "") for m in self.sent
                if m["recipient"].get("user_id") == user_id]

    # --- the API -------------------------------------------------------------------
    async def _send_cs(self, request: web.Request) -> web.Response:
        token = request.headers.get("access_token", "")
        if token not in self.valid_access or self.always_expired:
            self.expired_sends += 1
            return web.json_response({"error": self.expired_code,
                                      "message": "Access token is invalid"})
        try:
            body = json.loads(await request.read())
        except ValueError:
            return web.json_response({"error": -201, "message": "Body is not JSON"})
        problem = self._problem(body)
        if problem:
            self.refused_sends += 1
            return web.json_response({"error": -201, "message": problem})
        async with self._changed:
            self.sent.append(body)
            self.send_tokens.append(token)
            if self.on_send is not None:
                self.on_send(token)
            self._changed.notify_all()
        return web.json_response({"error": 0, "message": "Success", "data": {
            "message_id": f"{next(self._ids):032x}",
            "user_id": body["recipient"]["user_id"]}})

    def _problem(self, body: Any) -> str:
        if not isinstance(body, dict):
            return "body must be an object"
        recipient, message = body.get("recipient"), body.get("message")
        if not isinstance(recipient, dict) or not recipient.get("user_id"):
            return "recipient.user_id is required"
        if not isinstance(message, dict):
            return "message is required"
        if self.reject_reply_reference and ("quote_message_id" in message
                                            or "message_id" in recipient):
            return "unknown field: quote_message_id / recipient.message_id"
        text = message.get("text")
        if text is not None and (not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT):
            return "text must be 1-2000 characters"
        attachment = message.get("attachment")
        if attachment is not None:
            if self.reject_buttons:
                return "template not allowed"
            buttons = attachment.get("payload", {}).get("buttons", [])
            if not 1 <= len(buttons) <= MAX_BUTTONS:
                return "1-5 buttons allowed"
            if any(b.get("type") != "oa.query.hide" or not b.get("title") for b in buttons):
                return "bad button"
        elif text is None:
            return "message.text or message.attachment is required"
        return ""

    async def _access_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        refresh = str(form.get("refresh_token", ""))
        if request.headers.get("secret_key") != self.app_secret:
            return self._refuse(-14002, "Invalid secret key")
        if form.get("app_id") != self.app_id or form.get("grant_type") != "refresh_token":
            return self._refuse(-14001, "Invalid parameters")
        if refresh not in self.valid_refresh:
            return self._refuse(-14014, "Invalid refresh token")
        self.valid_refresh.discard(refresh)  # single use
        self.used_refresh.add(refresh)
        self.refreshes += 1
        access, new_refresh = self.issue()
        pair = {"access_token": access, "refresh_token": new_refresh,
                "expires_in": str(self.access_lifetime)}
        if self.pair_under_data:
            return web.json_response({"error": 0, "message": "Success", "data": pair})
        return web.json_response(pair)

    def _refuse(self, code: int, name: str) -> web.Response:
        self.refused_refreshes += 1
        return web.json_response({"error": code, "error_name": name,
                                  "error_description": name.lower()})


# --- webhook events -----------------------------------------------------------------
def now_ms() -> str:
    """Zalo timestamps: milliseconds, as a string."""
    return str(int(time.time() * 1000))


def user_text(user_id: str, text: str, msg_id: str, timestamp: str | None = None
              ) -> dict[str, Any]:
    """A `user_send_text` event (button clicks arrive the same way, text = payload)."""
    return {"app_id": APP_ID, "user_id_by_app": f"app-{user_id}", "event_name": "user_send_text",
            "sender": {"id": user_id}, "recipient": {"id": OA_ID},
            "message": {"msg_id": msg_id, "text": text}, "timestamp": timestamp or now_ms()}


def user_click(user_id: str, payload: str, msg_id: str) -> dict[str, Any]:
    """A click reported as its own `user_click_button` event (one integration names it)."""
    return {**user_text(user_id, payload, msg_id), "event_name": "user_click_button"}


def user_sticker(user_id: str, msg_id: str) -> dict[str, Any]:
    """A `user_send_sticker` event."""
    return {"app_id": APP_ID, "event_name": "user_send_sticker", "sender": {"id": user_id},
            "recipient": {"id": OA_ID},
            "message": {"msg_id": msg_id, "attachments": [{"type": "sticker"}]},
            "timestamp": now_ms()}


def follow(user_id: str) -> dict[str, Any]:
    """A `follow` event."""
    return {"app_id": APP_ID, "event_name": "follow", "oa_id": OA_ID,
            "follower": {"id": user_id}, "source": "oa_profile", "timestamp": now_ms()}


def oa_echo(user_id: str, text: str, msg_id: str) -> dict[str, Any]:
    """The OA's own message echoed back (`oa_send_text`): sender is the OA."""
    return {"app_id": APP_ID, "event_name": "oa_send_text", "sender": {"id": OA_ID},
            "recipient": {"id": user_id}, "message": {"msg_id": msg_id, "text": text},
            "timestamp": now_ms()}


def signed(event: dict[str, Any], secret_key: str = OA_SECRET_KEY, *,
           header_timestamp: str | None = None) -> tuple[bytes, dict[str, str]]:
    """Serialise and sign an event as Zalo does.

    Args:
        event: the event (its `app_id` and `timestamp` enter the MAC).
        secret_key: the OA secret key to sign with (a wrong one makes a forged event).
        header_timestamp: sign this timestamp instead and send it in `X-ZEvent-Timestamp`
            (the variant where the body carries none).

    Returns:
        The raw body and the headers.
    """
    raw = json.dumps(event, ensure_ascii=False).encode()
    timestamp = header_timestamp or str(event.get("timestamp", ""))
    mac = hashlib.sha256(str(event.get("app_id", "")).encode() + raw + timestamp.encode()
                         + secret_key.encode()).hexdigest()
    headers = {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"}
    if header_timestamp:
        headers["X-ZEvent-Timestamp"] = header_timestamp
    return raw, headers


async def post_event(url: str, raw: bytes, headers: dict[str, str]) -> int:
    """POST a (signed) event to the bot's webhook; returns the HTTP status."""
    async with ClientSession() as session, session.post(url, data=raw,
                                                        headers=headers) as resp:
        await resp.read()
        return resp.status
