"""The Telegram channel: a python-telegram-bot Application, polling or behind our webhook."""

from __future__ import annotations

import functools
import hmac
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from telegram import BotCommand, CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram.inbox import DurableQueue
from bot.channels.telegram.render import MAX_TEXT, keyboard, render_reply, utf16_len
from bot.channels.telegram.repair import readable_update
from bot.channels.telegram.request import TolerantRequest
from bot.channels.telegram.sender import Blocked, Sender, quiet_network_tracebacks
from bot.channels.telegram.shared import SharedInbox
from bot.channels.telegram.translate import (
    CHANNEL,
    BotIdentity,
    callback_chat_id,
    from_callback,
    from_message,
)
from bot.config import TelegramConfig
from bot.core.assistant import Assistant
from bot.core.locks import KeyedLocks
from bot.core.models import Incoming
from bot.httpserver import HttpServer
from bot.webhook.guard import Refused, parse_object, read_body

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
COMMANDS = [
    BotCommand("start", "Bắt đầu: lời chào và danh sách chính"),
    BotCommand("menu", "Danh sách thủ tục, hướng dẫn từng bước"),
    BotCommand("help", "Cách dùng trợ lý"),
]


def api_url(url: str, default_path: str) -> str:
    """The prefix PTB appends the token to: `http://host:8081` gets `/bot`, a final `/` goes.

    Args:
        url: `telegram.base_url` or `telegram.base_file_url` (may contain `{token}`).
        default_path: the path used when the URL has none.

    Returns:
        The URL to give PTB.
    """
    if "{token}" in url:
        return url
    url = url.rstrip("/")
    return url + default_path if not urlsplit(url).path else url


