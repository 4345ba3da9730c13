"""The Zalo Official Account channel: signed webhook in, consultation messages out."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.zalo_bot.tasks import BackgroundTasks
from bot.channels.zalo_oa import shared
from bot.channels.zalo_oa.api import NETWORK_ERROR, TOKEN_CODES, ZaloOAApi, ZaloOAError
from bot.channels.zalo_oa.events import CHANNEL, OAEvent, parse_event
from bot.channels.zalo_oa.render import Outgoing, render
from bot.channels.zalo_oa.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_valid
from bot.channels.zalo_oa.tokens import TokenManager, ZaloOAAuthError
from bot.config import Secrets, ZaloOAConfig
from bot.core.assistant import Assistant
from bot.core.locks import KeyedLocks
from bot.httpserver import HttpServer
from bot.storage.base import Store
from bot.webhook.guard import (
    Refused,
    body_digest,
    epoch_seconds,
    parse_object,
    raw_timestamp,
    read_body,
)

log = logging.getLogger(__name__)

KEEPALIVE_MAX_SLEEP = 6 * 3600.0


class ZaloOAChannel:
    """Verifies and acknowledges events at once, then answers them in the background."""

    name = CHANNEL

    def __init__(self, config: ZaloOAConfig, secrets: Secrets,
                 clock: Callable[[], float] = time.time) -> None:
        """Check the settings; nothing is contacted before `start()`.

        Args:
            config: the zalo_oa section.
            secrets: DVCBOT_ZALO_OA_SECRET_KEY, _APP_SECRET, _REFRESH_TOKEN, _ACCESS_TOKEN.
            clock: wall-clock seconds (event age, token expiry).

        Raises:
            ValueError: the app id or the OA secret key is missing.
        """
        if not config.app_id or not secrets.zalo_oa_secret_key:
            raise ValueError("zalo_oa: app_id and DVCBOT_ZALO_OA_SECRET_KEY are required")
        self.config = config
        self._secrets = secrets
        self.clock = clock
        self.tasks = BackgroundTasks(CHANNEL)
        self._locks = KeyedLocks()
        self._session: aiohttp.ClientSession | None = None
        self._assistant: Assistant | None = None
        self._keepalive: asyncio.Task[None] | None = None
        self._takeover: asyncio.Task[None] | None = None
        self.tokens: TokenManager | None = None
        self.api: ZaloOAApi | None = None

    async def start(self, assistant: Assistant, http: HttpServer) -> None:
        """Load the saved tokens and serve the webhook.

        Args:
            assistant: the core (its store keeps the rotated tokens).
            http: the shared server (routes must be added before it starts).

        Raises:
            ZaloOAAuthError: no token saved and none in the environment.
        """
        self._assistant = assistant
        self._session = aiohttp.ClientSession()
        secrets = self._secrets
        if not secrets.zalo_oa_app_secret:
            log.warning("zalo-oa: DVCBOT_ZALO_OA_APP_SECRET is not set; tokens cannot be "
                        "refreshed")
        self.tokens = TokenManager(
            assistant.store, self._session, oauth_url=self.config.oauth_url,
            app_id=self.config.app_id, app_secret=secrets.zalo_oa_app_secret,
            env_refresh_token=secrets.zalo_oa_refresh_token,
            env_access_token=secrets.zalo_oa_access_token, clock=self.clock)
        try:
            await self.tokens.load()
        except ZaloOAAuthError:
            await self.stop()
            raise
        self.api = ZaloOAApi(self._session, self.config.base_url, self.tokens)
        http.add_route("POST", self.config.webhook_path, self.webhook)
        self._keepalive = asyncio.create_task(self._keep_fresh())
        await self._replay_inbox(assistant)
        self._takeover = asyncio.create_task(shared.take_over(assistant.store, self._spawn))

    async def _replay_inbox(self, assistant: Assistant) -> None:
        """Process the verified events acknowledged before the last stop or crash."""
        pending = await shared.claim_own(assistant.store)
        await self._spawn(pending)
        if pending:
            log.info("zalo-oa: %d event(s) received before the restart processed", len(pending))

    async def _spawn(self, rows: list[tuple[str, str]]) -> None:
        for _key, payload in rows:
            raw = payload.encode()
            self.tasks.spawn(self.process(parse_object(raw), raw))

    async def stop(self) -> None:
        """Finish events in progress, stop refreshing, close the client."""
        if self._takeover is not None:
            self._takeover.cancel()
            self._takeover = None
        if self._keepalive is not None:
            self._keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keepalive
            self._keepalive = None
        await self.tasks.drain()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _keep_fresh(self) -> None:
        """Refresh ahead of expiry even when nobody writes, so the refresh token stays alive."""
        assert self.tokens is not None
        while True:
            try:
                if self.tokens.due():
                    await self.tokens.access_token()
            except (ZaloOAAuthError, TimeoutError) as exc:
                log.error("zalo-oa: token refresh failed: %s", exc)
            due_at = self.tokens.tokens.refresh_at
            wait = due_at - self.clock() if due_at else 0.0
            await asyncio.sleep(min(max(wait, 60.0), KEEPALIVE_MAX_SLEEP))

    async def webhook(self, request: web.Request) -> web.Response:
        """POST handler: verify the signature over the raw bytes, then parse, then check age;
        acknowledge at once, process after."""
        try:
            raw = await read_body(request)
            stamp = self._authenticate(request, raw)
            event = parse_object(raw)
            self._check(event, stamp)
        except Refused as refused:
            log.warning("zalo-oa: webhook event refused: %s", refused)
            return web.json_response({"error": 1, "message": str(refused)},
                                     status=refused.status)
        store = self._store()
        # Stored before the 200 that confirms it; an event another live instance is
        # answering (Zalo delivered it twice) is left to that instance.
        if store is None or await shared.store_event(store, body_digest(raw),
                                                     raw.decode("utf-8", "replace")):
            self.tasks.spawn(self.process(event, raw))
        return web.json_response({"error": 0, "message": "ok"})

    def _authenticate(self, request: web.Request, raw: bytes) -> str:
        """The timestamp the signature verified with; Refused when none does."""
        candidates = [v for v in (raw_timestamp(raw), request.headers.get(TIMESTAMP_HEADER))
                      if v]
        timestamp = signature_valid(request.headers.get(SIGNATURE_HEADER, ""),
                                    self.config.app_id, raw, candidates,
                                    self._secrets.zalo_oa_secret_key)
        if timestamp is None:
            raise Refused(403, "bad signature")
        return timestamp

    def _check(self, event: dict[str, Any], timestamp: str) -> None:
        """Refuse an authentic event for another app, or one too old or badly dated."""
        if str(event.get("app_id") or self.config.app_id) != self.config.app_id:
            raise Refused(403, "unknown app_id")
        if abs(self.clock() - epoch_seconds(timestamp)) > self.config.max_event_age_seconds:
            raise Refused(403, "stale timestamp")

    async def process(self, event: dict[str, Any], raw: bytes = b"") -> None:
        """Handle one verified event and send the replies, one citizen at a time, in order.

        Args:
            event: the decoded event.
            raw: its signed bytes; their digest identifies an event without `msg_id`.
        """
        try:
            await self._process(event, raw)
        finally:
            store = self._store()
            if raw and store is not None:
                await store.inbox_done(CHANNEL, body_digest(raw))

    def _store(self) -> Store | None:
        return getattr(self._assistant, "store", None)  # test doubles may have none

    async def _process(self, event: dict[str, Any], raw: bytes) -> None:
        parsed = parse_event(event)
        if parsed is None or self._assistant is None:
            log.debug("zalo-oa: ignoring event %s", event.get("event_name"))
            return
        if parsed.incoming.update_id is None and raw:
            parsed = dataclasses.replace(parsed, incoming=dataclasses.replace(
                parsed.incoming, update_id=body_digest(raw)))
        async with self._locks.hold(parsed.user_id):
            replies = await self._assistant.handle(parsed.incoming)
            outgoing = [item for reply in replies for item in render(reply)]
            try:
                for number, item in enumerate(outgoing):
                    await self._send(parsed, item, first=number == 0)
            except (ZaloOAError, ZaloOAAuthError, TimeoutError) as exc:
                # The rest of this turn would make no sense alone (e.g. the user unfollowed).
                log.warning("zalo-oa: a reply was not delivered: %s", exc)
            await self._assistant.delivered(parsed.incoming)

    async def _send(self, event: OAEvent, item: Outgoing, first: bool) -> None:
        """Send one message; buttons the API refuses are sent again as a numbered list."""
        try:
            await self._send_one(event, item.message, first)
        except ZaloOAError as exc:
            if not item.fallback or exc.code in TOKEN_CODES:
                raise
            log.warning("zalo-oa: buttons refused (%s); sending a numbered list", exc)
            for number, message in enumerate(item.fallback):
                await self._send_one(event, message, first and number == 0)

    async def _send_one(self, event: OAEvent, message: dict[str, Any], first: bool) -> None:
        """Send with the reply reference; if the API refuses the message, once without it.

        Where v3 takes the reference is not settled; a server that rejects it must not cost
        the citizen the answer.
        """
        assert self.api is not None
        recipient, addressed = self._addressed(event, message, first)
        try:
            await self.api.send(recipient, addressed)
        except ZaloOAError as exc:
            referred = (recipient, addressed) != ({"user_id": event.user_id}, message)
            if not referred or exc.code in (*TOKEN_CODES, NETWORK_ERROR):
                raise
            log.warning("zalo-oa: message refused (%s); trying once without the reply "
                        "reference", exc)
            await self.api.send({"user_id": event.user_id}, message)

    def _addressed(self, event: OAEvent, message: dict[str, Any], first: bool
                   ) -> tuple[dict[str, str], dict[str, Any]]:
        """Recipient and message, the first reply referring to the citizen's message.

        Replies that carry the inbound message id count as answers (free within the reply
        window) rather than proactive messages; where v3 expects it is not settled, hence
        `reply_reference`.
        """
        recipient = {"user_id": event.user_id}
        if not first or not event.message_id:
            return recipient, message
        if self.config.reply_reference == "recipient":
            recipient["message_id"] = event.message_id
        elif self.config.reply_reference == "quote":
            message = {**message, "quote_message_id": event.message_id}
        return recipient, message
