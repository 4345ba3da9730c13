"""The Zalo Bot Platform channel: long polling or a verified webhook, numbered-text menus."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import logging
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.zalo_bot import inbox
from bot.channels.zalo_bot.api import ZaloBotApi, ZaloBotError
from bot.channels.zalo_bot.shared import PollingLease
from bot.channels.zalo_bot.tasks import BackgroundTasks
from bot.channels.zalo_bot.text import split_text
from bot.channels.zalo_bot.updates import CHANNEL, Inbound, parse_update, unwrap
from bot.config import ZaloBotConfig
from bot.core.assistant import Assistant
from bot.core.locks import KeyedLocks
from bot.core.models import numbered_text
from bot.httpserver import HttpServer
from bot.storage.base import Store
from bot.webhook.guard import Refused, parse_object, read_body

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
POLL_SECONDS = 30
MAX_BACKOFF_SECONDS = 60.0
MIN_EMPTY_POLL_SECONDS = 0.1
REFUSED = (401, 403)  # the citizen blocked the bot or the chat is gone: stop this turn


class ZaloBotChannel:
    """Receives updates (polling or webhook), asks the core, sends the replies as text."""

    name = CHANNEL

    def __init__(self, config: ZaloBotConfig, token: str, webhook_secret: str = "",
                 poll_seconds: int = POLL_SECONDS) -> None:
        """Check the settings; nothing is contacted before `start()`.

        Args:
            config: the zalo_bot section.
            token: DVCBOT_ZALO_BOT_TOKEN.
            webhook_secret: DVCBOT_ZALO_BOT_WEBHOOK_SECRET (required in webhook mode).
            poll_seconds: how long one getUpdates call may wait.

        Raises:
            ValueError: a setting is missing or invalid.
        """
        if not token:
            raise ValueError("zalo_bot: DVCBOT_ZALO_BOT_TOKEN is not set")
        if config.mode == "webhook" and not 8 <= len(webhook_secret) <= 256:
            raise ValueError("zalo_bot: webhook mode needs DVCBOT_ZALO_BOT_WEBHOOK_SECRET "
                             "(8-256 characters)")
        self.config = config
        self._token = token
        self._secret = webhook_secret
        self.poll_seconds = poll_seconds
        self.tasks = BackgroundTasks(CHANNEL)
        self._locks = KeyedLocks()
        self._session: aiohttp.ClientSession | None = None
        self._api: ZaloBotApi | None = None
        self._assistant: Assistant | None = None
        self._poller: asyncio.Task[None] | None = None
        self.polling: PollingLease | None = None  # polling mode with a store

    @property
    def api(self) -> ZaloBotApi:
        """The API client (after `start()`)."""
        if self._api is None:
            raise RuntimeError("ZaloBotChannel.start() was not called")
        return self._api

    async def start(self, assistant: Assistant, http: HttpServer) -> None:
        """Open the client; register the webhook route or start long polling.

        Args:
            assistant: the core.
            http: the shared server (routes must be added before it starts).
        """
        self._assistant = assistant
        self._session = aiohttp.ClientSession()
        self._api = ZaloBotApi(self._session, self.config.base_url, self._token)
        try:
            await self._log_identity()
        except ValueError:
            await self.stop()
            raise
        if self.config.mode == "webhook":
            http.add_route("POST", self.config.webhook_path, self.webhook)
            if self.config.webhook_url:
                await self.api.call("setWebhook", {"url": self.config.webhook_url,
                                                   "secret_token": self._secret})
                log.info("zalo-bot: webhook registered")
            else:
                log.info("zalo-bot: webhook_url is empty; expecting a webhook set by hand")
        else:
            with contextlib.suppress(ZaloBotError, TimeoutError):
                await self.api.call("deleteWebhook")  # getUpdates fails while one is set
        await self._replay()
        store = self._store()
        if self.config.mode != "webhook" and store is not None:
            self.polling = PollingLease(store, self._poll, self._spawn)
            await self.polling.start()  # polls while this instance holds the lease
        elif self.config.mode != "webhook":
            self._poller = asyncio.create_task(self._poll())

    def _spawn(self, update: dict[str, Any], key: str) -> None:
        self.tasks.spawn(self.process(update, key))

    async def _replay(self) -> None:
        """Handle first the updates stored but not handled before the last stop or crash."""
        waiting = await inbox.pending(self._store())
        for key, update in waiting:
            self.tasks.spawn(self.process(update, key))
        if waiting:
            log.info("zalo-bot: %d update(s) received before the restart handled first",
                     len(waiting))

    def _store(self) -> Store | None:
        return getattr(self._assistant, "store", None)  # test doubles may have none

    async def _log_identity(self) -> None:
        try:
            me = await self.api.call("getMe")
        except ZaloBotError as exc:
            if exc.code in (401, 403):
                raise ValueError(f"zalo_bot: the token was refused ({exc})") from exc
            log.warning("zalo-bot: getMe failed: %s", exc)
        except TimeoutError:
            log.warning("zalo-bot: getMe timed out at start; will keep trying")
        else:
            name = me.get("account_name") if isinstance(me, dict) else None
            log.info("zalo-bot: connected as %s (%s mode)", name, self.config.mode)

    async def stop(self) -> None:
        """Stop polling, finish events in progress, close the client."""
        if self.polling is not None:
            await self.polling.stop()
            self.polling = None
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        await self.tasks.drain()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _poll(self) -> None:
        """Long polling: one update per call; 408 (no update) just polls again."""
        backoff = 1.0
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            try:
                updates = await self.api.get_updates(self.poll_seconds)
            except (ZaloBotError, TimeoutError) as exc:
                log.warning("zalo-bot: getUpdates failed (%s); retrying in %.0f s", exc,
                            backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = 1.0
            if not updates and loop.time() - began < MIN_EMPTY_POLL_SECONDS:
                # A server that answers "no update" without holding the request would
                # otherwise be polled in a tight loop.
                await asyncio.sleep(1.0)
            for update in updates:
                # Stored before the next poll (which the platform takes as confirmation);
                # handled in the background: a citizen whose replies wait (rate limit, slow
                # network) must not hold up the others; the per-chat lock keeps the order.
                key = await inbox.keep(self._store(), update)
                self.tasks.spawn(self.process(update, key))

    async def webhook(self, request: web.Request) -> web.Response:
        """POST handler: check the secret header, acknowledge, process in the background."""
        given = request.headers.get(SECRET_HEADER, "")
        if not self._secret or not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("zalo-bot: webhook call with a missing or wrong secret refused")
            return web.json_response({"ok": False}, status=403)
        try:
            body = parse_object(await read_body(request))
        except Refused as refused:
            log.warning("zalo-bot: webhook call refused: %s", refused)
            return web.json_response({"ok": False}, status=refused.status)
        update = unwrap(body)
        if not isinstance(update, dict):
            return web.json_response({"ok": False}, status=400)
        key = await inbox.keep(self._store(), update)  # stored before the 200 confirms it
        self.tasks.spawn(self.process(update, key))
        return web.json_response({"ok": True})

    async def process(self, update: dict[str, Any], key: str | None = None) -> None:
        """Handle one update and send the replies, one citizen at a time, in order.

        Args:
            update: the decoded update (already unwrapped).
            key: its inbox key, forgotten once handled.
        """
        cancelled = False
        try:
            await self._process(update, key)
        except asyncio.CancelledError:
            cancelled = True  # stopped mid-way: the row stays, handled at the next start
            raise
        finally:
            if key is not None and not cancelled:
                await inbox.done(self._store(), key)

    async def _process(self, update: dict[str, Any], key: str | None) -> None:
        inbound = parse_update(update)
        if inbound is None or self._assistant is None:
            log.debug("zalo-bot: ignoring update %s", update.get("event_name"))
            return
        if inbound.incoming.update_id is None and key is not None:
            # No message id: the digest key makes a redelivery answered once.
            inbound = dataclasses.replace(inbound, incoming=dataclasses.replace(
                inbound.incoming, update_id=key))
        async with self._locks.hold(inbound.chat_id):
            replies = await self._assistant.handle(inbound.incoming)
            await self._send(inbound, [numbered_text(r) for r in replies])
            await self._assistant.delivered(inbound.incoming)

    async def _send(self, inbound: Inbound, texts: list[str]) -> None:
        for text in texts:
            for chunk in split_text(text):
                try:
                    await self.api.send_message(inbound.chat_id, chunk)
                except (ZaloBotError, TimeoutError) as exc:
                    if isinstance(exc, ZaloBotError) and exc.code in REFUSED:
                        log.info("zalo-bot: the chat refuses messages (%s); not retrying", exc)
                        return
                    log.warning("zalo-bot: a reply was not delivered: %s", exc)
