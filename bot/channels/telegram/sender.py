"""Bot API calls with the failure policy: flood waits, blocked chats, bounded retries."""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
T = TypeVar("T")
OPTIONAL_ATTEMPTS = 2
Sleep = Callable[[float], Awaitable[None]]


class Blocked(Exception):
    """The citizen blocked the bot or the chat is gone: stop sending to it this turn."""


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (an int or a timedelta, depending on PTB settings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


class Sender:
    """Runs one Bot API call for one chat under the failure policy.

    * 429 flood control: wait `retry_after` seconds (up to `max_flood_wait`) and retry;
    * 403 (blocked, kicked, deactivated): log and raise `Blocked`, never retry;
    * 400 (bad request) and other API errors: log and give up on this call;
    * network errors and timeouts: retry with exponential backoff, `max_attempts` in all.

    Waiting happens in the task of that chat only, so other chats are not held up.
    """

    def __init__(self, sleep: Sleep = asyncio.sleep, max_attempts: int = 5,
                 first_backoff: float = 1.0, max_backoff: float = 30.0,
                 max_flood_wait: float = 120.0) -> None:
        """Set the policy.

        Args:
            sleep: how to wait (tests inject a recorder).
            max_attempts: tries per call, the first included.
            first_backoff: the first wait after a network error, doubled each time.
            max_backoff: the longest wait after a network error.
            max_flood_wait: a longer `retry_after` is not honoured; the call is dropped.
        """
        self._sleep = sleep
        self.max_attempts = max_attempts
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.max_flood_wait = max_flood_wait

    async def call(self, what: str, chat: str, action: Callable[[], Awaitable[T]], *,
                   optional: bool = False) -> T | None:
        """Run `action` until it succeeds or the policy gives up.

        Args:
            what: the method name, for logs.
            chat: a pseudonymous tag of the chat, for logs (never the raw id).
            action: a coroutine factory doing the call; called once per attempt.
            optional: the bot works without it (e.g. a server lacking setMyCommands): tried
                at most twice, and a refusal is a warning, not an error.

        Returns:
            The call's result, or None when it was given up.

        Raises:
            Blocked: the chat blocked the bot (403).
        """
        backoff = self.first_backoff
        attempts = min(self.max_attempts, OPTIONAL_ATTEMPTS) if optional else self.max_attempts
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                return await action()
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                if last or wait > self.max_flood_wait:
                    log.error("%s to %s dropped: flood control asks %.0f s", what, chat, wait)
                    return None
                log.warning("%s to %s: flood control, retrying in %.0f s", what, chat, wait)
                await self._sleep(wait)
            except Forbidden as exc:
                log.info("%s to %s refused (%s): chat blocked or gone, not retrying",
                         what, chat, exc.message)
                raise Blocked(exc.message) from exc
            except (BadRequest, ChatMigrated) as exc:
                log.warning("%s to %s refused: %s", what, chat, exc)
                return None
            except NetworkError as exc:  # also TimedOut
                if last:
                    log.log(logging.WARNING if optional else logging.ERROR,
                            "%s to %s dropped after %d attempts: %s", what, chat, attempt, exc)
                    return None
                log.warning("%s to %s failed (%s), retrying in %.1f s", what, chat, exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
            except TelegramError as exc:  # InvalidToken, Conflict, ...: retrying will not help
                if optional:
                    log.warning("%s not done (%s); going on without it", what, exc)
                else:
                    log.error("%s to %s failed: %s", what, chat, exc)
                return None
            except Exception:  # e.g. a result another Bot API server shaped differently
                log.exception("%s to %s failed unexpectedly", what, chat)
                return None
        return None


class OneLineNetworkErrors(logging.Filter):
    """PTB logs a failed final getUpdates (server gone at shutdown) as an ERROR with three
    chained tracebacks; it is an expected network failure: one warning line says it all."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place (always kept)."""
        if record.exc_info and isinstance(record.exc_info[1], NetworkError):
            first_sentence = record.getMessage().split(". ")[0]
            record.msg, record.args = "%s (%s)", (first_sentence, record.exc_info[1])
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_network_tracebacks(logger_name: str = "telegram.ext.Updater") -> None:
    """Install `OneLineNetworkErrors` once on a PTB logger."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, OneLineNetworkErrors) for f in logger.filters):
        logger.addFilter(OneLineNetworkErrors())
