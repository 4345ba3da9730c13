"""HTTP for python-telegram-bot that tolerates how other Bot API servers shape their answers.

api.telegram.org mirrors `error_code` in the HTTP status and sends `retry_after` as a number;
the Bot API documentation only promises the JSON envelope. Self-hosted servers, gateways and
reimplementations differ, and python-telegram-bot reacts badly to some differences (a lost
message, polling stopped for good, a hot loop on one update it cannot read). Every answer is
normalised here before PTB sees it, so its usual error handling applies.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from http import HTTPStatus
from typing import Any

from telegram import Message
from telegram._utils.types import ODVInput
from telegram.request import HTTPXRequest, RequestData

from bot.channels.telegram.repair import fill_user, readable_updates

log = logging.getLogger(__name__)

# Answers that say "not the Bot API" when they come from a gateway, or after getMe worked.
REFUSALS = (HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
MIN_POLL_SECONDS = 1.0
RETRY_RE = re.compile(r"retry after (\d+)", re.IGNORECASE)


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


MESSAGE_METHODS = {"sendmessage", "editmessagetext", "editmessagereplymarkup"}


def _ok_flag(body: Any) -> bool | None:
    """The envelope's `ok` (also "true"/"false" as text, or implied by `result` or
    `error_code` when left out); None when `body` is no Bot API envelope at all."""
    if not isinstance(body, dict):
        return None
    ok = body.get("ok")
    if isinstance(ok, bool):
        return ok
    if isinstance(ok, str) and ok.strip().lower() in ("true", "false"):
        return ok.strip().lower() == "true"
    if ok is None and "error_code" in body:
        return False
    if ok is None and "result" in body:
        return True
    return None


def _fill_result(method: str, body: dict[str, Any]) -> bool:
    """Fill in results some servers leave out; returns whether `body` changed."""
    result = body.get("result")
    if method == "getme" and isinstance(result, dict) and "is_bot" not in result:
        fill_user(result, True)
        return True
    if method in MESSAGE_METHODS and not isinstance(result, bool) and \
            (not isinstance(result, dict) or _unreadable_message(result)):
        # The call worked but its echo is unreadable: "done", as edits of inline messages
        # are answered. The bot never needs the echo of what it sent.
        body["result"] = True
        return True
    return False


def _unreadable_message(result: dict[str, Any]) -> bool:
    try:
        Message.de_json(result, None)
    except Exception:  # whatever breaks the parser
        return True
    return False


def normalise(api_method: str, code: int, payload: bytes) -> tuple[int, bytes]:
    """Make one Bot API answer look the way python-telegram-bot expects.

    * `ok: false` with a 2xx status: the status becomes `error_code` (PTB reads the status);
    * `parameters.retry_after` as a numeric string: a number (PTB crashes on a string), or
      read from the description of a 429 that has no parameters;
    * a body that is not JSON: a JSON envelope, and a 401/404 or 2xx without JSON counts as a
      gateway failure (502), to be retried, not as the Bot API refusing the token;
    * 401/404 on getUpdates (a proxy or server restarting, after getMe worked): 502, so
      polling retries with backoff instead of stopping for good;
    * getUpdates results PTB cannot parse: repaired, or reduced to their `update_id`;
    * getMe without `is_bot`, a Message-returning method answering null: filled in / `true`.

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
    ok = _ok_flag(body)
    if ok is None or not isinstance(body, dict):
        # Not the Bot API's envelope: a proxy's page, or an error some server phrased its way.
        said = body.get("description") or body.get("message") if isinstance(body, dict) else ""
        detail = f": {said}" if isinstance(said, str) and said else ""
        if 200 <= code <= 299 or code in REFUSALS:
            return HTTPStatus.BAD_GATEWAY, _envelope(
                code, f"HTTP {code} answer that is not the Bot API's{detail}")
        return code, _envelope(code, f"HTTP {code} answer that is not the Bot API's{detail}")
    changed = body.get("ok") is not ok
    body["ok"] = ok
    if ok is False and 200 <= code <= 299:
        error_code = body.get("error_code")
        code = error_code if isinstance(error_code, int) and 400 <= error_code <= 599 else 400
    parameters = body.get("parameters")
    said = RETRY_RE.search(str(body.get("description") or ""))
    if code == HTTPStatus.TOO_MANY_REQUESTS and said and not isinstance(parameters, dict):
        # Only the description says how long ("Too Many Requests: retry after 5").
        body["parameters"] = parameters = {"retry_after": said.group(1)}
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
    if is_poll and 200 <= code <= 299 and readable_updates(body):
        changed = True
    if 200 <= code <= 299 and body.get("ok") is True:
        changed = _fill_result(api_method.lower(), body) or changed
    return code, json.dumps(body).encode() if changed else payload


def _no_updates(payload: bytes) -> bool:
    try:
        return bool(json.loads(payload).get("result") == [])
    except (ValueError, AttributeError):
        return False


class TolerantRequest(HTTPXRequest):
    """PTB's httpx transport, with every answer passed through `normalise`.

    A server that answers an empty getUpdates at once instead of holding it (short polling)
    is asked again after a second, not in a tight loop.
    """

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `HTTPXRequest.do_request`; the answer is normalised."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        code, payload = await super().do_request(
            url, method, request_data, read_timeout=read_timeout,
            write_timeout=write_timeout, connect_timeout=connect_timeout,
            pool_timeout=pool_timeout)
        api_method = url.rsplit("/", 1)[-1]
        code, payload = normalise(api_method, code, payload)
        asked = request_data.parameters.get("timeout") if request_data else None
        if api_method.lower() == "getupdates" and code == HTTPStatus.OK and \
                isinstance(asked, int | float) and asked > 0 and \
                loop.time() - began < MIN_POLL_SECONDS and _no_updates(payload):
            await asyncio.sleep(MIN_POLL_SECONDS)
        return code, payload
