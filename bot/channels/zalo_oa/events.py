"""Translate Zalo OA webhook events into the core's neutral `Incoming` events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.channels.zalo_bot.updates import as_mapping, text_id
from bot.core.models import Incoming

CHANNEL = "zalo-oa"
# A button click comes back as ordinary text equal to the button's payload; the "#" mark
# tells it apart from typed text ("menu" typed stays a question, "#menu" is the button).
PAYLOAD_MARK = "#"
PAYLOAD_RE = re.compile(r"#([A-Za-z0-9_:.\-]{1,64})")
# A click may also come as its own event (named in one integration's docs, unconfirmed).
TEXT_EVENTS = {"user_send_text", "user_click_button"}
# Events from the user that carry no text we can read: answered with a polite request.
NON_TEXT_PREFIX = "user_send_"


@dataclass(frozen=True)
class OAEvent:
    """An event the bot answers: who to reply to, the message to refer to, what happened."""

    user_id: str
    message_id: str | None
    incoming: Incoming


def button_payload(text: str) -> str | None:
    """The button payload carried by a clicked `oa.query.hide` button, if `text` is one."""
    match = PAYLOAD_RE.fullmatch(text.strip())
    return match.group(1) if match else None


def parse_event(event: Any) -> OAEvent | None:
    """Read one verified webhook event.

    The OA's own messages (`oa_send_*` echoes), delivery and seen receipts, unfollows and
    anonymous chats are ignored (None). A follow gets the welcome (`start_payload=""`).

    Args:
        event: the decoded JSON body.

    Returns:
        The event to handle, or None.
    """
    if not isinstance(event, dict):
        return None
    name = str(event.get("event_name", ""))
    if name == "follow":
        user_id = text_id(as_mapping(event.get("follower")).get("id"))
        if not user_id:
            return None
        stamp = text_id(event.get("timestamp"))
        update_id = f"follow:{user_id}:{stamp}" if stamp else None
        return OAEvent(user_id, None, Incoming(CHANNEL, user_id, start_payload="",
                                               update_id=update_id))
    if not name.startswith(NON_TEXT_PREFIX) and name not in TEXT_EVENTS:
        return None  # oa_send_* echoes, user_seen_message, unfollow, anonymous_*, ...
    user_id = text_id(as_mapping(event.get("sender")).get("id"))
    if not user_id:
        return None
    message = as_mapping(event.get("message"))
    message_id = text_id(message.get("msg_id")) or None
    text = message.get("text")
    if name not in TEXT_EVENTS and not (isinstance(text, str) and text.strip()):
        text = None  # e.g. a sticker; text that came with a link or an image is read
    if not isinstance(text, str):
        incoming = Incoming(CHANNEL, user_id, text="", update_id=message_id)
    elif (payload := button_payload(text)) is not None:
        incoming = Incoming(CHANNEL, user_id, button=payload, update_id=message_id)
    else:
        incoming = Incoming(CHANNEL, user_id, text=text, update_id=message_id)
    return OAEvent(user_id, message_id, incoming)
