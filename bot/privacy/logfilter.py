"""Redact every log record and mask every secret, whichever library wrote the record."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from bot.privacy.redact import redact

MASK = "[bí mật]"
MIN_SECRET_CHARS = 6  # shorter values would mask ordinary words
# Bot tokens of Telegram and the Zalo Bot Platform ("123456789:AAE..."), also inside URLs.
_BOT_TOKEN = re.compile(r"\d{5,20}:[A-Za-z0-9_\-]{20,200}")
# "access_token=...", "secret_key: ...", '"refresh_token": "..."' in URLs, headers and JSON.
_KEYED = re.compile(
    r"(?i)((?:access_token|refresh_token|secret_key|secret_token|app_secret|secret|password"
    r"|code_verifier|api_key)[\"']?\s{0,3}[:=]\s{0,3}[\"']?)([^\s\"'&,;)}]{4,500})")
# A Telegram profile inside a logged update: first_name='Mai', "username": "mai85".
_PROFILE = re.compile(
    r"((?:first_name|last_name|username|full_name|display_name)[\"']?\s{0,3}[:=]\s{0,3})"
    r"([\"'])[^\"'\n]{0,256}\2")

_secrets: set[str] = set()
_lock = threading.Lock()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def add_secret(value: str | None) -> None:
    """Mask `value` in every later log line (tokens read at start-up or rotated later)."""
    if value and len(value) >= MIN_SECRET_CHARS:
        with _lock:
            _secrets.add(value)


def clean_line(text: str) -> str:
    """`text` with secrets masked and personal data redacted.

    Args:
        text: one formatted log message (or traceback).

    Returns:
        The text safe to write to a log.
    """
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = _BOT_TOKEN.sub(MASK, text)
    text = _KEYED.sub(lambda m: m.group(1) + MASK, text)
    text = _PROFILE.sub(lambda m: m.group(1) + m.group(2) + "[hồ sơ]" + m.group(2), text)
    return redact(text).text


_FORMATTER = logging.Formatter()


def clean_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite `record` in place: message, arguments, traceback and stack, once."""
    if getattr(record, "dvcbot_clean", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # bad %-arguments: keep what can be shown
        message = f"{record.msg!s} {record.args!r}"
    record.msg, record.args = clean_line(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = _FORMATTER.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = clean_line(record.exc_text)
    if record.stack_info:
        record.stack_info = clean_line(record.stack_info)
    record.dvcbot_clean = True
    return record


class RedactingFilter(logging.Filter):
    """A handler filter that cleans every record passing through (it never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Clean `record` and let it through."""
        clean_record(record)
        return True


def install(secrets: Iterable[str] = ()) -> None:
    """Clean every record from now on, third-party loggers included, at every level.

    Records are cleaned where they are made (the log record factory), so handlers added
    later (pytest's, a library's own) see clean records too; every handler of the root
    logger also gets a `RedactingFilter` for records built elsewhere (makeLogRecord).

    Args:
        secrets: values to mask wherever they appear (tokens, webhook secrets).
    """
    global _previous_factory
    for value in secrets:
        add_secret(value)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    with _lock:
        if _previous_factory is not None:
            return
        make = _previous_factory = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return clean_record(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)


def uninstall() -> None:
    """Undo `install` (tests): the previous record factory, no filters, no secrets."""
    global _previous_factory
    with _lock:
        if _previous_factory is not None:
            logging.setLogRecordFactory(_previous_factory)
            _previous_factory = None
        _secrets.clear()
    for handler in logging.getLogger().handlers:
        for found in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(found)
