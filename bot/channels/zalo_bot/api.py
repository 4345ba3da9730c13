"""A small aiohttp client for the Zalo Bot Platform API (`{base}/bot{token}/{method}`)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

POLL_TIMEOUT_CODE = 408  # getUpdates: the long poll ended without an update
BAD_REQUEST = 400
SEND_ATTEMPTS = 3
NETWORK_ERROR = 0  # the code given to transport failures (no HTTP answer)


class ZaloBotError(Exception):
    """The API answered `ok: false` or an HTTP error; `code` is its error_code or status."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Zalo Bot API error {code}: {description}")
        self.code = code
        self.description = description


class ZaloBotApi:
    """Calls Bot Platform methods with POST and a JSON body; returns `result`."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        """Bind the client to a session.

        Args:
            session: an open aiohttp session (owned by the caller).
            base_url: the API host, e.g. https://bot-api.zaloplatforms.com.
            token: the bot token `{bot_id}:{secret}`; it never appears in logs.
        """
        self.session = session
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._timeout_as_text = True  # the docs show `timeout` as a string: "30"

    async def call(self, method: str, payload: dict[str, Any] | None = None,
                   timeout: float = 30.0) -> Any:
        """Call one method.

        Args:
            method: e.g. "sendMessage".
            payload: the JSON parameters.
            timeout: total seconds for the request.

        Returns:
            The `result` of the response (None when there is none).

        Raises:
            ZaloBotError: the API reported a failure, or could not be reached (code 0).
            TimeoutError: no answer within `timeout`.
        """
        url = f"{self.base_url}/bot{self._token}/{method}"
        try:
            async with self.session.post(url, json=payload or {},
                                         timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
                raw = await resp.text()
                status = resp.status
        except aiohttp.ClientError as exc:
            # Error texts may contain the URL, hence the token: never let it reach a log.
            detail = f"{type(exc).__name__}: {exc}".replace(self._token, "<token>")
            raise ZaloBotError(NETWORK_ERROR, detail) from None
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            raise ZaloBotError(status, f"not JSON (HTTP {status})") from None
        if not isinstance(body, dict):
            raise ZaloBotError(status, "unexpected response shape")
        # A failure says `ok: false`; a server leaving `ok` out still names an error code.
        refused = body.get("ok") is False or ("ok" not in body and "result" not in body
                                              and body.get("error_code") not in (None, 0))
        if refused or status >= 400:
            raise ZaloBotError(_as_int(body.get("error_code"), status),
                               str(body.get("description", "")))
        return body.get("result")

    async def get_updates(self, timeout: int) -> list[dict[str, Any]]:
        """Long-poll for the next update (the platform returns one per call).

        Args:
            timeout: seconds the server may hold the request.

        Returns:
            Zero or more updates; a 408 "no update" answer gives an empty list.
        """
        wait: str | int = str(timeout) if self._timeout_as_text else timeout
        try:
            result = await self.call("getUpdates", {"timeout": wait}, timeout=timeout + 15)
        except ZaloBotError as exc:
            if exc.code == POLL_TIMEOUT_CODE:
                return []
            if exc.code == BAD_REQUEST:
                # A server that wants the other JSON type for `timeout` refuses the call:
                # the next poll sends it the other way (string <-> number).
                self._timeout_as_text = not self._timeout_as_text
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        return [result] if isinstance(result, dict) and result else []

    async def send_message(self, chat_id: str, text: str) -> Any:
        """Send one text (1-2000 characters), backing off when rate-limited or unreachable.

        Args:
            chat_id: the conversation id (a string).
            text: the message.

        Returns:
            The API result ({message_id, date}).
        """
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await self.call("sendMessage", {"chat_id": chat_id, "text": text})
            except ZaloBotError as exc:
                transient = exc.code in (429, NETWORK_ERROR) or exc.code >= 500
                if not transient or attempt == SEND_ATTEMPTS:
                    raise
                log.warning("zalo-bot: sendMessage failed (%s); retrying in %d s", exc, attempt)
                await asyncio.sleep(attempt)
        raise AssertionError("unreachable")


def _as_int(value: Any, default: int) -> int:
    """An error code as int; servers send numbers or numeric strings."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
