"""Render core replies as Telegram messages: plain text, split under 4096, inline keyboards."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.models import Button, Reply, numbered_text

MAX_TEXT = 4096  # Telegram's limit, counted in UTF-16 code units
SEPARATORS = ("\n\n", "\n", " ")
EMPTY_TEXT = "⬇️"  # Telegram refuses an empty message; only used if the core sends none


@dataclass(frozen=True)
class OutMessage:
    """One sendMessage call: plain text (no parse mode) and the buttons under it."""

    text: str
    buttons: tuple[Button, ...] = ()


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (emoji outside the BMP count twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split text into chunks of at most `limit` UTF-16 units.

    Paragraph boundaries are preferred, then line breaks, then spaces; a single word longer
    than the limit is cut.

    Args:
        text: the text to split.
        limit: the maximum chunk length.

    Returns:
        Non-empty chunks in order; empty when the text is blank.
    """
    chunks = [c.strip() for c in _split(text.strip(), limit, 0)]
    return [c for c in chunks if c]


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if level >= len(SEPARATORS):
        return _hard_cut(text, limit)
    sep = SEPARATORS[level]
    chunks: list[str] = []
    current = ""
    for part in text.split(sep):
        if utf16_len(part) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(_split(part, limit, level + 1))
            continue
        joined = f"{current}{sep}{part}" if current else part
        if utf16_len(joined) <= limit:
            current = joined
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = utf16_len(char)
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        chunks.append("".join(current))
    return chunks


def render_reply(reply: Reply, limit: int = MAX_TEXT) -> list[OutMessage]:
    """Turn one core reply into the messages to send.

    Links are appended as text (Telegram makes URLs clickable in plain text, so nothing needs
    escaping); the buttons go under the last chunk.

    Args:
        reply: the core's reply.
        limit: the maximum message length.

    Returns:
        One or more messages.
    """
    text = numbered_text(Reply(reply.text, (), reply.links))
    chunks = split_text(text, limit) or [EMPTY_TEXT]
    out = [OutMessage(chunk) for chunk in chunks[:-1]]
    out.append(OutMessage(chunks[-1], reply.buttons))
    return out


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """One inline button per row (labels are long Vietnamese titles), or None."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.payload)] for b in buttons])
