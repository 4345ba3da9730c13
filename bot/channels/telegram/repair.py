"""Repair updates other Bot API servers shape differently, so python-telegram-bot reads them.

PTB drops a whole getUpdates answer it cannot parse and, if it cannot compute the next offset,
stops polling without a word. Each update is therefore checked first and, when needed, put
right (integer ids, seconds, the fields some servers leave out) or reduced to its id.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from telegram import Update

log = logging.getLogger(__name__)
MILLISECONDS = 10**11  # a `date` above this is in milliseconds (year 5138 in seconds)


def fill_user(user: Any, is_bot: bool) -> None:
    """Give a User object the required fields some servers leave out.

    Args:
        user: the decoded User (anything else is left alone).
        is_bot: the `is_bot` to assume (True for getMe).
    """
    if isinstance(user, dict):
        user.setdefault("is_bot", is_bot)
        user.setdefault("first_name", "")


def _fix_date(message: Any) -> None:
    """Unix seconds, as documented; some servers send milliseconds."""
    if isinstance(message, dict):
        date = message.get("date")
        if isinstance(date, int) and date > MILLISECONDS:
            message["date"] = date // 1000


def _repaired(update: dict[str, Any]) -> dict[str, Any]:
    """A copy of `update` with what other servers get wrong or leave out put right.

    Users get `is_bot`/`first_name`, dates in milliseconds become seconds, a callback query
    gets `chat_instance` and loses a `message` too incomplete to read (the press is then
    answered in the presser's chat).
    """
    update = json.loads(json.dumps(update))
    for key in ("message", "edited_message", "callback_query"):
        item = update.get(key)
        if isinstance(item, dict):
            fill_user(item.get("from"), False)
            _fix_date(item)
    query = update.get("callback_query")
    if isinstance(query, dict):
        query.setdefault("chat_instance", "")
        message = query.get("message")
        _fix_date(message)
        if not isinstance(message, dict) or not {"message_id", "date", "chat"} <= set(message):
            query.pop("message", None)
    return update


def _unreadable(item: Any) -> Exception | None:
    """Why PTB cannot parse `item` as an Update, or None when it can."""
    try:
        Update.de_json(item, None)
    except Exception as exc:  # whatever breaks the parser
        return exc
    return None


def _as_int(obj: Any, key: str) -> bool:
    """Turn `obj[key]` into an int if it is a numeric string; returns whether it did."""
    if isinstance(obj, dict) and isinstance(obj.get(key), str):
        with contextlib.suppress(ValueError):
            obj[key] = int(obj[key])
            return True
    return False


def _int_ids(original: dict[str, Any]) -> dict[str, Any]:
    """Integer ids where the Bot API documents integers (PTB computes the offset with them).

    Callback query ids stay strings, as documented. Returns `original` when nothing changed.
    """
    update = json.loads(json.dumps(original))
    changed = _as_int(update, "update_id")
    query = update.get("callback_query")
    messages = [update.get(k) for k in ("message", "edited_message")]
    if isinstance(query, dict):
        changed = _as_int(query.get("from"), "id") or changed
        messages.append(query.get("message"))
    for message in messages:
        if isinstance(message, dict):
            for obj, key in ((message, "message_id"), (message.get("chat"), "id"),
                             (message.get("from"), "id")):
                changed = _as_int(obj, key) or changed
    return update if changed else original


def readable_update(item: Any) -> Any:
    """`item` if PTB can parse it, else a repaired copy, else its bare `update_id` or None.

    Args:
        item: one update as decoded from JSON.

    Returns:
        What to hand to PTB instead (None: nothing usable).
    """
    if isinstance(item, dict):
        item = _int_ids(item)  # string ids: PTB's offset arithmetic would kill polling
    if _unreadable(item) is None:
        return item
    if not isinstance(item, dict):
        return None
    repaired = _repaired(item)
    problem = _unreadable(repaired)
    if problem is None:
        return repaired
    update_id = item.get("update_id")
    log.warning("telegram: update %s could not be read and is skipped (%s)", update_id,
                type(problem).__name__)
    if isinstance(update_id, int) and not isinstance(update_id, bool):
        return {"update_id": update_id}
    return None


def readable_updates(body: dict[str, Any]) -> bool:
    """Repair updates PTB cannot parse, or reduce them to their `update_id`.

    PTB drops a whole getUpdates answer it fails to parse without moving the offset, and so
    fetches the same answer again at once, forever.

    Args:
        body: a getUpdates answer, changed in place.

    Returns:
        Whether an update was changed.
    """
    result = body.get("result")
    if not isinstance(result, list):
        return False
    readable = [r for r in map(readable_update, result) if r is not None]
    if len(readable) == len(result) and all(a is b for a, b in zip(readable, result,
                                                                     strict=True)):
        return False
    body["result"] = readable
    return True
