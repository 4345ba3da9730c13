"""The update queue that writes each Telegram update to the store's inbox before it is confirmed.

python-telegram-bot's Updater awaits `update_queue.put()` for every update of a batch and only
then sends the next getUpdates with the offset that confirms the batch; our webhook route awaits
the same `put()` before answering 200. Writing the inbox row inside `put()` therefore makes every
confirmed update durable; the row is deleted once the update has been handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from telegram import Bot, Update

from bot.storage.base import Store

log = logging.getLogger(__name__)
CHANNEL = "telegram"
CAPACITY = 64  # updates one instance works on at once before leaving the rest to others


class DurableQueue(asyncio.Queue[object]):
    """An asyncio.Queue of Updates whose `put()` returns only once the update is stored."""

    def __init__(self, store: Store, capacity: int = CAPACITY) -> None:
        super().__init__()
        self.store = store
        self.bot: Bot | None = None  # set by `replay`, for the updates taken over later
        # Polling with several instances: fetched updates are left in the inbox for whichever
        # instance claims them first (`consume`), each instance taking at most `capacity`.
        self.shared = False
        self.announced = False  # the store wakes every instance (this one too) on `put`
        self.capacity = capacity
        self.wake = asyncio.Event()
        self._claimed: set[str] = set()

    async def put(self, item: object) -> None:
        """Store an Update in the inbox, then queue it (other objects are only queued).

        An update already in the inbox and claimed by another live instance is not queued:
        that instance answers it, or this one takes it over if that instance dies.
        """
        if isinstance(item, Update):
            update_id = str(item.update_id)
            payload = json.dumps(item.to_dict(), ensure_ascii=False)
            if self.shared:
                await self.store.inbox_add(CHANNEL, update_id, payload, _chat(item),
                                           claim=False)
                if not self.announced:
                    self.wake.set()
                return
            if not await self.store.inbox_add(CHANNEL, update_id, payload, _chat(item)) and \
                    not await self._take(update_id):
                log.info("telegram: update %s is being handled by another instance", update_id)
                return
        await super().put(item)

    async def _take(self, update_id: str) -> bool:
        try:
            return await self.store.inbox_take(CHANNEL, update_id)
        except NotImplementedError:
            return True  # a store for one process only

    async def replay(self, bot: Bot) -> int:
        """Queue the updates stored but not handled before the last stop or crash.

        Returns:
            How many were queued.
        """
        self.bot = bot
        try:
            pending = await self.store.inbox_claim(CHANNEL, limit=100_000)
        except NotImplementedError:
            pending = await self.store.inbox_pending(CHANNEL, limit=100_000)
        await self.queue_rows(pending)
        if pending:
            log.info("telegram: %d update(s) received before the restart handled first",
                     len(pending))
        return len(pending)

    async def queue_rows(self, rows: list[tuple[str, str]]) -> None:
        """Queue stored updates (claimed by this instance) for the handlers."""
        for update_id, payload in rows:
            try:
                update = Update.de_json(json.loads(payload), self.bot)
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("inbox: update %s unreadable (%s), dropped", update_id, exc)
                await self.store.inbox_done(CHANNEL, update_id)
                continue
            if update is not None and update_id not in self._claimed:  # not twice in hand
                self._claimed.add(update_id)
                super().put_nowait(update)

    async def consume(self, every: float) -> None:
        """Claim waiting updates (all of them in shared polling mode, a dead instance's
        otherwise) up to this instance's free capacity, every `every` seconds or when woken."""
        while True:
            await self._sleep(every)
            self.wake.clear()
            free = self.capacity - len(self._claimed)
            if free <= 0:
                continue
            try:
                rows = await self.store.inbox_claim(CHANNEL, limit=free, own=False)
            except NotImplementedError:
                return
            except Exception as exc:
                log.warning("telegram: inbox claim failed (%s)", exc)
                continue
            await self.queue_rows(rows)

    async def drain(self, seconds: float) -> None:
        """At a clean stop (polling given up): answer the waiting updates this instance can
        still claim, so a lone instance leaves nothing it confirmed at rest in the inbox.
        Updates of a chat another live instance is answering stay for that instance."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            self.wake.clear()
            # own=True: a claim the stopped consume loop committed but never queued (cancelled
            # while the claim was being written) is ours to answer too.
            free = self.capacity - len(self._claimed)
            rows = await self.store.inbox_claim(CHANNEL, limit=free + len(self._claimed),
                                                own=True) if free > 0 else []
            rows = [row for row in rows if row[0] not in self._claimed]
            await self.queue_rows(rows)
            if not rows and not self._claimed:
                return
            await self._sleep(min(0.25, deadline - loop.time()))
        log.warning("telegram: stopped with %d update(s) in hand; the inbox keeps them",
                    len(self._claimed))

    async def _sleep(self, seconds: float) -> None:
        """Until woken or `seconds` pass. Not `wait_for`: on Python 3.11 it can swallow a
        cancellation that arrives as the event is set, and the loop would never stop."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.wake.wait()

    async def done(self, update: object) -> None:
        """Forget a handled update; the chat's next one, if any, may be claimed now."""
        if isinstance(update, Update):
            await self.store.inbox_done(CHANNEL, str(update.update_id))
            self._claimed.discard(str(update.update_id))
            self.wake.set()


def _chat(update: Update) -> str:
    """The chat an update belongs to: its events are handled one at a time, in order."""
    chat = update.effective_chat
    user = update.effective_user
    return str(chat.id if chat is not None else user.id if user is not None else "")
