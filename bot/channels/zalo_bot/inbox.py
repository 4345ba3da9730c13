"""The Zalo Bot channel's durable inbox: each update is stored before it is confirmed.

The platform confirms a polled update by handing it out (getUpdates has no offset) and a
webhook update by our 200, so the row is written as soon as the update is read, before the
next poll or the 200; it is deleted once the update is handled, and rows left by a crash are
handled first at the next start. The key is the message id, or a digest of the update.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from bot.channels.zalo_bot.updates import CHANNEL, as_mapping, text_id
from bot.storage.base import Store

log = logging.getLogger(__name__)
REPLAY_LIMIT = 100_000


def update_key(update: dict[str, Any]) -> str:
    """The message id, or for an update without one a digest of its canonical JSON (the
    same event delivered again gives the same key)."""
    message_id = text_id(as_mapping(update.get("message")).get("message_id"))
    if message_id:
        return message_id
    canonical = json.dumps(update, sort_keys=True, ensure_ascii=False).encode()
    return "sha256:" + hashlib.sha256(canonical).hexdigest()[:32]


async def keep(store: Store | None, update: dict[str, Any]) -> str:
    """Store `update` (a redelivery of a waiting one is stored once); return its key."""
    key = update_key(update)
    if store is not None:
        await store.inbox_add(CHANNEL, key, json.dumps(update, ensure_ascii=False))
    return key


async def done(store: Store | None, key: str) -> None:
    """Forget a handled update."""
    if store is not None:
        await store.inbox_done(CHANNEL, key)


async def pending(store: Store | None) -> list[tuple[str, dict[str, Any]]]:
    """(key, update) of the updates stored but not handled before the last stop or crash;
    an unreadable row is dropped with a warning."""
    if store is None:
        return []
    try:  # with several instances: this instance's rows and those of dead ones only
        rows = await store.inbox_claim(CHANNEL, limit=REPLAY_LIMIT)
    except NotImplementedError:
        rows = await store.inbox_pending(CHANNEL, limit=REPLAY_LIMIT)
    found = []
    for key, payload in rows:
        try:
            update = json.loads(payload)
        except ValueError:
            update = None
        if not isinstance(update, dict):
            log.warning("zalo-bot: inbox update %s unreadable, dropped", key)
            await store.inbox_done(CHANNEL, key)
            continue
        found.append((key, update))
    return found