class TelegramChannel:
    """Receives updates (polling or webhook), asks the core, renders its replies.

    The Application runs with no PTB persistence (the core owns conversation state) and
    processes updates concurrently; a per-chat lock keeps the turns of one chat in order,
    replies included, while other chats go on.
    """

    name = CHANNEL

    def __init__(self, config: TelegramConfig, token: str, webhook_secret: str = "", *,
                 poll_timeout: int = 30, sender: Sender | None = None,
                 double_tap_seconds: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Check the settings; nothing is contacted before `start()`.

        Args:
            config: the `telegram` config section.
            token: the bot token (DVCBOT_TELEGRAM_TOKEN).
            webhook_secret: DVCBOT_TELEGRAM_WEBHOOK_SECRET, required in webhook mode.
            poll_timeout: long-polling timeout in seconds.
            sender: the failure policy for outgoing calls (tests inject fast sleeps).
            double_tap_seconds: a second press on the same message within this time is
                dropped.
            clock: monotonic seconds, for the double-tap window.

        Raises:
            ValueError: a setting is missing or invalid for the chosen mode.
        """
        if not token:
            raise ValueError("DVCBOT_TELEGRAM_TOKEN is empty")
        if config.mode == "webhook":
            if not config.webhook_url:
                raise ValueError("telegram.webhook_url is required in webhook mode")
            if not SECRET_RE.match(webhook_secret):
                raise ValueError("DVCBOT_TELEGRAM_WEBHOOK_SECRET must be set in webhook mode "
                                 "(1-256 characters: A-Z, a-z, 0-9, _ and -)")
        self.config = config
        self.token = token
        self.webhook_secret = webhook_secret
        self.poll_timeout = poll_timeout
        self.sender = sender or Sender()
        self.staff_ids = frozenset(config.staff_ids)
        self.app: Application | None = None
        self.double_tap_seconds = double_tap_seconds
        self._clock = clock
        self._assistant: Assistant | None = None
        self._me = BotIdentity(0, "")
        self._locks = KeyedLocks()
        self._presses: OrderedDict[tuple[int, int], float] = OrderedDict()
        self._queue: DurableQueue | None = None
        self._shared: SharedInbox | None = None

    def build_application(self) -> Application:
        """The PTB Application pointed at `telegram.base_url`, with our three handlers."""
        builder = (ApplicationBuilder().token(self.token)
                   .base_url(api_url(self.config.base_url, "/bot"))
                   .base_file_url(api_url(self.config.base_file_url, "/file/bot"))
                   .request(TolerantRequest(connection_pool_size=256))
                   .get_updates_request(TolerantRequest(connection_pool_size=1))
                   .concurrent_updates(True).job_queue(None))
        if self._queue is not None:
            builder = builder.update_queue(self._queue)
        if self.config.mode == "webhook":
            builder = builder.updater(None)  # our aiohttp route feeds the update queue
        app = builder.build()
        app.add_handler(MessageHandler(
            filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, self._on_message))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self._on_edited))
        app.add_handler(CallbackQueryHandler(self._on_callback))
        app.add_error_handler(self._on_error)
        # Group 1 runs after the turn's handler has finished (or failed): the update is done.
        app.add_handler(TypeHandler(Update, self._on_handled), group=1)
        return app

    async def start(self, assistant: Assistant, http: HttpServer) -> None:
        """Connect (getMe), set the command list, then start polling or the webhook.

        Args:
            assistant: the core.
            http: the shared HTTP server (webhook mode adds its route; start it after).

        Raises:
            RuntimeError: the Bot API server cannot be reached or refuses the token.
        """
        # httpx logs every request URL at INFO, and the URL contains the bot token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        quiet_network_tracebacks()
        self._assistant = assistant
        self._queue = DurableQueue(assistant.store)
        app = self.app = self.build_application()
        await self.sender.call("getMe", "-", app.initialize)
        try:
            app.bot.bot  # noqa: B018 - raises unless getMe succeeded
        except RuntimeError:
            raise RuntimeError(f"cannot use the Bot API at {self.config.base_url}") from None
        self._me = BotIdentity(app.bot.id, app.bot.username or "")
        if await self.sender.call("setMyCommands", "-", lambda: app.bot.set_my_commands(COMMANDS),
                                  optional=True) is None:
            log.info("the command list is not shown in the chat menu; commands still work")
        if self.config.mode == "webhook":
            http.add_route("POST", self.config.webhook_path, self._on_webhook)
            done = await self.sender.call("setWebhook", "-", lambda: app.bot.set_webhook(
                self.config.webhook_url, secret_token=self.webhook_secret,
                allowed_updates=ALLOWED_UPDATES))
            if not done:
                raise RuntimeError(f"setWebhook to {self.config.webhook_url} failed")
        await app.start()
        await self._queue.replay(app.bot)
        self._shared = SharedInbox(self._queue)
        polling = self.config.mode == "polling" and app.updater is not None
        await self._shared.start(self._start_polling if polling else None, self._stop_polling)
        log.info("telegram: @%s ready (%s, %s)", self._me.username, self.config.mode,
                 self.config.base_url)

    async def stop(self) -> None:
        """Stop fetching, confirm the update offset, finish turns in flight, close."""
        app = self.app
        if app is None:
            return
        if self._shared is not None:
            await self._shared.stop()
            self._shared = None
        await self._stop_polling()
        if app.running:
            await app.stop()
        await app.shutdown()
        self.app = None

    async def _start_polling(self) -> None:
        """Long-poll (this instance holds the polling lease)."""
        app = self.app
        if app is not None and app.updater is not None and not app.updater.running:
            # start_polling calls deleteWebhook first, so a leftover webhook cannot block us.
            await app.updater.start_polling(timeout=self.poll_timeout, bootstrap_retries=5,
                                            allowed_updates=ALLOWED_UPDATES,
                                            error_callback=self._on_poll_error)

    async def _stop_polling(self) -> None:
        app = self.app
        if app is not None and app.updater is not None and app.updater.running:
            await app.updater.stop()  # its last getUpdates confirms the offset

    # --- webhook ----------------------------------------------------------------------
    async def _on_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.webhook_secret.encode()):
            log.warning("telegram webhook: wrong or missing secret token, refused")
            return web.Response(status=403)
        app = self.app
        if app is None or not app.running:
            return web.Response(status=503)  # Telegram delivers it again later
        try:
            data = parse_object(await read_body(request))
        except Refused as refused:
            log.warning("telegram webhook: request refused: %s", refused)
            return web.Response(status=refused.status)
        readable = readable_update(data)  # logs what it had to skip
        if readable is not None:  # else delivering it again would not help: acknowledged
            await app.update_queue.put(Update.de_json(readable, app.bot))
        return web.Response(status=200)

    # --- handlers ---------------------------------------------------------------------
    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        incoming = from_message(update, message, self._me, self.staff_ids)
        if incoming is None:
            log.debug("group message not addressed to the bot: ignored")
            return
        async with self._locks.hold(incoming.user_key):
            await self._turn(message.chat.id, incoming)

    async def _on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Answering an edit would repeat or contradict an answer already given.
        log.debug("edited message ignored (update %s)", update.update_id)

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        incoming = from_callback(update, query, self.staff_ids)
        if incoming is None:
            await self._quietly("answerCallbackQuery", query.answer())
            return
        chat_id = callback_chat_id(query)
        async with self._locks.hold(incoming.user_key):
            # Stop the client's spinner first, whatever happens next.
            await self._quietly("answerCallbackQuery", query.answer())
            if query.message is not None and \
                    self._double_tap(chat_id, query.message.message_id):
                log.debug("second press on the same message dropped")
                return
            await self._close_keyboard(query)
            await self._turn(chat_id, incoming)

    async def _on_handled(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if self._queue is not None:
            await self._queue.done(update)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed", exc_info=context.error)

    @staticmethod
    def _on_poll_error(exc: TelegramError) -> None:
        """One line per failed getUpdates; PTB retries with backoff (up to 30 s)."""
        log.warning("telegram: getUpdates failed (%s: %s); retrying", type(exc).__name__, exc)

    # --- helpers ----------------------------------------------------------------------
    async def _turn(self, chat_id: int, incoming: Incoming) -> None:
        """One turn: ask the core, send its replies in order (caller holds the chat lock)."""
        assert self._assistant is not None and self.app is not None
        bot = self.app.bot
        replies = await self._assistant.handle(incoming)
        tag = self._assistant.pseudonymize(CHANNEL, incoming.user_key)
        try:
            for reply in replies:
                for out in render_reply(reply):
                    send = functools.partial(bot.send_message, chat_id, out.text,
                                             reply_markup=keyboard(out.buttons))
                    await self.sender.call("sendMessage", tag, send)
        except Blocked:
            pass  # the citizen blocked the bot: nothing to retry
        await self._assistant.delivered(incoming)

    def _double_tap(self, chat_id: int, message_id: int) -> bool:
        now = self._clock()
        while self._presses and next(iter(self._presses.values())) < now - \
                self.double_tap_seconds:
            self._presses.popitem(last=False)
        key = (chat_id, message_id)
        if key in self._presses:
            return True
        self._presses[key] = now
        return False

    async def _close_keyboard(self, query: CallbackQuery) -> None:
        """Show the choice under the pressed message and remove its buttons (no double taps)."""
        message = query.message
        if not isinstance(message, Message) or message.reply_markup is None:
            return
        labels = [b.text for row in message.reply_markup.inline_keyboard for b in row
                  if b.callback_data == query.data]
        text = f"{message.text}\n\n✅ {labels[0]}" if message.text and labels else ""
        if text and utf16_len(text) <= MAX_TEXT:
            await self._quietly("editMessageText", message.edit_text(text))
        else:
            await self._quietly("editMessageReplyMarkup", message.edit_reply_markup(None))

    @staticmethod
    async def _quietly(what: str, call: Awaitable[object]) -> None:
        """Best-effort calls (spinner, keyboard cleanup): a failure only costs cosmetics."""
        try:
            await call
        except TelegramError as exc:
            log.debug("%s failed: %s", what, exc)
