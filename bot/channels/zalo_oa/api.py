"""Send consultation messages through the OA Open API v3, refreshing the token on -216."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp

from bot.channels.zalo_oa.tokens import TokenManager

log = logging.getLogger(__name__)

SEND_PATH = "/v3.0/oa/message/cs"
TOKEN_EXPIRED = -216
# -124 is the other "access token invalid" code in Zalo's error tables (used by ZNS);
# a refresh costs nothing worse than a rotation, so both are retried once.
TOKEN_CODES = (TOKEN_EXPIRED, -124)
NETWORK_ERROR = 1  # our code for transport failures (Zalo's own codes are <= 0)


class ZaloOAError(Exception):
    """The API answered a non-zero `error` (even with HTTP 200), or could not be reached."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo OA API error {code}: {message}")
        self.code = code
        self.message = message


class ZaloOAApi:
    """POSTs JSON with the `access_token` header; one refresh and retry on an expired token."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str,
                 tokens: TokenManager) -> None:
        """Bind the client.

        Args:
            session: an open aiohttp session (owned by the caller).
            base_url: the Open API host, e.g. https://openapi.zalo.me.
            tokens: the token manager.
        """
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens

    async def send(self, recipient: dict[str, str], message: dict[str, Any]) -> Any:
        """Send one consultation message.

        Args:
            recipient: {"user_id": ...} (optionally with "message_id").
            message: {"text": ...} and/or an "attachment".

        Returns:
            The `data` of the answer ({message_id, ...}).

        Raises:
            ZaloOAError: the API refused the message.
            ZaloOAAuthError: the token could not be refreshed.
        """
        payload = {"recipient": recipient, "message": message}
        token = await self.tokens.access_token()
        body = await self._post(SEND_PATH, token, payload)
        if _code(body) in TOKEN_CODES:
            log.info("zalo-oa: access token expired (%s); refreshing once", _code(body))
            token = await self.tokens.refresh(stale=token)
            body = await self._post(SEND_PATH, token, payload)
        code = _code(body)
        if code != 0:
            raise ZaloOAError(code, str(body.get("message", "")))
        return body.get("data")

    async def _post(self, path: str, token: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            async with self.session.post(self.base_url + path, json=payload,
                                         headers={"access_token": token},
                                         timeout=aiohttp.ClientTimeout(total=30)) as resp:
                text, status = await resp.text(), resp.status
        except aiohttp.ClientError as exc:
            raise ZaloOAError(NETWORK_ERROR, type(exc).__name__) from None
        try:
            body = json.loads(text)
        except ValueError:
            raise ZaloOAError(status, f"not JSON (HTTP {status})") from None
        if not isinstance(body, dict):
            raise ZaloOAError(status, "unexpected answer")
        if status >= 400 and _code(body) == 0:
            body["error"] = status
        return body


def _code(body: dict[str, Any]) -> int:
    """The `error` field as int (0 = success)."""
    try:
        return int(body.get("error", 0))
    except (TypeError, ValueError):
        return -1
