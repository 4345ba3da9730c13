"""The update queue that writes each Telegram update to the store's inbox before it is confirmed.

python-telegram-bot's Updater awaits `update_queue.put()` for every update of a batch and only
then sends the next getUpdates with the offset that confirms the batch; our webhook route awaits
the same `put()` before answering 200. Writing the inbox row inside `put()` therefore makes every
confirmed update durable; the row is deleted once the update has been handled.
"""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Bot, Update

from bot.storage.base import Store

log = logging.getLogger(__name__)
CHANNEL = "telegram"


class DurableQueue(asyncio.Queue[object]):
    """An asyncio.Queue of Updates whose `put()` returns only once the update is stored."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    async def put(self, item: object) -> None:
        """Store an Update in the inbox, then queue it (other objects are only queued)."""
        if isinstance(item, Update):
            payload = json.dumps(item.to_dict(), ensure_ascii=False)
            await self.store.inbox_add(CHANNEL, str(item.update_id), payload)
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Queue the updates stored but not handled before the last stop or crash.

        Returns:
            How many were queued.
        """
        pending = await self.store.inbox_pending(CHANNEL, limit=100_000)
        for update_id, payload in pending:
            try:
                update = Update.de_json(json.loads(payload), bot)
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("inbox: update %s unreadable (%s), dropped", update_id, exc)
                await self.store.inbox_done(CHANNEL, update_id)
                continue
            if update is not None:
                super().put_nowait(update)
        if pending:
            log.info("telegram: %d update(s) received before the restart handled first",
                     len(pending))
        return len(pending)

    async def done(self, update: object) -> None:
        """Forget a handled update."""
        if isinstance(update, Update):
            await self.store.inbox_done(CHANNEL, str(update.update_id))
