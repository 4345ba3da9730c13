"""Replies as JSON for the outbox: committed with their turn, sent again after a crash."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.core.models import Button, Link, Reply
from bot.storage.base import Store

log = logging.getLogger(__name__)


def dump_replies(replies: list[Reply]) -> str:
    """The replies of one turn as a JSON array."""
    return json.dumps([{"text": r.text,
                        "buttons": [[b.label, b.payload] for b in r.buttons],
                        "links": [[k.title, k.url] for k in r.links]} for r in replies],
                      ensure_ascii=False)


def load_replies(payload: str) -> list[Reply]:
    """Replies back from `dump_replies`; an unreadable payload gives none (and a warning)."""
    try:
        items: list[dict[str, Any]] = json.loads(payload)
        return [Reply(str(item["text"]),
                      tuple(Button(str(a), str(b)) for a, b in item.get("buttons", [])),
                      tuple(Link(str(a), str(b)) for a, b in item.get("links", [])))
                for item in items]
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("outbox: unreadable replies dropped (%s)", exc)
        return []


MAX_AGE_SECONDS = 24 * 3600  # a reply older than a day would only confuse
MAX_ATTEMPTS = 3


async def unsent_replies(store: Store, channel: str, update_id: str) -> list[Reply]:
    """The replies a crash kept from being sent, for a redelivered or replayed event."""
    payload = await store.outbox_claim(channel, update_id, MAX_AGE_SECONDS, MAX_ATTEMPTS)
    return load_replies(payload) if payload is not None else []
