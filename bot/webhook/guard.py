"""Bounded body reading, a JSON depth cap, and the fields a signed body is checked for."""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import re
from typing import Any

from aiohttp import web

MAX_BODY_BYTES = 256 * 1024  # the largest Telegram or Zalo event is a few kilobytes
MAX_DEPTH = 32
READ_TIMEOUT_SECONDS = 10.0
_TIMESTAMP = re.compile(rb'"timestamp"\s*:\s*"?(-?[0-9][0-9.eE+-]{0,30})"?')


class Refused(Exception):
    """A request refused before it reaches the core; the message is one log line."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


async def read_body(request: web.Request, limit: int = MAX_BODY_BYTES,
                    timeout: float = READ_TIMEOUT_SECONDS) -> bytes:
    """The raw body, refused when too large or not sent within `timeout` seconds."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused(413, f"body of {request.content_length} bytes over {limit}")
    try:
        raw = await asyncio.wait_for(request.content.read(limit + 1), timeout)
    except TimeoutError:
        raise Refused(408, "body not received in time") from None
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        raise Refused(400, f"connection closed while reading ({type(exc).__name__})") from None
    if len(raw) > limit:
        raise Refused(413, f"body over {limit} bytes")
    return raw


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), in one pass."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def parse_object(raw: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """A JSON object from an authenticated body, refused when too deep or not an object."""
    if json_depth(raw) > max_depth:
        raise Refused(400, f"JSON nested deeper than {max_depth}")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise Refused(400, "body is not JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "body is not a JSON object")
    return data


def raw_timestamp(raw: bytes) -> str | None:
    """The first `"timestamp"` value of a body, read without parsing it (for the signature)."""
    found = _TIMESTAMP.search(raw[:MAX_BODY_BYTES])
    return found.group(1).decode() if found else None


def epoch_seconds(value: str | None) -> float:
    """A finite epoch time in seconds (milliseconds accepted), else Refused."""
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise Refused(403, "missing or invalid timestamp")
    return seconds / 1000 if seconds > 1e11 else seconds


def body_digest(raw: bytes) -> str:
    """An id for an event that carries none: the same signed body gives the same id."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:32]
