"""Translate Zalo Bot Platform updates into the core's neutral `Incoming` events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.models import Incoming

CHANNEL = "zalo-bot"
TEXT_EVENT = "message.text.received"


@dataclass(frozen=True)
class Inbound:
    """An update the bot answers: where to reply, and what the citizen did."""

    chat_id: str
    incoming: Incoming


def unwrap(body: Any) -> Any:
    """Webhook bodies come bare (`{event_name, message}`) or wrapped (`{ok, result}`)."""
    if isinstance(body, dict) and "message" not in body and isinstance(body.get("result"),
                                                                       dict):
        return body["result"]
    return body


def as_mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one (servers differ in shape)."""
    return value if isinstance(value, dict) else {}


def text_id(value: Any) -> str:
    """Ids are opaque strings; some servers may still send numbers."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return ""


def parse_update(update: Any) -> Inbound | None:
    """Read one update.

    Text becomes `Incoming.text` (`/start PAYLOAD` included: the core reads deep links
    from text). Stickers, images and other messages become an empty text, which the core
    answers with a polite "please type your question". The message id is the update id,
    so a redelivered event is dropped by the core.

    Args:
        update: the decoded JSON of one update.

    Returns:
        The event to handle, or None for updates the bot ignores (other bots, no chat).
    """
    if not isinstance(update, dict):
        return None
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = as_mapping(message.get("chat"))
    sender = as_mapping(message.get("from"))
    if sender.get("is_bot") is True:
        return None
    chat_id = text_id(chat.get("id")) or text_id(sender.get("id"))
    if not chat_id:
        return None
    event = str(update.get("event_name", ""))
    text = message.get("text")
    if event and event != TEXT_EVENT and not event.startswith("message."):
        return None
    # Text that came with another event (a link...) is read too; a sticker, image or voice
    # becomes "" and the core answers politely.
    readable = isinstance(text, str) and (event == TEXT_EVENT or text.strip())
    typed = text if readable and isinstance(text, str) else ""
    message_id = text_id(message.get("message_id")) or None
    return Inbound(chat_id, Incoming(CHANNEL, chat_id, text=typed, update_id=message_id))
