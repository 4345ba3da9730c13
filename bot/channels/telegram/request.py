"""HTTP for python-telegram-bot that tolerates how other Bot API servers shape their answers.

api.telegram.org mirrors `error_code` in the HTTP status and sends `retry_after` as a number;
the Bot API documentation only promises the JSON envelope. Self-hosted servers, gateways and
reimplementations differ, and python-telegram-bot reacts badly to some differences (a lost
message, polling stopped for good, a hot loop on one update it cannot read). Every answer is
normalised here before PTB sees it, so its usual error handling applies.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

# Answers that say "not the Bot API" when they come from a gateway, or after getMe worked.
REFUSALS = (HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)


def _number(value: Any) -> int | float | None:
    """A positive number of seconds from a number or a numeric string, else None."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if seconds != seconds or seconds <= 0:  # NaN or not a wait
        return None
    return int(seconds) if seconds.is_integer() else seconds


def _envelope(code: int, description: str) -> bytes:
    return json.dumps({"ok": False, "error_code": code, "description": description}).encode()


def _readable_updates(body: dict[str, Any]) -> bool:
    """Replace updates PTB cannot parse by their bare `update_id`, so they are confirmed.

    PTB drops a whole getUpdates answer it fails to parse without moving the offset, and so
    fetches the same answer again at once, forever.

    Returns:
        Whether an update was replaced.
    """
    result = body.get("result")
    if not isinstance(result, list):
        return False
    readable: list[Any] = []
    for item in result:
        try:
            Update.de_json(item, None)
        except Exception as exc:  # whatever breaks the parser
            update_id = item.get("update_id") if isinstance(item, dict) else None
            log.warning("telegram: update %s could not be read and is skipped (%s)",
                        update_id, type(exc).__name__)
            if isinstance(update_id, int) and not isinstance(update_id, bool):
                readable.append({"update_id": update_id})
            continue
        readable.append(item)
    if len(readable) == len(result) and all(a is b for a, b in zip(readable, result,
                                                                     strict=True)):
        return False
    body["result"] = readable
    return True


def normalise(api_method: str, code: int, payload: bytes) -> tuple[int, bytes]:
    """Make one Bot API answer look the way python-telegram-bot expects.

    * `ok: false` with a 2xx status: the status becomes `error_code` (PTB reads the status);
    * `parameters.retry_after` as a numeric string: a number (PTB crashes on a string);
    * a body that is not JSON: a JSON envelope, and a 401/404 or 2xx without JSON counts as a
      gateway failure (502), to be retried, not as the Bot API refusing the token;
    * 401/404 on getUpdates (a proxy or server restarting, after getMe worked): 502, so
      polling retries with backoff instead of stopping for good;
    * getUpdates results PTB cannot parse: reduced to their `update_id`.

    Args:
        api_method: the Bot API method, e.g. "sendMessage".
        code: the HTTP status.
        payload: the raw body.

    Returns:
        The status and body to hand to python-telegram-bot.
    """
    try:
        body = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if 200 <= code <= 299 or code in REFUSALS:
            return HTTPStatus.BAD_GATEWAY, _envelope(
                code, f"HTTP {code} answer that is not Bot API JSON (from a proxy?)")
        return code, _envelope(code, f"HTTP {code} answer that is not JSON")
    changed = False
    if body.get("ok") is False and 200 <= code <= 299:
        error_code = body.get("error_code")
        code = error_code if isinstance(error_code, int) and 400 <= error_code <= 599 else 400
    parameters = body.get("parameters")
    if isinstance(parameters, dict) and "retry_after" in parameters:
        seconds = _number(parameters["retry_after"])
        if seconds != parameters["retry_after"]:
            if seconds is None:
                del parameters["retry_after"]
            else:
                parameters["retry_after"] = seconds
            changed = True
    is_poll = api_method.lower() == "getupdates"
    if is_poll and code in REFUSALS:
        body["description"] = f"{body.get('description') or code} (HTTP {code} on getUpdates)"
        code, changed = HTTPStatus.BAD_GATEWAY, True
    if is_poll and 200 <= code <= 299 and _readable_updates(body):
        changed = True
    return code, json.dumps(body).encode() if changed else payload


class TolerantRequest(HTTPXRequest):
    """PTB's httpx transport, with every answer passed through `normalise`."""

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `HTTPXRequest.do_request`; the answer is normalised."""
        code, payload = await super().do_request(
            url, method, request_data, read_timeout=read_timeout,
            write_timeout=write_timeout, connect_timeout=connect_timeout,
            pool_timeout=pool_timeout)
        return normalise(url.rsplit("/", 1)[-1], code, payload)
